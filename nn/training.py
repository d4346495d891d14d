"""Keras-style training loops: ``fit`` (returns a ``History``), ``evaluate`` and ``predict``.

They drive Tensor models (one batched forward per mini-batch) and scalar-family models
(one forward per row, the Values of a batch summed into one loss) alike.

None of them touches ``model.training``: they run their forward passes inside
``nn.module.mode(True)`` (fit's batches) or ``mode(False)`` (evaluation, prediction),
a per-thread override, so the model is left in the mode it was found in and threads
calling ``predict`` on one shared model each get eval-mode results.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd import Tensor, Value, no_grad

from . import losses
from ._checks import non_negative_int, positive_int
from .callbacks import Callback
from .dataloader import as_generator, batches
from .metrics import METRICS, as_array
from .module import Module, mode
from .optim import Optimizer, get_optimizer
from .progress import EpochReporter

# Labels predicted from a single score per sample: score > threshold.
_THRESHOLDS = {losses.binary_cross_entropy: 0.5, losses.binary_cross_entropy_with_logits: 0.0,
               losses.hinge_loss: 0.0}
_CLASSIFICATION = {losses.cross_entropy, *_THRESHOLDS}


class History:
    """What ``fit`` recorded: ``history["loss"]``, ``history["val_loss"]``,
    ``history["accuracy"]``... one entry per epoch (Keras' ``History``)."""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params: dict[str, Any] = {}

    def _record(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __len__(self) -> int:
        return len(self.epoch)

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items())
        return f"History({len(self)} epochs: {last})"


def _base_loss(loss_fn: Callable[..., Any]) -> Any:
    function = getattr(type(loss_fn), "_function", None)
    return function if isinstance(loss_fn, losses._Loss) else loss_fn


def _metrics(metrics: Sequence[Any] | None, loss_fn: Callable[..., Any]
             ) -> dict[str, Callable[[Any, Any], float]]:
    """Metric functions by name; None means accuracy for classification losses."""
    base = _base_loss(loss_fn)
    if metrics is None:
        metrics = ("accuracy",) if base in _CLASSIFICATION else ()
    elif isinstance(metrics, str) or callable(metrics):
        metrics = (metrics,)
    resolved = {}
    for metric in metrics:
        if callable(metric):
            resolved[getattr(metric, "__name__", "metric")] = metric
        elif metric in METRICS:
            function = METRICS[metric]
            if base in _THRESHOLDS:
                function = functools.partial(function, threshold=_THRESHOLDS[base])
            resolved["accuracy" if metric == "acc" else metric] = function
        else:
            raise ValueError(f"metrics: unknown metric {metric!r}; use a callable "
                             f"metric(y_pred, y_true) or one of {sorted(METRICS)}")
    return resolved


def _batch_forward(model: Module) -> Callable[[np.ndarray], Any]:
    """How ``model`` takes a batch: row by row (scalar family, a list of outputs) or as
    one Tensor in its parameters' dtype. Worked out once per fit/evaluate/predict, not
    once per batch: it walks the module tree."""
    params = model.parameters()
    if params and all(isinstance(p, Value) for p in params):
        return lambda X: [model(row) for row in X.tolist()]
    dtype = next((p.dtype for p in params if isinstance(p, Tensor)), None)
    return lambda X: model(Tensor(X, dtype=dtype))


def _align(output: Any, target: np.ndarray) -> np.ndarray:
    """Reshape targets (N,) to outputs (N, 1) and the like, when only the shape differs."""
    shape = output.shape if isinstance(output, Tensor) else as_array(output).shape
    if target.shape != shape and target.size == int(np.prod(shape)):
        return target.reshape(shape)
    return target


def _loss_value(value: Any) -> float:
    if isinstance(value, Tensor) and value.size != 1:
        raise ValueError(f"fit: the loss must return one number, got shape {value.shape}; "
                         "use reduction='mean' or 'sum'")
    return float(value.data) if isinstance(value, Value) else float(value.item())


def _rows(who: str, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"{who}: X and y must hold rows, got shapes {X.shape} and {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"{who}: X has {len(X)} rows but y has {len(y)}")
    if len(X) == 0:
        raise ValueError(f"{who}: X and y hold no rows; there is nothing to compute")
    return X, y


def _verbosity(verbose: int | None, progress: bool) -> int:
    if verbose is None:
        if not isinstance(progress, bool):
            raise TypeError(f"fit: progress must be True or False, got {progress!r}")
        if not progress:
            return 0
        return 1 if sys.stdout.isatty() or "ipykernel" in sys.modules else 2
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ValueError(f"fit: verbose must be 0 (silent), 1 (bar) or 2 (a line per epoch), "
                         f"got {verbose!r}")
    return verbose


def _callbacks(callbacks: Sequence[Callback] | None) -> list[Callback]:
    found = [] if callbacks is None else list(callbacks)
    for cb in found:
        if not isinstance(cb, Callback):
            raise TypeError(f"fit: callbacks must be nn.callbacks.Callback instances, got "
                            f"{type(cb).__name__}")
    return found


def fit(model: Module, X: Any, y: Any, loss: str | Callable[..., Any] = "mse",
        optimizer: str | Optimizer = "adam", epochs: int = 10, batch_size: int = 32,
        validation_data: tuple[Any, Any] | None = None,
        metrics: Sequence[Any] | None = None, progress: bool = True,
        rng: np.random.Generator | int | None = None, shuffle: bool = True,
        verbose: int | None = None, callbacks: Sequence[Callback] | None = None) -> History:
    """Train ``model`` on (X, y) by mini-batch gradient descent and return its History.

    Each epoch shuffles the rows (with ``rng``), and for every batch runs forward, the
    ``loss`` (a name such as "mse" or "cross_entropy", or ``loss(output, target)``),
    ``zero_grad``, ``backward`` and ``optimizer.step()`` (an instance, or a name: "sgd",
    "adam", "adamw", "rmsprop"). Logged per epoch: the batch-size-weighted mean
    training loss and ``metrics`` (default: accuracy for classification losses), then
    "val_" ones on ``validation_data``.

    ``verbose``: 0 prints nothing, 1 a progress bar during each epoch and its summary
    line, 2 only the summary line; the default is 1 on a terminal (or Jupyter) and 2
    otherwise (``progress=False`` means 0). Every line fits in 80 columns.
    ``callbacks``: ``nn.callbacks`` objects such as ``EarlyStopping``.
    """
    loss_fn = losses.get_loss(loss)
    opt = get_optimizer(optimizer, model.parameters())
    metric_fns = _metrics(metrics, loss_fn)
    X, y = _rows("fit", X, y)
    epochs = non_negative_int("fit", "epochs", epochs)
    batch_size = positive_int("fit", "batch_size", batch_size)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("fit: validation_data must be a pair (X_val, y_val)")
        validation_data = _rows("fit (validation_data)", *validation_data)
    level = _verbosity(verbose, progress)
    hooks = _callbacks(callbacks)
    loader = batches(X, y, batch_size, shuffle=shuffle, rng=as_generator(rng, "fit"))
    forward = _batch_forward(model)
    history = History()
    history.params = {"epochs": epochs, "steps": len(loader), "batch_size": batch_size,
                      "verbose": level}
    for cb in hooks:
        cb.set_model(model)
        cb.on_train_begin({})
    for epoch in range(epochs):
        for cb in hooks:
            cb.on_epoch_begin(epoch, {})
        started = time.perf_counter()
        reporter = EpochReporter(level, epoch + 1, epochs, len(loader))
        try:
            logs = _train_epoch(model, forward, loader, loss_fn, opt, metric_fns, reporter)
            if validation_data is not None:
                scores = _evaluate(model, *validation_data, loss_fn, metric_fns, 256)
                logs.update({f"val_{name}": v for name, v in scores.items()})
        except BaseException:
            reporter.close()
            raise
        reporter.close(time.perf_counter() - started, logs)
        history._record(epoch, logs)
        for cb in hooks:
            cb.on_epoch_end(epoch, logs)
        if any(cb.stop_training for cb in hooks):
            break
    for cb in hooks:
        cb.on_train_end(dict(zip(history.history, (v[-1] for v in history.history.values()))))
    return history


def _train_epoch(model: Module, forward: Callable[[np.ndarray], Any], loader: Any,
                 loss_fn: Callable[..., Any], opt: Optimizer,
                 metric_fns: dict[str, Callable[[Any, Any], float]],
                 reporter: EpochReporter) -> dict[str, float]:
    totals = dict.fromkeys(["loss", *metric_fns], 0.0)
    seen = 0
    for xb, yb in loader:
        with mode(True):
            output = forward(xb)
        value = loss_fn(output, _align(output, yb))
        opt.zero_grad()
        value.backward()
        opt.step()
        n = len(xb)
        seen += n
        totals["loss"] += _loss_value(value) * n
        for name, metric in metric_fns.items():
            totals[name] += metric(as_array(output), yb) * n
        reporter.batch_done(totals["loss"] / seen)
    return {name: total / seen for name, total in totals.items()}


def evaluate(model: Module, X: Any, y: Any, loss: str | Callable[..., Any] = "mse",
             metrics: Sequence[Any] | None = None, batch_size: int = 256) -> dict[str, float]:
    """The loss and metrics of ``model`` on (X, y), in eval mode and without a graph:
    ``{"loss": ..., "accuracy": ...}`` (means over all rows)."""
    loss_fn = losses.get_loss(loss)
    X, y = _rows("evaluate", X, y)
    return _evaluate(model, X, y, loss_fn, _metrics(metrics, loss_fn),
                     positive_int("evaluate", "batch_size", batch_size))


def _evaluate(model: Module, X: np.ndarray, y: np.ndarray, loss_fn: Callable[..., Any],
              metric_fns: dict[str, Callable[[Any, Any], float]],
              batch_size: int) -> dict[str, float]:
    forward = _batch_forward(model)
    totals = dict.fromkeys(["loss", *metric_fns], 0.0)
    with mode(False), no_grad():
        for xb, yb in batches(X, y, batch_size, shuffle=False):
            output = forward(xb)
            totals["loss"] += _loss_value(loss_fn(output, _align(output, yb))) * len(xb)
            for name, metric in metric_fns.items():
                totals[name] += metric(as_array(output), yb) * len(xb)
    return {name: total / len(X) for name, total in totals.items()}


def predict(model: Module, X: Any, batch_size: int = 256) -> np.ndarray:
    """The model's outputs for every row of X as an array (eval mode, no graph)."""
    X = np.asarray(X)
    if X.ndim == 0 or len(X) == 0:
        raise ValueError(f"predict: X must hold at least one row, got shape {X.shape}")
    forward = _batch_forward(model)
    with mode(False), no_grad():
        parts = [as_array(forward(xb))
                 for xb in batches(X, None, positive_int("predict", "batch_size", batch_size),
                                   shuffle=False)]
    return np.concatenate(parts)
