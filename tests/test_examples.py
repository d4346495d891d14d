"""The example scripts run in-process and return the numbers they print; check those.

Each script's ``main(argv)`` is called with ``--out`` in a temporary folder and, where
a script offers them, smaller settings than the tutorial's defaults (noted per test).
"""

from __future__ import annotations

import gzip
import importlib.util
import shutil
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def load(name: str):
    """Import examples/<name>.py as a module (its folder first on sys.path, as when run)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def is_png(path) -> bool:
    return Path(path).read_bytes()[:8] == PNG_MAGIC


def test_quickstart_trains_the_moons_and_writes_its_pictures(tmp_path):
    result = load("quickstart").main(["--out", str(tmp_path)])  # default settings
    assert result["neuron_output"] == pytest.approx(np.tanh(2 * -0.5 + -1 * 0.75 + 1.2))
    assert result["neuron_grads"]["b"] == pytest.approx(1 - result["neuron_output"] ** 2)
    assert result["test_accuracy"] >= 0.9
    for name in ("decision_boundary.png", "loss_curve.png"):
        assert is_png(tmp_path / name)
    if shutil.which("dot"):
        assert is_png(tmp_path / "neuron_graph.png")
        assert is_png(tmp_path / "mlp_graph.png")
        assert (tmp_path / "neuron_graph.svg").read_text().lstrip().startswith("<?xml")
    else:
        assert (tmp_path / "neuron_graph.dot").exists()


def test_single_neuron_both_engines_print_the_same_numbers(tmp_path):
    # the tutorial's settings: 10,000 iterations
    result = load("single_neuron").main(["--out", str(tmp_path)])
    assert result["start_weights"] == pytest.approx([-0.16595599, 0.44064899, -0.99977125])
    assert result["max_weight_diff"] < 1e-9
    assert abs(result["prediction_tensor"] - result["prediction_scalar"]) < 1e-9
    assert result["prediction_tensor"] > 0.99
    assert result["prediction_tensor"] == pytest.approx(0.99993704, abs=1e-8)
    assert result["seconds_scalar"] < 60
    assert is_png(result["figure"])


def test_two_layer_xor_learns_xor_and_its_hidden_layer_changes(tmp_path):
    # 10,000 of the tutorial's 60,000 iterations
    result = load("two_layer_xor").main(["--out", str(tmp_path), "--iterations", "10000"])
    assert result["final_cost"] < 1e-3
    assert result["max_error"] < 0.05
    assert np.round(result["outputs"]).tolist() == [0, 1, 1, 0]
    assert np.abs(np.subtract(result["hidden_after"], result["hidden_before"])).max() > 0.3
    assert is_png(result["figure"])


def test_regression_recovers_the_line_and_nonlinear_units_beat_linear(tmp_path):
    result = load("regression").main(["--out", str(tmp_path), "--epochs", "400"])
    line = result["line"]
    assert line["w"] == pytest.approx(line["w_lstsq"], abs=1e-3)
    assert line["b"] == pytest.approx(line["b_lstsq"], abs=1e-3)
    act = result["activation"]
    assert act["tanh"] < act["linear"] and act["relu"] < act["linear"]
    assert result["optimizer"]["SGD + momentum 0.9"] < result["optimizer"]["SGD"]
    assert len(result["figures"]) == 7 and all(is_png(f) for f in result["figures"])


def test_init_depth_kaiming_relu_stays_order_one_and_standard_normal_overflows(tmp_path):
    # the tutorial's 100 layers of width 512
    table = load("init_depth").main(["--out", str(tmp_path)])["table"]
    assert 0.1 < table["Kaiming/relu"]["std"][100] < 10
    assert table["Kaiming/relu"]["first_nonfinite"] is None
    assert table["standard normal/none"]["first_nonfinite"] is not None
    assert table["standard normal/none"]["first_nonfinite"] < 50
    assert table["1/sqrt(n)/relu"]["std"][100] < 1e-6  # vanishes: ReLU halves the variance
    assert table["1/sqrt(n)/none"]["first_nonfinite"] is None


def test_backprop_equations_match_autograd_to_rounding(tmp_path):
    result = load("backprop_equations").main(["--out", str(tmp_path)])
    assert result["max_abs_diff"] < 1e-12
    assert is_png(result["figure"])


def test_digits_tensor_engine_reaches_97_percent(tmp_path):
    # the default settings
    result = load("digits").main(["--out", str(tmp_path)])
    assert result["test_accuracy"] >= 0.97
    assert result["n_test"] == 360
    assert all(is_png(f) for f in result["figures"])


def test_digits_value_engine_trains_the_scalar_mlp(tmp_path):
    result = load("digits").main(["--out", str(tmp_path), "--engine", "value",
                                  "--subset", "160", "--epochs", "3", "--hidden", "16"])
    assert result["n_test"] == 40
    assert result["test_accuracy"] >= 0.6  # chance is 0.1


def write_idx(path: Path, array: np.ndarray) -> None:
    """An IDX file of uint8 data: magic (0, 0, 0x08, ndim), big-endian sizes, the bytes."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    if path.suffix == ".gz":
        with gzip.open(path, "wb") as f:
            f.write(payload)
    else:
        path.write_bytes(payload)


