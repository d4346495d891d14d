"""Timing helpers shared by the benchmark files: medians of repeats, and one result table.

Every workload is run by every engine in the same process, one after the other, so the
ratios compare like with like. A peer that is not installed becomes a "missing" row.
"""

from __future__ import annotations

import gc
import importlib
import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

OURS = "autograd"
SETTLE_SECONDS = 0.5
INTERLEAVE_SETTLE_SECONDS = 0.05


@dataclass
class Row:
    """One line of the table: a workload run by one engine."""

    workload: str
    engine: str
    dtype: str
    seconds: float | None  # median of the repeats; None when the engine is missing
    note: str = ""


def median_time(step: Callable[[], Any], repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``step()`` over ``repeats`` runs, after ``warmup`` runs.

    The collector runs between repeats (never inside one), so garbage left by one repeat
    is not charged to the next. A short pause first lets the worker threads of the
    engine timed before (PyTorch's OpenMP pool, OpenBLAS) stop spinning: on a machine
    with few cores they would otherwise slow down whichever engine comes next.
    """
    time.sleep(SETTLE_SECONDS)
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_call(step: Callable[[], Any], calls: int, repeats: int) -> float:
    """Median seconds per call of a tiny ``step`` (timed ``calls`` at a time)."""
    def batch() -> None:
        for _ in range(calls):
            step()
    return median_time(batch, repeats) / calls


def interleaved_per_call(steps: dict[str, Callable[[], Any]], calls: int,
                         rounds: int) -> dict[str, float]:
    """Median seconds per call of each engine's ``step``, the engines taking turns.

    Each round times ``calls`` calls of every engine in turn, after a short pause (so
    the previous engine's worker threads stop spinning) and one warm-up call. A slow
    spell of a shared machine then hits all engines in that round alike instead of
    whichever one was being timed, which keeps the ratios steady from run to run.
    """
    times: dict[str, list[float]] = {engine: [] for engine in steps}
    for _ in range(rounds):
        for engine, step in steps.items():
            time.sleep(INTERLEAVE_SETTLE_SECONDS)
            step()
            gc.collect()
            start = time.perf_counter()
            for _ in range(calls):
                step()
            times[engine].append((time.perf_counter() - start) / calls)
    return {engine: statistics.median(seconds) for engine, seconds in times.items()}


def peak_memory(build: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``build()`` under tracemalloc; return its result and the peak bytes allocated."""
    gc.collect()
    tracemalloc.start()
    try:
        result = build()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def retained_memory(build: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``build()`` under tracemalloc; return its result and the bytes it still holds."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        result = build()
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, after - before


@contextmanager
def collector_disabled():
    """Pause Python's cyclic garbage collector for the block (restored afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def try_import(name: str) -> Any:
    """The module, or None when the peer is not installed (it is then reported missing)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def missing(workload: str, engine: str, dtype: str, package: str) -> Row:
    return Row(workload, engine, dtype, None,
               f"missing: pip install -e '.[bench]' (needs {package})")


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def markdown_table(rows: list[Row]) -> str:
    """The rows as one markdown table; ``ratio`` is the engine's time over ours for the
    same workload and dtype (above 1: the peer is slower than autograd)."""
    ours = {(r.workload, r.dtype): r.seconds for r in rows if r.engine == OURS}
    lines = ["| workload | engine | dtype | median | ratio to ours | note |",
             "|---|---|---|---:|---:|---|"]
    for r in rows:
        base = ours.get((r.workload, r.dtype))
        ratio = f"{r.seconds / base:.2f}×" if r.seconds and base else "—"
        lines.append(f"| {r.workload} | {r.engine} | {r.dtype} | {format_seconds(r.seconds)} "
                     f"| {ratio} | {r.note} |")
    return "\n".join(lines)
