"""The benchmark harness runs end to end on tiny sizes (so the scripts never rot).

No timing is asserted: a shared CI machine says nothing about speed. What is asserted
is that every goal row of issue 15 is produced and measured, that the engines of each
row agreed on their results (the harness raises otherwise), and that the Conv2d row
measures once an ``nn.Conv2d`` exists (here a stand-in built from public ops).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import Tensor, stack

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_conv  # noqa: E402
import run  # noqa: E402
from common import PRESETS, Timings, interleaved  # noqa: E402
from floor_engine import FloorMLP, Scalar  # noqa: E402

EXPECTED_KEYS = {"scalar-micrograd", "scalar-floor", "chain", "big-float32-torch",
                 "big-float32-floor", "big-float64-torch", "big-float64-floor", "small-torch",
                 "overhead", "conv"}


def test_tiny_run_produces_every_goal_row(tmp_path: Path) -> None:
    markdown, rows_json = tmp_path / "RESULTS.md", tmp_path / "rows.json"
    rows = run.main(["--preset", "tiny", "--no-pinned", "--output", str(markdown),
                     "--json", str(rows_json)])
    by_key = {row.key: row for row in rows}
    assert set(by_key) == EXPECTED_KEYS
    has_torch = run.try_import("torch") is not None
    for key, row in by_key.items():
        if key == "conv" or (key == "scalar-micrograd" and run.try_import("micrograd") is None):
            continue
        assert row.ours is not None and row.ours > 0, key
        if has_torch or ("torch" not in key and key != "overhead"):
            assert row.measure is not None and row.measure > 0, key
            assert row.status in ("met", "missed"), key
    assert 0 < by_key["chain"].measure < 10_000  # bytes per node
    assert by_key["chain"].spread is None  # bytes, not a time ratio
    if has_torch:
        low, high = by_key["big-float32-floor"].spread
        assert 0 < low <= high
    text = markdown.read_text()
    assert text.startswith("# Benchmark results") and "| workload | ours |" in text
    assert {row["key"] for row in json.loads(rows_json.read_text())} == EXPECTED_KEYS


def test_pinned_column_comes_from_a_subprocess() -> None:
    pytest.importorskip("torch")
    ratios = run.pinned_ratios(["tensor"], "tiny")
    assert {"big-float32-torch", "overhead"} <= set(ratios)
    assert all(r is not None and r > 0 for r in ratios.values())


def test_interleaved_keeps_every_round_and_lets_each_engine_follow_each_other() -> None:
    calls: list[str] = []
    steps = {name: (lambda name=name: calls.append(name)) for name in "abc"}
    times = interleaved(steps, rounds=6, warmup=0)
    assert [len(times.rounds[name]) for name in "abc"] == [6, 6, 6]
    assert list(times) == list("abc")
    rounds = [calls[i:i + 3] for i in range(0, len(calls), 3)]
    followers = {pair for order in rounds for pair in zip(order, order[1:])}
    assert {("a", "b"), ("b", "a"), ("a", "c"), ("c", "a"), ("b", "c"), ("c", "b")} <= followers
    times = Timings({"a": [1.0, 2.0, 30.0, 4.0, 5.0], "b": [1.0, 1.0, 10.0, 1.0, 1.0]})
    assert times["a"] == 4.0 and times["b"] == 1.0  # each engine's median
    assert times.ratio_quartiles("a", "b") == (1.5, 4.5)  # ratios 1, 2, 3, 4, 5
    assert times.ratio_quartiles("a", "missing") is None


def test_floor_engine_gradients_match_ours() -> None:
    """The floor is a yardstick, so its gradients must be right: same MLP, same grads."""
    from autograd import Value

    floor_model = FloorMLP(2, [3, 1], seed=4)
    ours = [Value(p.data) for p in floor_model.parameters()]
    x = [0.3, -1.2]
    out = floor_model(x)
    loss = (out * out).tanh() + out
    loss.backward()
    # the same expression on our Values, wired by hand from the floor's parameters
    weights = iter(ours)
    layers = [[([next(weights) for _ in range(n_in)], next(weights)) for _ in range(n_out)]
              for n_in, n_out in ((2, 3), (3, 1))]
    h = [sum((w * xi for w, xi in zip(ws, x)), b).relu() for ws, b in layers[0]]
    o = sum((w * hi for w, hi in zip(layers[1][0][0], h)), layers[1][0][1])
    ((o * o).tanh() + o).backward()
    assert np.allclose([p.grad for p in floor_model.parameters()], [p.grad for p in ours])
    assert isinstance(out, Scalar) and out.data == pytest.approx(o.data)


class StandInConv2d(nn.Module):
    """Cross-correlation, stride 1, no padding, from shifted slices: a test stand-in."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int) -> None:
        super().__init__()
        k = kernel_size
        rng = np.random.default_rng(0)
        self.weight = Tensor(rng.standard_normal((out_channels, in_channels, k, k)),
                             requires_grad=True)
        self.bias = Tensor(np.zeros(out_channels), requires_grad=True)

    def forward(self, x: Tensor) -> Tensor:
        n, c, h, w = x.shape
        out_channels, _, k, _ = self.weight.shape
        ho, wo = h - k + 1, w - k + 1
        patches = stack([x[:, :, i:i + ho, j:j + wo] for i in range(k) for j in range(k)],
                        axis=2).reshape(n, c * k * k, ho * wo)
        out = self.weight.reshape(out_channels, c * k * k) @ patches
        return out.reshape(n, out_channels, ho, wo) + self.bias.reshape(1, out_channels, 1, 1)


def test_conv_row_measures_once_conv2d_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    torch = pytest.importorskip("torch")
    if not hasattr(nn, "Conv2d"):
        monkeypatch.setattr(nn, "Conv2d", StandInConv2d, raising=False)
    row = bench_conv.conv_row(PRESETS["tiny"], torch)
    assert row.ours is not None and row.peer_seconds is not None
    assert row.status in ("met", "missed")


def test_conv_row_says_why_it_is_not_measured(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delattr(nn, "Conv2d", raising=False)
    row = bench_conv.conv_row(PRESETS["tiny"], None)
    assert row.ours is None and row.note == "nn.Conv2d not available yet"
    assert "nn.Conv2d not available yet" in capsys.readouterr().out
