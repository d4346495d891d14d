"""nn.fit's output (under an 80-column pty and piped), callbacks, modes and threads."""

import os
import select
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import Tensor

ROOT = Path(__file__).resolve().parents[1]

# A child that trains with long metric names, so the logs need more than 80 columns.
CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    import nn

    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2)); y = (X[:, 0] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(2, 8, rng=rng), nn.Tanh(), nn.Linear(8, 2, rng=rng))

    def a_rather_long_metric_name(pred, true):
        return float(np.mean(pred.argmax(-1) == true))

    class WaitAfterFirstEpoch(nn.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0 and "--wait" in sys.argv:
                sys.stdin.readline()  # the parent must already see epoch 1's line

    nn.fit(model, X, y, loss="cross_entropy", epochs=3, batch_size=4,
           validation_data=(X[:16], y[:16]), metrics=["accuracy", a_rather_long_metric_name],
           callbacks=[WaitAfterFirstEpoch()], rng=1)
""")


def _segments(output: str) -> list[str]:
    return [part for line in output.replace("\r\n", "\n").split("\n")
            for part in line.split("\r")]


def _check_epoch_lines(output: str) -> None:
    segments = _segments(output)
    assert max(len(s) for s in segments) <= 80, max(segments, key=len)
    text = "\n".join(s for s in segments if not s.startswith("Epoch ") or " - " in s)
    for epoch in (1, 2, 3):
        start = text.index(f"Epoch {epoch}/3 - ")
        block = text[start:].split("\nEpoch ")[0]
        for name in ("loss: ", "val_loss: ", "val_accuracy: ", "val_a_rather_long_metric"):
            assert name in block, (name, block)


def test_fit_under_an_80_column_pty_fits_every_line_and_shows_every_log():
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, COLUMNS="80", LINES="24")
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=follower, stderr=follower,
                             stdin=subprocess.DEVNULL, cwd=ROOT, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    assert child.wait(timeout=120) == 0
    os.close(leader)
    output = b"".join(chunks).decode()
    assert "batch/s" in output  # a progress bar was drawn on the terminal
    _check_epoch_lines(output)


def test_fit_piped_prints_a_line_per_epoch_as_each_epoch_ends():
    child = subprocess.Popen([sys.executable, "-c", CHILD, "--wait"], stdout=subprocess.PIPE,
                             stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    ready, _, _ = select.select([child.stdout], [], [], 60)
    assert ready, "no output while the child waits after epoch 1: fit did not flush"
    first = child.stdout.readline().decode()
    assert first.startswith("Epoch 1/3 - ")
    child.stdin.write(b"go\n")
    child.stdin.close()
    rest, err = child.stdout.read(), child.stderr.read()
    assert child.wait(timeout=120) == 0, err.decode()
    output = first + rest.decode()
    assert "\r" not in output and "batch/s" not in output  # no bar in a file
    _check_epoch_lines(output)


def test_epoch_lines_wrap_instead_of_cutting_logs():
    logs = {f"metric_number_{i}": 0.5 + i for i in range(8)}
    lines = nn.progress.epoch_lines(12, 100, 3.25, logs, 80)
    assert len(lines) > 1 and all(len(line) <= 80 for line in lines)
    joined = " ".join(lines)
    assert all(f"{name}: " in joined for name in logs)


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] + X[:, 1] > 0).astype(np.int64)


def _model(seed=0, dropout=0.0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(2, 16, rng=rng), nn.ReLU(), nn.Dropout(dropout, rng=rng),
                         nn.Linear(16, 2, rng=rng))


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    X, y = _data()
    model = _model()
    seen = []

    class Record(nn.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(model.state_dict())

    # a learning rate so large that the validation loss soon gets worse
    stopper = nn.callbacks.EarlyStopping(monitor="val_loss", patience=2,
                                         restore_best_weights=True)
    history = nn.fit(model, X, y, loss="cross_entropy",
                     optimizer=nn.optim.SGD(model.parameters(), lr=5.0), epochs=50,
                     validation_data=_data(30, 1), callbacks=[Record(), stopper], verbose=0)
    losses = history["val_loss"]
    assert len(losses) < 50 and stopper.stopped_epoch == len(losses) - 1
    best = int(np.argmin(losses))
    assert stopper.best_epoch == best and len(losses) - 1 - best == 2
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, seen[best][key])


def test_early_stopping_watches_accuracy_upwards_and_rejects_unknown_logs():
    assert nn.callbacks.EarlyStopping(monitor="val_accuracy").mode == "max"
    X, y = _data()
    with pytest.raises(ValueError, match="'val_loss' is not logged"):
        nn.fit(_model(), X, y, loss="cross_entropy", epochs=2, verbose=0,
               callbacks=[nn.callbacks.EarlyStopping()])


@pytest.mark.parametrize("start_in_training", [True, False])
def test_fit_evaluate_and_predict_leave_the_mode_as_they_found_it(start_in_training):
    X, y = _data()
    model = _model(dropout=0.5).train(start_in_training)
    nn.fit(model, X, y, loss="cross_entropy", epochs=1, verbose=0, validation_data=(X, y))
    nn.evaluate(model, X, y, loss="cross_entropy")
    nn.predict(model, X)
    assert all(m.training is start_in_training for m in model.modules())


def test_predict_runs_in_eval_mode_even_when_the_model_is_training():
    X, _ = _data()
    model = _model(dropout=0.5).train()
    np.testing.assert_array_equal(nn.predict(model, X), nn.predict(model, X))
    with nn.module.mode(False):
        expected = model(Tensor(X)).data
    np.testing.assert_array_equal(nn.predict(model, X), expected)


def test_threads_predicting_on_one_shared_model_each_get_eval_results():
    X, _ = _data(200)
    model = _model(dropout=0.5).train()  # left in training mode: dropout would be on
    with nn.module.mode(False):
        expected = model(Tensor(X)).data
    results, errors = [], []
    barrier = threading.Barrier(4)

    def work():
        try:
            barrier.wait()
            for _ in range(20):
                results.append(nn.predict(model, X, batch_size=16))
        except Exception as error:  # surfaced below
            errors.append(error)

    def train_meanwhile():
        barrier.wait()
        for _ in range(20):
            model(Tensor(X))  # the shared training flag stays True for this thread

    threads = [threading.Thread(target=work) for _ in range(3)]
    threads.append(threading.Thread(target=train_meanwhile))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 60
    for result in results:
        np.testing.assert_array_equal(result, expected)
    assert model.training


def test_empty_data_and_bad_settings_are_clear_errors():
    X, y = _data()
    with pytest.raises(ValueError, match="fit: X and y hold no rows"):
        nn.fit(_model(), X[:0], y[:0], loss="cross_entropy", verbose=0)
    with pytest.raises(ValueError, match="evaluate: X and y hold no rows"):
        nn.evaluate(_model(), X[:0], y[:0])
    with pytest.raises(ValueError, match="predict: X must hold at least one row"):
        nn.predict(_model(), X[:0])
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        nn.fit(_model(), X, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="verbose must be 0"):
        nn.fit(_model(), X, y, verbose=3)
    with pytest.raises(TypeError, match="callbacks must be"):
        nn.fit(_model(), X, y, verbose=0, callbacks=[print])


def test_fit_with_zero_epochs_returns_an_empty_history(capsys):
    X, y = _data()
    history = nn.fit(_model(), X, y, loss="cross_entropy", epochs=0)
    assert len(history) == 0 and history.history == {} and capsys.readouterr().out == ""


def test_quickstart_runs_with_zero_epochs(tmp_path):
    pytest.importorskip("sklearn")
    result = subprocess.run([sys.executable, "examples/quickstart.py", "--epochs", "0",
                             "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, env=dict(os.environ, MPLBACKEND="Agg"))
    assert result.returncode == 0, result.stderr
    assert "no training (0 epochs)" in result.stdout
