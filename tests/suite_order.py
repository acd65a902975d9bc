"""The order in which a parallel run hands test files out, and what each file costs.

Most of the long files wait (a screen plays in real time, a fleet polls) and use little CPU;
most short ones keep a core busy. Handed out longest first, five workers on two cores started
with the waiting files together and left the cores half idle for the first three minutes
(vmstat, 7 December). `file_order` plays the run through on paper instead: each time a worker
is free it takes the file whose CPU share brings the running files nearest to every core busy,
except that a file that could no longer end before the rest goes at once, longest first.

A file's cost is what `SIGNAGE_RECORD_DURATIONS=1 ./scripts/test` measured: its seconds from
start to end (setup, calls and teardowns) and the CPU seconds its worker and the worker's child
processes used meanwhile (`tree_cpu`).
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

# Files are planned to end by this share of the whole run's estimated length, so that the
# estimate's error falls on the short files at the end, not on a long one started late.
MARGIN = 0.6


@dataclass(frozen=True)
class Cost:
    """A test file's seconds from start to end, and the CPU seconds it used."""

    seconds: float
    cpu: float

    @property
    def share(self) -> float:
        """The cores it keeps busy on average."""
        return self.cpu / self.seconds if self.seconds > 0 else 0.0


def file_order(costs: dict[str, Cost], workers: int, cores: float) -> list[str]:
    """The files in the order to hand them out to `workers` processes on `cores` cores."""
    if workers <= 1:
        return sorted(costs, key=lambda name: -costs[name].seconds)
    length = MARGIN * max(
        sum(cost.seconds for cost in costs.values()) / workers,
        sum(cost.cpu for cost in costs.values()) / cores,
    )
    left = dict(costs)
    running: list[tuple[float, float]] = []  # (when it ends, its share), for each worker busy
    clock = 0.0
    order: list[str] = []
    while left:
        if len(running) == workers:
            running.sort()
            clock = running.pop(0)[0]
        busy = sum(share for _, share in running)
        late = [name for name, cost in left.items() if clock + cost.seconds >= length]
        if late:
            name = max(late, key=lambda name: left[name].seconds)
        else:
            name = min(
                left, key=lambda name: (abs(busy + left[name].share - cores), -left[name].seconds)
            )
        cost = left.pop(name)
        running.append((clock + cost.seconds, cost.share))
        order.append(name)
    return order


def tree_cpu() -> float:
    """CPU seconds used so far by this process, its children that ended and were waited for,
    and its descendants still running."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        # its own and its waited-for children's user and system time
        ticks[pid] = sum(int(field) for field in fields[11:15])
    running, stack = 0, list(children.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        running += ticks.get(pid, 0)
        stack.extend(children.get(pid, []))
    own = resource.getrusage(resource.RUSAGE_SELF)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        running / os.sysconf("SC_CLK_TCK")
        + own.ru_utime
        + own.ru_stime
        + ended.ru_utime
        + ended.ru_stime
    )
