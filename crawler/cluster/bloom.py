"""The seen-set of one site's crawl in the cluster: a Bloom filter in a Redis bitmap, of bounded size.

A URL sets `k` bits of an `m`-bit bitmap (double hashing of a 128-bit BLAKE2b digest). A URL never
added can find all its bits set by others: it is then taken as seen and not crawled (a false drop).
The filter is sized from JCRAWL_CLUSTER_SEEN_CAPACITY URLs and JCRAWL_CLUSTER_SEEN_ERROR, the false-drop
rate when that many URLs were added: m = -n ln p / (ln 2)^2 bits, k = (m / n) ln 2. With the defaults
(1,000,000 URLs, 0.001) it takes 1.8 MB per site and sets 10 bits per URL; a site of 100,000 URLs
then has a false-drop rate of 2e-12, and one of 2,000,000 URLs of 5.7%. The size travels with the
seed, so every worker hashes a site alike.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

MAX_BITS = 2**32  # a Redis string holds at most 512 MB


@dataclass(frozen=True, slots=True)
class BloomShape:
    """The size of a filter: `bits` in the bitmap, `hashes` bits set per URL."""

    bits: int
    hashes: int

    @classmethod
    def sized(cls, capacity: int, error: float) -> BloomShape:
        """The smallest filter holding `capacity` URLs with a false-drop rate of `error` at most."""
        if capacity < 1 or not 0 < error < 1:
            raise ValueError(
                f"a Bloom filter needs a capacity >= 1 and 0 < error < 1, not {capacity}, {error}"
            )
        bits = min(MAX_BITS, math.ceil(-capacity * math.log(error) / math.log(2) ** 2))
        return cls(bits, max(1, round(bits / capacity * math.log(2))))

    def positions(self, url: str) -> list[int]:
        """The bits `url` sets."""
        digest = hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        first, second = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little") | 1
        return [(first + i * second) % self.bits for i in range(self.hashes)]

    def false_drop_rate(self, urls: int) -> float:
        """The chance that a new URL is taken as seen once `urls` URLs were added."""
        return (1 - math.exp(-self.hashes * urls / self.bits)) ** self.hashes


class BitmapCopy:
    """A copy of a filter's Redis bitmap (GET of its string: bit 0 is the first byte's highest bit),
    answering for positions without a round trip; bits set after the copy was made are missed."""

    def __init__(self, data: bytes | None):
        self.data = bytearray(data or b"")

    def has(self, positions: list[int]) -> bool:
        """True when every position is set."""
        data = self.data
        return all(p >> 3 < len(data) and data[p >> 3] & (0x80 >> (p & 7)) for p in positions)

    def set(self, positions: list[int]) -> None:
        """Set the positions (as the push script sets them in Redis)."""
        for p in positions:
            if p >> 3 >= len(self.data):
                self.data.extend(bytes((p >> 3) + 1 - len(self.data)))
            self.data[p >> 3] |= 0x80 >> (p & 7)