def fake_mnist(directory: Path, n_train: int = 300, n_test: int = 100) -> None:
    """28x28 images whose class k is a bright 6x6 square at one of ten spots, plus noise."""
    rng = np.random.default_rng(0)
    for prefix, n, suffix in (("train", n_train, ".gz"), ("t10k", n_test, "")):
        labels = rng.integers(0, 10, size=n)
        images = rng.integers(0, 60, size=(n, 28, 28))
        for image, k in zip(images, labels):
            row, col = 2 + 12 * (k // 5), 1 + 5 * (k % 5)
            image[row:row + 6, col:col + 6] = 255
        write_idx(directory / f"{prefix}-images-idx3-ubyte{suffix}", images)
        write_idx(directory / f"{prefix}-labels-idx1-ubyte{suffix}", labels)


def test_digits_reads_mnist_idx_files_gzipped_or_not(tmp_path):
    data = tmp_path / "mnist"
    data.mkdir()
    fake_mnist(data)
    result = load("digits").main(["--out", str(tmp_path / "out"), "--mnist", str(data),
                                  "--epochs", "3", "--hidden", "32"])
    assert result["n_test"] == 100
    assert result["test_accuracy"] >= 0.9
    assert all(is_png(f) for f in result["figures"])


def test_loops_vs_vectorized_agree_and_matmul_is_faster(tmp_path):
    result = load("loops_vs_vectorized").main(["--out", str(tmp_path), "--samples", "2",
                                               "--repeats", "5"])
    assert result["max_abs_diff"] < 1e-9
    assert result["ratio"] > 1
    assert is_png(result["figure"])


def test_draw_graphs_renders_every_picture_as_svg_and_png(tmp_path):
    written = load("draw_graphs").main(["--out", str(tmp_path)])
    names = sorted(path.name for path in written)
    assert names == sorted(f"{n}.{ext}" for n in ("neuron", "mlp_modules", "mlp_gradient_flow")
                           for ext in ("svg", "png"))
    for path in written:
        data = path.read_bytes()
        if path.suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
        else:
            assert b"<svg" in data and b"</svg>" in data
    neuron_svg = (tmp_path / "neuron.svg").read_text()
    assert all(label in neuron_svg for label in ("x1", "w1", "tanh", "grad"))
    assert "mlp.layers.0.neurons.3" in (tmp_path / "mlp_modules.svg").read_text()


def test_neuron_backward_explains_draws_and_animates(tmp_path, monkeypatch, capsys):
    import runpy
    monkeypatch.setattr(sys, "argv", ["neuron_backward.py", "--out", str(tmp_path)])
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    runpy.run_path(str(EXAMPLES / "neuron_backward.py"), run_name="__main__")
    printed = capsys.readouterr().out
    assert "1. o = tanh(n): do/dn = 1 - o^2 = 0.5; n.grad = 1 * 0.5 = 0.5" in printed
    assert is_png(tmp_path / "mlp_step_collapsed.png")
    assert "backward-frames" in (tmp_path / "neuron_backward.html").read_text()
