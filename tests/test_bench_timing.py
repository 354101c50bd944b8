"""The extraction bench's timing (`bench/extraction.py` `timed_runs`) charges each extractor for its own
work only: no memo carried over from an earlier round, no garbage left for another extractor."""

from __future__ import annotations

import importlib.util
import weakref
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "extraction.py"
PAGES = [(f"p{i}", b"<p>x</p>", f"http://127.0.0.1/{i}") for i in range(4)]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_extraction", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_every_round_sees_the_pages_for_the_first_time() -> None:
    seen: list[str] = []  # a memo an extractor keeps across calls

    def memoising(html: bytes, url: str) -> dict:
        seen.append(url)
        return {"calls_before": len(seen) - 1}

    preds, cpu = _bench().timed_runs({"memoising": memoising}, PAGES, repeat=3)
    # the warm-up call, then this round's own calls: the earlier rounds left nothing behind
    assert [p["calls_before"] for p in preds["memoising"].values()] == [1, 2, 3, 4]
    assert cpu["memoising"] >= 0


def test_a_call_pays_for_its_own_cyclic_garbage() -> None:
    cycles: list[weakref.ref] = []

    def littering(html: bytes, url: str) -> dict:
        cycles.extend(weakref.ref(_Node()) for _ in range(10))
        return {}

    def probe(html: bytes, url: str) -> dict:
        return {"cycles_alive": sum(ref() is not None for ref in cycles)}

    preds, _ = _bench().timed_runs({"littering": littering, "probe": probe}, PAGES, repeat=1)
    # collected inside the littering call's own timed span, before the probe ran
    assert [p["cycles_alive"] for p in preds["probe"].values()] == [0, 0, 0, 0]
