"""nn.fit / nn.evaluate / nn.predict: Keras-style loops for Tensor and scalar models."""

import sys

import numpy as np
import pytest

import nn


def _blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    centers = np.array([[2.0, 0.0], [-2.0, 1.0], [0.0, -2.0]])
    return centers[y] + rng.normal(scale=0.5, size=(n, 2)), y


def _classifier(seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(2, 16, rng=rng), nn.ReLU(), nn.Linear(16, 3, rng=rng))


def test_fit_returns_a_history_with_one_entry_per_epoch_and_decreasing_loss():
    X, y = _blobs()
    model = _classifier()
    history = nn.fit(model, X, y, loss="cross_entropy",
                     optimizer=nn.optim.Adam(model.parameters(), lr=0.01), epochs=8,
                     batch_size=16, progress=False, rng=np.random.default_rng(1))
    assert len(history) == 8 and history.epoch == list(range(8))
    losses = history.history["loss"]
    assert len(losses) == 8 and all(b < a for a, b in zip(losses, losses[1:]))
    assert history.history["accuracy"][-1] > 0.9  # accuracy by default for classification


def test_fit_prints_nothing_with_progress_false_or_verbose_0(capsys):
    X, y = _blobs(40)
    nn.fit(_classifier(), X, y, loss="cross_entropy", epochs=2, progress=False)
    nn.fit(_classifier(), X, y, loss="cross_entropy", epochs=2, verbose=0)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_fit_prints_a_line_per_epoch_without_a_terminal(capsys):
    X, y = _blobs(40)
    nn.fit(_classifier(), X, y, loss="cross_entropy", epochs=2)  # pytest's stdout: no tty
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["Epoch 1/2", "Epoch 2/2"]
    assert all("loss: " in line and "accuracy: " in line for line in lines)


def test_fit_shows_a_progress_bar_per_epoch_on_a_terminal(capsys, monkeypatch):
    X, y = _blobs(40)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    nn.fit(_classifier(), X, y, loss="cross_entropy", epochs=2, batch_size=8)
    out = capsys.readouterr().out
    assert "Epoch 1/2:" in out and "batch/s" in out  # tqdm's bar
    assert "Epoch 2/2 - " in out and "loss: " in out  # then the epoch's summary


def test_fit_records_validation_loss_and_metrics():
    X, y = _blobs(160)
    X_train, X_val, y_train, y_val = nn.data.train_test_split(X, y, rng=np.random.default_rng(2))
    model = _classifier()
    history = nn.fit(model, X_train, y_train, loss=nn.CrossEntropyLoss(), optimizer="adam",
                     epochs=3, validation_data=(X_val, y_val), progress=False)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    scores = nn.evaluate(model, X_val, y_val, loss="cross_entropy")
    assert scores["loss"] == pytest.approx(history.history["val_loss"][-1])
    assert model.training  # fit and evaluate restore the mode


def test_fit_regression_with_a_callable_loss_and_no_default_metrics():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, size=(64, 1))
    y = 3 * X[:, 0] - 1  # targets (N,) against outputs (N, 1): reshaped by fit
    model = nn.Sequential(nn.Linear(1, 1, rng=rng))
    history = nn.fit(model, X, y, loss=nn.functional.mse_loss, optimizer="sgd", epochs=100,
                     batch_size=8, progress=False, rng=rng)
    assert set(history.history) == {"loss"}
    assert history.history["loss"][-1] < 0.05
    assert nn.predict(model, X).shape == (64, 1)


def test_fit_trains_a_scalar_mlp_row_by_row():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([-1.0, 1.0, 1.0, -1.0])
    model = nn.MLP(2, [8, 1], rng=np.random.default_rng(4))
    history = nn.fit(model, X, y, loss="hinge",
                     optimizer=nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
                     epochs=60, batch_size=4, progress=False, rng=np.random.default_rng(5))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] == 1.0  # threshold 0 for the hinge loss
    assert nn.evaluate(model, X, y, loss="hinge")["accuracy"] == 1.0
    assert nn.predict(model, X).shape == (4,)


def test_fit_rejects_bad_arguments():
    X, y = _blobs(10)
    with pytest.raises(ValueError, match="unknown loss 'crossentropyy'"):
        nn.fit(_classifier(), X, y, loss="crossentropyy", progress=False)
    with pytest.raises(ValueError, match="unknown optimizer 'adamw2'"):
        nn.fit(_classifier(), X, y, optimizer="adamw2", progress=False)
    with pytest.raises(ValueError, match="X has 10 rows but y has 9"):
        nn.fit(_classifier(), X, y[:9], progress=False)
