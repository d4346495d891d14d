"""Keras-style training loops: ``fit`` (returns a ``History``), ``evaluate`` and ``predict``.

They drive Tensor models (one batched forward per mini-batch) and scalar-family models
(one forward per row, the Values of a batch summed into one loss) alike.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from tqdm import tqdm

from autograd import Tensor, Value, no_grad

from . import losses
from .data import batches
from .init import default_rng
from .metrics import METRICS, as_array
from .module import Module
from .optim import Optimizer, get_optimizer

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


def _show_progress(progress: bool) -> bool:
    return bool(progress) and (sys.stdout.isatty() or "ipykernel" in sys.modules)


def fit(model: Module, X: Any, y: Any, loss: str | Callable[..., Any] = "mse",
        optimizer: str | Optimizer = "adam", epochs: int = 10, batch_size: int = 32,
        validation_data: tuple[Any, Any] | None = None,
        metrics: Sequence[Any] | None = None, progress: bool = True,
        rng: np.random.Generator | None = None, shuffle: bool = True) -> History:
    """Train ``model`` on (X, y) by mini-batch gradient descent and return its History.

    Each epoch shuffles the rows (with ``rng``), and for every batch runs forward, the
    ``loss`` (a name such as "mse" or "cross_entropy", or ``loss(output, target)``),
    ``zero_grad``, ``backward`` and ``optimizer.step()`` (an instance, or a name: "sgd",
    "adam", "rmsprop"). Logged per epoch: the batch-size-weighted mean training loss and
    ``metrics`` (default: accuracy for classification losses), then "val_" ones on
    ``validation_data``. A tqdm bar per epoch is shown when ``progress`` and stdout is
    a terminal (or Jupyter); otherwise nothing is printed.
    """
    loss_fn = losses.get_loss(loss)
    opt = get_optimizer(optimizer, model.parameters())
    metric_fns = _metrics(metrics, loss_fn)
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"fit: X has {len(X)} rows but y has {len(y)}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs!r}")
    rng = default_rng() if rng is None else rng
    forward = _batch_forward(model)
    steps = -(-len(X) // batch_size) if batch_size > 0 else 0
    history = History()
    history.params = {"epochs": epochs, "steps": steps, "batch_size": batch_size}
    show = _show_progress(progress)
    was_training = model.training
    try:
        for epoch in range(epochs):
            model.train()
            totals = dict.fromkeys(["loss", *metric_fns], 0.0)
            seen = 0
            with tqdm(total=steps, desc=f"Epoch {epoch + 1}/{epochs}", unit="batch",
                      disable=not show, file=sys.stdout, leave=True,
                      dynamic_ncols=True) as bar:
                for xb, yb in batches(X, y, batch_size, shuffle=shuffle, rng=rng):
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
                    bar.update(1)
                    bar.set_postfix(loss=f"{totals['loss'] / seen:.4f}", refresh=False)
                logs = {name: total / max(seen, 1) for name, total in totals.items()}
                if validation_data is not None:
                    X_val, y_val = validation_data
                    scores = _evaluate(model, X_val, y_val, loss_fn, metric_fns, 256)
                    logs.update({f"val_{name}": v for name, v in scores.items()})
                bar.set_postfix({k: f"{v:.4f}" for k, v in logs.items()})
            history._record(epoch, logs)
    finally:
        model.train(was_training)
    return history


def evaluate(model: Module, X: Any, y: Any, loss: str | Callable[..., Any] = "mse",
             metrics: Sequence[Any] | None = None, batch_size: int = 256) -> dict[str, float]:
    """The loss and metrics of ``model`` on (X, y), in eval mode and without a graph:
    ``{"loss": ..., "accuracy": ...}`` (means over all rows)."""
    loss_fn = losses.get_loss(loss)
    return _evaluate(model, X, y, loss_fn, _metrics(metrics, loss_fn), batch_size)


def _evaluate(model: Module, X: Any, y: Any, loss_fn: Callable[..., Any],
              metric_fns: dict[str, Callable[[Any, Any], float]],
              batch_size: int) -> dict[str, float]:
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"evaluate: X has {len(X)} rows but y has {len(y)}")
    forward = _batch_forward(model)
    totals = dict.fromkeys(["loss", *metric_fns], 0.0)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            for xb, yb in batches(X, y, batch_size, shuffle=False):
                output = forward(xb)
                totals["loss"] += _loss_value(loss_fn(output, _align(output, yb))) * len(xb)
                for name, metric in metric_fns.items():
                    totals[name] += metric(as_array(output), yb) * len(xb)
    finally:
        model.train(was_training)
    return {name: total / max(len(X), 1) for name, total in totals.items()}


def predict(model: Module, X: Any, batch_size: int = 256) -> np.ndarray:
    """The model's outputs for every row of X as an array (eval mode, no graph)."""
    X = np.asarray(X)
    forward = _batch_forward(model)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            parts = [as_array(forward(xb))
                     for xb in batches(X, None, batch_size, shuffle=False)]
    finally:
        model.train(was_training)
    return np.concatenate(parts) if parts else np.empty((0,))
