"""What a command costs the machine: wall time, CPU of its whole process tree (and of its own
process), cores used, peak memory.

`/usr/bin/time` sees only the processes its command waits for, and a crawl's extraction workers are
not among them, so the tree is sampled from /proc instead, every SAMPLE seconds: each process's CPU
time as last seen (a process's last SAMPLE seconds may be missed), the main process's VmHWM (its
peak resident set, kept by the kernel), and the sum of the tree's resident sets.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SAMPLE = 0.1
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Measurement:
    wall: float  # seconds
    cpu: float  # seconds of user + system time, all processes of the tree
    peak_rss: float  # MB, the command's own process
    peak_tree_rss: float  # MB, all its processes at once
    processes: int
    stderr: str
    main_cpu: float = 0.0  # seconds of user + system time, the command's own process

    @property
    def cores(self) -> float:
        """Cores used on average: CPU seconds per wall second."""
        return self.cpu / self.wall if self.wall else 0.0


def measure(command: list[str | Path], cwd: Path | None = None, ok: tuple[int, ...] = (0,)) -> Measurement:
    """Run `command` (stdout discarded) and measure it; RuntimeError if it exits otherwise than `ok`."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        cpu: dict[int, float] = {}
        peak = peak_tree = 0
        while process.poll() is None:
            tree_rss = 0
            for pid in _tree(process.pid):
                times, rss, hwm = _read(pid)
                if times is None:
                    continue
                cpu[pid] = times
                tree_rss += rss
                if pid == process.pid:
                    peak = max(peak, hwm)
            peak_tree = max(peak_tree, tree_rss)
            time.sleep(SAMPLE)
        wall = time.monotonic() - started
        err.seek(0)
        stderr = err.read()
    if process.returncode not in ok:
        raise RuntimeError(f"{command[0]} exited {process.returncode}: {stderr[-2000:]}")
    return Measurement(
        wall, sum(cpu.values()), peak / 1024, peak_tree / 1024, len(cpu), stderr, cpu.get(process.pid, 0.0)
    )


def processes() -> Iterator[tuple[int, list[str]]]:
    """Every live process: its pid and the fields of /proc/PID/stat after its name (state, parent,
    process group, ...)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat_fields(int(entry))) is not None:
            yield int(entry), fields


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the process's name; None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _tree(root: int) -> list[int]:
    """`root` and its descendants."""
    children: dict[int, list[int]] = {}
    for pid, fields in processes():
        children.setdefault(int(fields[1]), []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _read(pid: int) -> tuple[float | None, int, int]:
    """A process's CPU seconds, resident set and peak resident set (kB); None if it is gone."""
    fields = _stat_fields(pid)
    try:
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f.read().splitlines() if ":" in line)
    except OSError:
        fields = None
    if fields is None:
        return None, 0, 0
    kb = lambda name: int(status.get(name, "0 kB").split()[0])  # noqa: E731
    return (int(fields[11]) + int(fields[12])) / TICKS, kb("VmRSS"), kb("VmHWM")
