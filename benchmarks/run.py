"""Issue 15's goal table: our engines against their peers, measured as a user runs them.

    .venv/bin/python benchmarks/run.py                 # the full table (a few minutes)
    .venv/bin/python benchmarks/run.py --quick         # fewer rounds, shorter chain
    .venv/bin/python benchmarks/run.py --output benchmarks/RESULTS.md

Every row is a full step as the user writes it, in the default environment: no malloc
or garbage-collector settings, PyTorch at its default thread count. The engines of a row
take turns within each round and the row shows the medians over the rounds. The one
extra column re-measures the Tensor rows in a subprocess with glibc's malloc thresholds
pinned, to show how much of a ratio is page faults from fresh memory maps; it is an
explanation, never the headline. Peers come with the ``bench`` extra (micrograd 0.1.0,
torch 2.13.0 CPU); a missing one leaves its rows unmeasured.

The scalar suites run first and torch is imported only after them: its several hundred
thousand objects would otherwise sit in the heap that every full garbage collection
walks, slowing every scalar engine for a reason a user of ours would not have.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_conv  # noqa: E402
import bench_deep  # noqa: E402
import bench_tensor  # noqa: E402
import bench_value  # noqa: E402
from common import PRESETS, GoalRow, markdown_table, try_import  # noqa: E402

SUITES = ("value", "deep", "tensor", "conv")
# Large arrays above glibc's adaptive mmap threshold come from fresh memory maps, whose
# every first touched page is a page fault; these pin the threshold high instead.
PINNED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(64 << 20), "MALLOC_TRIM_THRESHOLD_": str(128 << 20)}


def measure(suites: list[str], preset: str) -> list[GoalRow]:
    sizes = PRESETS[preset]
    rows: list[GoalRow] = []
    if "value" in suites:
        rows += bench_value.rows(sizes)
    if "deep" in suites:
        rows += bench_deep.rows(sizes)
    if "tensor" in suites or "conv" in suites:
        torch = try_import("torch")
        if "tensor" in suites:
            rows += bench_tensor.rows(sizes, torch)
        if "conv" in suites:
            rows.append(bench_conv.conv_row(sizes, torch))
    return rows


def pinned_ratios(suites: list[str], preset: str) -> dict[str, float | None]:
    """The Tensor rows' ratios from a subprocess with glibc's malloc thresholds pinned."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "pinned.json")
        command = [sys.executable, os.path.abspath(__file__), "--preset", preset,
                   "--no-pinned", "--json", path]
        for suite in suites:
            command += ["--only", suite]
        subprocess.run(command, env={**os.environ, **PINNED_MALLOC}, check=True,
                       stdout=subprocess.DEVNULL)
        with open(path) as file:
            return {row["key"]: row["measure"] for row in json.load(file)}


def environment() -> str:
    import numpy as np

    torch = sys.modules.get("torch")
    torch_part = (f", torch {torch.__version__} at its default {torch.get_num_threads()} "
                  "threads" if torch else "")
    malloc = {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")} or "none"
    collector = (f"enabled, thresholds {gc.get_threshold()}" if gc.isenabled()
                 else "DISABLED")
    return (f"Python {platform.python_version()}, NumPy {np.__version__}{torch_part}; "
            f"{os.cpu_count()} CPUs, {platform.machine()} {platform.system()}. "
            f"glibc malloc variables set: {malloc}; garbage collector {collector}.")


def load_average() -> str:
    """The machine's 1-minute load average: above the CPU count, engines wait for cores."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def report(rows: list[GoalRow], with_pinned: bool, seconds: float, preset: str,
           load_at_start: str) -> str:
    met = sum(r.status == "met" for r in rows)
    judged = sum(r.status in ("met", "missed") for r in rows)
    lines = [
        f"Preset `{preset}`; one run of `benchmarks/run.py`, {seconds:.0f} s. "
        f"Goals met: {met} of {judged} measured rows.",
        "",
        "Every time is a full step as the user writes it, in the default environment; "
        "the engines of a row take turns within each round and each time is the median "
        "over the rounds. `ours ÷ peer` below 1 means ours is faster "
        "(the chain row: bytes per node instead). \"Rounds' quartiles\": the 25th and "
        "75th percentiles of the ratio taken round by round, how far one run's median "
        "can move.",
        "",
        f"Environment: {environment()} Load average (1 min) at the start "
        f"{load_at_start}, at the end {load_average()}, on {os.cpu_count()} CPUs: a "
        "load above the CPU count means other jobs shared the cores during the run.",
        "",
        markdown_table(rows, with_pinned),
    ]
    if with_pinned:
        lines += ["", f"\"Malloc pinned\": the same row measured again in a subprocess started "
                      f"with {PINNED_MALLOC}, for explanation only."]
    return "\n".join(lines) + "\n"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_const", const="quick", dest="preset",
                        default="full",
                        help="fewer rounds and a shorter chain (a smoke run)")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="full",
                        help="sizes and rounds; 'tiny' is the test suite's")
    parser.add_argument("--only", choices=SUITES, action="append",
                        help="run only these suites (repeatable)")
    parser.add_argument("--no-pinned", action="store_true",
                        help="skip the pinned-malloc subprocess column")
    parser.add_argument("--output", help="also write the report to this markdown file")
    parser.add_argument("--json", help="write the rows as JSON (used by the subprocess)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> list[GoalRow]:
    args = parse(argv)
    suites = [s for s in SUITES if s in (args.only or SUITES)]
    started, load_at_start = time.perf_counter(), load_average()
    rows = measure(suites, args.preset)
    tensor_suites = [s for s in suites if s in ("tensor", "conv")]
    with_pinned = (not args.no_pinned and bool(tensor_suites)
                   and platform.system() == "Linux")
    if with_pinned:
        pinned = pinned_ratios(tensor_suites, args.preset)
        for row in rows:
            row.pinned = pinned.get(row.key)
    text = report(rows, with_pinned, time.perf_counter() - started, args.preset,
                  load_at_start)
    print(text)
    if args.output:
        with open(args.output, "w") as out:
            out.write("# Benchmark results\n\nProduced by `make bench` (`.venv/bin/python "
                      "benchmarks/run.py --output benchmarks/RESULTS.md`).\n\n" + text)
    if args.json:
        with open(args.json, "w") as out:
            json.dump([dataclasses.asdict(row) | {"status": row.status} for row in rows], out,
                      default=str)
    return rows


if __name__ == "__main__":
    main()
