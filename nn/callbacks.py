"""Callbacks for ``nn.fit``, as Keras': hooks called around each epoch.

A callback gets ``set_model(model)`` before training, then ``on_train_begin(logs)``,
``on_epoch_begin(epoch, logs)``, ``on_epoch_end(epoch, logs)`` (``logs`` holds the
epoch's "loss", "val_loss", metrics...) and ``on_train_end(logs)``. Setting
``self.stop_training = True`` ends training after the current epoch.
"""

from __future__ import annotations

import math
from typing import Any

from ._checks import non_negative_int, real


class Callback:
    """Base class: override the hooks you need."""

    def __init__(self) -> None:
        self.model: Any = None
        self.stop_training = False

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        pass

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        pass

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        pass


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for
    ``patience`` epochs (Keras' rule). ``mode`` "min", "max" or "auto" (max for
    accuracy-like names). With ``restore_best_weights`` the model's state from its
    best epoch is loaded back when training ends."""

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 mode: str = "auto", restore_best_weights: bool = False) -> None:
        super().__init__()
        who = "EarlyStopping"
        if not isinstance(monitor, str):
            raise TypeError(f"{who}: monitor must be a log name such as 'val_loss'")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"{who}: mode must be 'auto', 'min' or 'max', got {mode!r}")
        if not isinstance(restore_best_weights, bool):
            raise TypeError(f"{who}: restore_best_weights must be True or False")
        self.monitor = monitor
        if isinstance(min_delta, bool) or not isinstance(min_delta, (int, float)):
            raise ValueError(f"{who}: min_delta must be a number, got {min_delta!r}")
        self.min_delta = abs(real(who, "min_delta", abs(min_delta)))
        self.patience = non_negative_int(who, "patience", patience)
        if mode == "auto":
            mode = "max" if "acc" in monitor or monitor.endswith("auc") else "min"
        self.mode = mode
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_weights: dict[str, Any] | None = None
        self.stop_training = False

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(f"EarlyStopping: monitor {self.monitor!r} is not logged; "
                             f"available: {sorted(logs)} (val_* needs validation_data)")
        value = float(logs[self.monitor])
        self.wait += 1
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.state_dict()
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.stop_training = True

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)


__all__ = ["Callback", "EarlyStopping"]
