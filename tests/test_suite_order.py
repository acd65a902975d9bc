"""The suite's own file order (tests/suite_order.py): every core kept busy, long files not
left to the end, and the CPU measure it is planned from."""

from __future__ import annotations

import subprocess
import sys

from tests.suite_order import Cost, file_order, tree_cpu

WAITING = {f"wait-{n}.py": Cost(50.0, 3.0) for n in range(3)}
BUSY = {f"busy-{n}.py": Cost(20.0, 18.0) for n in range(12)}


def test_waiting_files_start_beside_busy_ones_not_all_together() -> None:
    order = file_order(WAITING | BUSY, workers=3, cores=2)
    assert sorted(order) == sorted(WAITING | BUSY)  # each file once
    first = order[:3]
    assert any(name.startswith("busy") for name in first), first
    assert any(name.startswith("wait") for name in first), first


def test_a_file_as_long_as_the_run_goes_first() -> None:
    whole = {"long.py": Cost(400.0, 10.0)}
    order = file_order(whole | BUSY, workers=3, cores=2)
    assert order[0] == "long.py"


def test_one_worker_takes_the_longest_first() -> None:
    assert file_order(WAITING | BUSY, workers=1, cores=2)[:3] == sorted(WAITING)


def test_tree_cpu_counts_a_child_process() -> None:
    before = tree_cpu()
    subprocess.run([sys.executable, "-c", "sum(range(50_000_000))"], check=True)
    assert tree_cpu() - before > 0.3
