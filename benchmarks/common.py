"""What every benchmark file shares: interleaved timing, goal rows and the one table.

Every row compares our engine with one peer measured in the same process, in the same
rounds: each round times every engine once, in turn, and a row reports the median of
each engine's times over the rounds. A slow spell of the shared machine then hits all
engines of that round alike, and the spread of the per-round ratios (their quartiles,
beside each ratio) shows how far one run's median can move. Nothing here changes
process-wide settings: the garbage collector runs as it does for a user
(``gc.collect()`` only tidies up *between* timed blocks, so one engine's garbage is not
charged to the next).
"""

from __future__ import annotations

import gc
import importlib
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

SETTLE_SECONDS = 0.05  # lets the previous engine's worker threads (OpenMP, BLAS) go idle


@dataclass
class Goal:
    """``measure <= limit`` is met; ``text`` says it the way issue 15 does."""

    limit: float
    text: str


@dataclass
class GoalRow:
    """One line of the table: our engine against one peer on one workload.

    ``measure`` is what the goal is judged on: ``ours / peer`` (a time ratio; below 1
    means we are faster) unless ``measure_text`` says otherwise (bytes per node).
    ``spread`` is the 25th and 75th percentiles of the ratio taken round by round, and
    ``pinned`` the same ratio measured in a subprocess with glibc's malloc thresholds
    pinned: both explain the measure, neither is judged.
    """

    workload: str
    ours: float | None
    peer: str
    peer_seconds: float | None
    goal: Goal | None
    note: str = ""
    measure: float | None = None
    measure_text: str = ""
    spread: tuple[float, float] | None = None
    pinned: float | None = None
    key: str = ""  # stable id, to match rows of the pinned subprocess
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.measure is None and self.ours and self.peer_seconds:
            self.measure = self.ours / self.peer_seconds

    @property
    def status(self) -> str:
        if self.goal is None or self.measure is None:
            return "—" if self.goal is None else "not measured"
        return "met" if self.measure <= self.goal.limit else "missed"


class Timings(Mapping[str, float]):
    """Seconds per call of each engine in each round; as a mapping, each engine's median."""

    def __init__(self, rounds: dict[str, list[float]]) -> None:
        self.rounds = rounds

    def __getitem__(self, engine: str) -> float:
        return statistics.median(self.rounds[engine])

    def __iter__(self) -> Iterator[str]:
        return iter(self.rounds)

    def __len__(self) -> int:
        return len(self.rounds)

    def ratio_quartiles(self, engine: str, peer: str) -> tuple[float, float] | None:
        """The 25th and 75th percentiles of ``engine / peer`` round by round (None
        without the peer): how much the ratio moves between rounds of one run."""
        if peer not in self.rounds:
            return None
        ratios = [a / b for a, b in zip(self.rounds[engine], self.rounds[peer])]
        if len(ratios) < 2:
            return ratios[0], ratios[0]
        quartiles = statistics.quantiles(ratios, n=4)
        return quartiles[0], quartiles[2]


def interleaved(steps: dict[str, Callable[[], Any]], rounds: int, calls: int = 1,
                warmup: int = 1, full_collections: bool = False) -> Timings:
    """Seconds per call of each engine's ``step`` in every round, the engines taking turns.

    Each engine first runs ``warmup`` calls. Then, ``rounds`` times: a full collection
    of the garbage left so far, and every engine in turn after a short pause and a
    collection of the young generations, ``calls`` calls timed together. (A full
    collection walks every object in the process — 0.2 s once torch is imported — so it
    is done once per round, not before every engine.) The order rotates from round to
    round, and every other cycle of rotations runs backwards, so that each engine
    follows each of the others (and finds the caches and threads it left) as often.

    ``full_collections=True`` does a full collection before every engine instead: for
    steps that allocate tens of thousands of objects (scalar graphs), whose own
    allocations then decide when the collector's full passes (30 ms each, measured)
    fall in their step, not the objects an engine timed before them left counted.
    """
    for step in steps.values():
        for _ in range(warmup):
            step()
    engines = list(steps)
    times: dict[str, list[float]] = {engine: [] for engine in steps}
    for round_ in range(rounds):
        gc.collect()
        first = round_ % len(engines)
        order = engines[first:] + engines[:first]
        if round_ // len(engines) % 2:  # a rotation keeps who follows whom: turn it around
            order.reverse()
        for engine in order:
            time.sleep(SETTLE_SECONDS)
            gc.collect(2 if full_collections else 1)
            step = steps[engine]
            start = time.perf_counter()
            for _ in range(calls):
                step()
            times[engine].append((time.perf_counter() - start) / calls)
    return Timings(times)


def median_time(step: Callable[[], Any], repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``step()`` alone over ``repeats`` runs (used by bench_draw)."""
    return interleaved({"step": step}, repeats, warmup=warmup)["step"]


def try_import(name: str) -> Any:
    """The module, or None when the peer is not installed (its rows say so)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


MISSING = "not installed: run `make bench` (extra 'bench')"


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _spread(quartiles: tuple[float, float] | None) -> str:
    return "—" if quartiles is None else f"{quartiles[0]:.2f}–{quartiles[1]:.2f}×"


def markdown_table(rows: list[GoalRow], with_pinned: bool) -> str:
    """The goal rows as one markdown table."""
    head = ["workload", "ours", "peer", "peer's time", "ours ÷ peer", "goal", "status",
            "ours ÷ peer, rounds' quartiles"]
    if with_pinned:
        head.append("ours ÷ peer, malloc pinned (subprocess)")
    head.append("note")
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---:" if h in ("ours", "peer's time") else "---"
                            for h in head) + "|"]
    for r in rows:
        measure = r.measure_text or _ratio(r.measure)
        cells = [r.workload, format_seconds(r.ours), r.peer, format_seconds(r.peer_seconds),
                 measure, r.goal.text if r.goal else "—", r.status, _spread(r.spread)]
        if with_pinned:
            cells.append(_ratio(r.pinned))
        cells.append(r.note)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


@dataclass(frozen=True)
class Sizes:
    """How big each workload is and how many rounds it gets (run.py's presets)."""

    points: int = 100                        # moons points in the scalar step
    hidden: int = 16                         # MLP(2, [hidden, hidden, 1])
    scalar_rounds: int = 9
    chain: int = 1_000_000                   # ops in the Value chain
    chain_rounds: int = 3
    big_mlp: tuple[int, ...] = (784, 256, 128, 10)
    big_batch: int = 128
    small_mlp: tuple[int, ...] = (64, 32, 10)
    small_batch: int = 32
    tensor_rounds: int = 15
    big_calls: int = 20                      # steps timed together per round
    small_calls: int = 200
    overhead_calls: int = 2000
    conv_batch: int = 64
    conv_side: int = 28
    conv_calls: int = 2
    conv_rounds: int = 7


PRESETS = {
    "full": Sizes(),
    "quick": Sizes(scalar_rounds=3, chain=200_000, chain_rounds=1, tensor_rounds=5,
                   big_calls=5, small_calls=50, overhead_calls=300, conv_calls=1,
                   conv_rounds=2),
    # the smoke test's: every code path, tiny sizes, no meaningful timing
    "tiny": Sizes(points=6, hidden=3, scalar_rounds=1, chain=2_000, chain_rounds=1,
                  big_mlp=(12, 8, 6, 3), big_batch=4, small_mlp=(5, 4, 3), small_batch=2,
                  tensor_rounds=1, big_calls=1, small_calls=1, overhead_calls=2,
                  conv_batch=2, conv_side=6, conv_calls=1, conv_rounds=1),
}
