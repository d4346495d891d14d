"""Run every benchmark in one process and print one table (markdown).

    .venv/bin/python benchmarks/run.py                 # all workloads
    .venv/bin/python benchmarks/run.py --quick         # fewer repeats
    .venv/bin/python benchmarks/run.py --output benchmarks/RESULTS.md

The peers come with the ``bench`` extra: ``pip install -e '.[bench]'`` (micrograd 0.1.0
and torch 2.13.0 CPU). A peer that is not installed shows up as a "missing" row.
Suites run in the order value, deep, tensor, and torch is first imported by the
tensor suite: its several hundred thousand Python objects would otherwise sit in the
heap that every full garbage collection walks, slowing the scalar engines (micrograd
and ours alike) by an amount that has nothing to do with them. Within a suite, all
engines run in the same interpreter state.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_deep  # noqa: E402
import bench_tensor  # noqa: E402
import bench_value  # noqa: E402
from common import markdown_table, try_import  # noqa: E402


def machine() -> str:
    import numpy as np

    torch = try_import("torch")
    torch_part = f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else ""
    return (f"Python {platform.python_version()}, NumPy {np.__version__}{torch_part}, "
            f"{os.cpu_count()} CPUs, {platform.machine()} {platform.system()}")


# glibc's malloc hands out arrays above an adaptive size threshold as fresh memory
# maps, and every first touch of such a page is a page fault. Which arrays hit that
# path depends on what ran before in the process, and it made a float64 MLP step up
# to twice as slow for any engine (the NumPy floor included), deciding the ratios by
# luck. Pinning the thresholds keeps large temporaries in the heap for every engine.
PINNED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(64 << 20), "MALLOC_TRIM_THRESHOLD_": str(128 << 20)}


def pin_malloc() -> None:
    """Re-run this script with glibc's malloc thresholds pinned (they are read at start)."""
    if platform.system() == "Linux" and any(os.environ.get(k) != v
                                            for k, v in PINNED_MALLOC.items()):
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **PINNED_MALLOC})


def main() -> None:
    pin_malloc()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--output", help="also write the table to this markdown file")
    parser.add_argument("--only", choices=["value", "tensor", "deep"], action="append",
                        help="run only these workloads (repeatable)")
    args = parser.parse_args()
    for peer in ("micrograd.engine", "micrograd.nn"):
        try_import(peer)
    suites = {"value": bench_value, "deep": bench_deep, "tensor": bench_tensor}
    chosen = [name for name in suites if name in (args.only or suites)]
    rows = []
    started = time.perf_counter()
    for name in chosen:
        repeats = {"value": 5, "tensor": 15, "deep": 3}[name]
        rows += suites[name].run(repeats=max(1, repeats // 2) if args.quick else repeats)
    header = (f"Median of several repeats per row; ratio = that engine's time / autograd's "
              f"time on the same workload and dtype (above 1: autograd is faster). "
              f"glibc malloc thresholds pinned: {PINNED_MALLOC}.\n"
              f"Machine: {machine()}. Total run: {time.perf_counter() - started:.0f} s.\n")
    table = header + "\n" + markdown_table(rows) + "\n"
    print(table)
    if args.output:
        with open(args.output, "w") as out:
            out.write("# Benchmark results\n\nProduced by `make bench` "
                      "(`.venv/bin/python benchmarks/run.py`).\n\n" + table)


if __name__ == "__main__":
    main()
