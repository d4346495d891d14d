"""The Optimizer base class: PyTorch's ``param_groups``, ``state`` and state dicts.

``param_groups`` is a list of dicts, each with its ``params`` and its own settings
(``lr``, ``weight_decay``, ...; missing ones come from the constructor's defaults).
``state[p]`` holds a parameter's buffers (``momentum_buffer``, ``exp_avg``...).

``step()`` first checks every gradient, then updates: a bad gradient raises before any
parameter or buffer changes. A parameter whose gradient is None (a Tensor that took no
part in the last backward) is skipped, as in PyTorch.

Updates are in place, as PyTorch's: a Tensor parameter keeps its ``data`` array (its
new values are written into it, so ``p.detach()`` and ``p.numpy()`` see them, as in
PyTorch) and its buffers are made once, on its first step, then rewritten. Intermediate
results go into two scratch arrays per dtype that the optimizer keeps and reuses for
every parameter (they are not part of its state): after the first step, a step
allocates no full-size array (unless a gradient's dtype differs from its parameter's).
A parameter whose ``data`` is not a writeable float array (a read-only view, say) gets
a new array. Values hold floats: a group's Values are packed into one array, updated
as one, and unpacked.

The version counter: ``step()`` tells autograd of each write with
``autograd.increment_version(p)``, so a graph recorded before ``step()`` refuses a
``backward()`` after it, as PyTorch ("modified by an inplace operation"), instead of a
gradient from the updated weights. (``with no_grad(): p -= update`` would say it too,
but gives ``p`` a new array: autograd's own in-place ops never write into an array that
nodes may hold.)

``state_dict()`` is ``{"state": {index: {...}}, "param_groups": [{..., "params":
[indices]}]}`` with copies of every array; ``load_state_dict`` checks it against this
optimizer's groups before changing anything, so a run saved with ``nn.save`` and
resumed continues bit for bit.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd import Tensor, Value, increment_version
from autograd.backends import restore_numpy_errors, silence_numpy_errors

from ..module import Module, zero_grads

_FLOAT64 = np.dtype(np.float64)


def _describe(x: Any) -> str:
    return type(x).__name__


def _as_groups(params: Any, who: str) -> list[dict[str, Any]]:
    if isinstance(params, Module):
        raise TypeError(f"{who}: got the module {_describe(params)} itself; pass "
                        "model.parameters()")
    if isinstance(params, (Tensor, Value)):
        raise TypeError(f"{who}: params must be an iterable of parameters (or of param-group "
                        f"dicts), got a single {_describe(params)}; wrap it in a list")
    if isinstance(params, (str, bytes, dict)) or not isinstance(params, Iterable):
        raise TypeError(f"{who}: params must be an iterable of parameters (or of param-group "
                        f"dicts) such as model.parameters(), got {_describe(params)}")
    items = list(params)
    if not items:
        raise ValueError(f"{who}: got an empty parameter list")
    if all(isinstance(item, dict) for item in items):
        return [dict(item) for item in items]
    if any(isinstance(item, dict) for item in items):
        raise TypeError(f"{who}: params mixes parameters and param-group dicts")
    return [{"params": items}]


class Optimizer:
    """Holds parameter groups and per-parameter state; subclasses define ``_update``."""

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Any, dict[str, Any]] = {}
        # the scratch arrays of ``_work``: two flat buffers per dtype, and their views
        self._buffers: dict[np.dtype, tuple[np.ndarray, np.ndarray]] = {}
        self._views: dict[tuple[np.dtype, tuple[int, ...]], tuple[np.ndarray, ...]] = {}
        for group in _as_groups(params, type(self).__name__):
            self.add_param_group(group)

    # --- groups ------------------------------------------------------------------------

    def _check_settings(self, group: dict[str, Any]) -> None:
        """Raise ValueError for a bad setting in ``group`` (each subclass checks its own)."""

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group ``{"params": [...], "lr": ...}``; unset settings take the defaults."""
        who = type(self).__name__
        if not isinstance(param_group, dict) or "params" not in param_group:
            raise TypeError(f"{who}.add_param_group: expected a dict with 'params', got "
                            f"{param_group!r}")
        params = param_group["params"]
        params = [params] if isinstance(params, (Tensor, Value)) else list(params)
        if not params:
            raise ValueError(f"{who}: a param group has no parameters")
        known = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, (Value, Tensor)):
                raise TypeError(f"{who}: params[{i}] is a {_describe(p)}, not a Value or "
                                "Tensor (pass model.parameters())")
            if p.parents:
                raise ValueError(f"{who}: params[{i}] is not a leaf (it was computed by an "
                                 "operation, so updating it would train nothing); pass the "
                                 "leaf parameters, e.g. model.parameters()")
            if id(p) in known:
                raise ValueError(f"{who}: a parameter appears in more than one place")
            known.add(id(p))
        unknown = set(param_group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise ValueError(f"{who}: unknown settings {sorted(unknown)} in a param group; "
                             f"known: {sorted(self.defaults)}")
        group = {**self.defaults, **param_group, "params": params}
        self._check_settings(group)
        self.param_groups.append(group)

    @property
    def lr(self) -> float:
        """The first group's learning rate; assigning sets every group's."""
        return self.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        for group in self.param_groups:
            trial = {**group, "lr": value}
            self._check_settings(trial)
        for group in self.param_groups:
            group["lr"] = float(value)

    @property
    def params(self) -> list[Any]:
        """Every parameter, group after group."""
        return [p for group in self.param_groups for p in group["params"]]

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset gradients: a Tensor's to None (or zeros), a Value's to 0.0."""
        zero_grads(self.params, set_to_none)

    # --- stepping ------------------------------------------------------------------------

    def _gradient(self, i: int, p: Any) -> Any:
        """``p.grad`` as an array of ``p``'s dtype (a float for a Value), or None;
        ValueError if it does not fit."""
        g = p.grad
        if g is None:
            return None
        is_value = isinstance(p, Value)
        if is_value and type(g) is float:  # almost always, for a Value
            return g
        if type(g) is not np.ndarray:
            g = np.asarray(g)
        data = p.data
        shape = np.shape(data) if is_value else data.shape
        if g.shape != shape or g.dtype.kind not in "biuf":
            raise ValueError(f"{type(self).__name__}.step: params[{i}] has shape {shape} but "
                             f"its grad has shape {g.shape} and dtype {g.dtype}; nothing was "
                             "updated")
        if is_value:
            return float(g)
        dtype = data.dtype
        if dtype.kind != "f":  # data assigned by hand as integers: step in float64
            dtype = _FLOAT64
        return g if g.dtype == dtype else g.astype(dtype)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Apply one update to every parameter that has a gradient; returns
        ``closure()`` (which re-evaluates the loss) when one is given, as PyTorch."""
        loss = closure() if closure is not None else None
        checked = []
        index = 0
        for group in self.param_groups:
            tensors, values = [], []
            for p in group["params"]:
                g = self._gradient(index, p)
                index += 1
                if g is not None:
                    (values if isinstance(p, Value) else tensors).append((p, g))
            checked.append((group, tensors, values))
        state = self.state
        # inf and nan are answers, as in PyTorch; and no warning turned into an error
        # can stop a step half-way (np.errstate(all="ignore"), at a tenth of its cost)
        token = silence_numpy_errors()
        try:
            for group, tensors, values in checked:
                for p, g in tensors:
                    data = p.data
                    if not (type(data) is np.ndarray and data.flags.writeable
                            and data.dtype.kind == "f"):
                        p.data = data = np.array(data, dtype=g.dtype)  # a read-only view, say
                    self._update(data, g, state.setdefault(p, {}), group)
                    increment_version(p)
                if values:
                    self._step_values(values, group)
        finally:
            restore_numpy_errors(token)
        return loss

    def _step_values(self, checked: list[tuple[Value, float]], group: dict[str, Any]) -> None:
        """Update Values, which hold floats and so cannot change in place: those whose
        state has the same entries (and step count) are packed into one array, updated
        as one parameter, and unpacked into floats (their state entries are floats)."""
        batches: dict[tuple, list] = {}
        for p, g in checked:
            own = self.state.setdefault(p, {})
            batches.setdefault((tuple(own), own.get("step")), []).append((p, g, own))
        for (names, step), batch in batches.items():
            data = np.array([p.data for p, _, _ in batch], dtype=np.float64)
            packed: dict[str, Any] = {name: np.array([own[name] for _, _, own in batch],
                                                     dtype=np.float64)
                                      for name in names if name != "step"}
            if step is not None:
                packed["step"] = step
            self._update(data, np.array([g for _, g, _ in batch]), packed, group)
            for (p, _, _), new in zip(batch, data.tolist()):
                p.data = new
            for name, entries in packed.items():
                entries = entries.tolist() if name != "step" else [entries] * len(batch)
                for (_, _, own), entry in zip(batch, entries):
                    own[name] = entry

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        """Update ``p`` and the arrays of ``state`` in place from the gradient ``g``."""
        raise NotImplementedError

    def _work(self, like: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Two scratch arrays shaped like ``like``: views of two flat buffers per dtype,
        as large as the largest parameter, shared by every parameter in turn."""
        key = (like.dtype, like.shape)
        views = self._views.get(key)
        if views is None:
            buffers = self._buffers.get(like.dtype)
            if buffers is None or buffers[0].size < like.size:
                buffers = self._buffers[like.dtype] = (np.empty(like.size, like.dtype),
                                                       np.empty(like.size, like.dtype))
                # views of the smaller buffers are made again, so those can be freed
                self._views = {k: v for k, v in self._views.items() if k[0] != like.dtype}
            views = self._views[key] = tuple(
                b[:like.size].reshape(like.shape) for b in buffers)
        return views

    # --- state dicts ----------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {name: copy}}, "param_groups": [...]}``, as PyTorch."""
        state = {}
        for i, p in enumerate(self.params):
            if self.state.get(p):
                state[i] = {k: copy.deepcopy(v) for k, v in self.state[p].items()}
        groups, start = [], 0
        for group in self.param_groups:
            n = len(group["params"])
            settings = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            groups.append({**settings, "params": list(range(start, start + n))})
            start += n
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore settings and buffers saved by ``state_dict()`` (checked first)."""
        who = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(f"{who}: expected a dict with 'state' and 'param_groups'")
        saved_groups = state_dict["param_groups"]
        if not isinstance(saved_groups, (list, tuple)) or len(saved_groups) != len(
                self.param_groups):
            raise ValueError(f"{who}: the state dict has {len(saved_groups)} param groups, "
                             f"this optimizer {len(self.param_groups)}")
        new_groups = []
        for mine, saved in zip(self.param_groups, saved_groups):
            if not isinstance(saved, dict) or len(saved.get("params", ())) != len(mine["params"]):
                raise ValueError(f"{who}: a param group's size differs from this optimizer's")
            settings = {k: tuple(v) if isinstance(self.defaults.get(k), tuple) else v
                        for k, v in saved.items() if k != "params"}
            unknown = set(settings) - set(self.defaults) - {"initial_lr"}
            if unknown:
                raise ValueError(f"{who}: unknown settings {sorted(unknown)}")
            group = {**mine, **settings}
            self._check_settings(group)
            new_groups.append(group)
        params = self.params
        saved_state = state_dict["state"]
        if not isinstance(saved_state, dict):
            raise ValueError(f"{who}: 'state' must be a dict by parameter index")
        new_state: dict[Any, dict[str, Any]] = {}
        for key, entry in saved_state.items():
            i = int(key) if isinstance(key, (int, str)) and str(key).isdigit() else -1
            if not 0 <= i < len(params) or not isinstance(entry, dict):
                raise ValueError(f"{who}: state for parameter {key!r}, which does not exist")
            new_state[params[i]] = {k: self._cast_state(who, i, params[i], k, v)
                                    for k, v in entry.items()}
        for group, new in zip(self.param_groups, new_groups):
            group.update({k: v for k, v in new.items() if k != "params"})
        self.state = new_state

    @staticmethod
    def _cast_state(who: str, i: int, p: Any, name: str, value: Any) -> Any:
        if isinstance(value, (bool, int)):  # a count (Adam's "step")
            return value
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise ValueError(f"{who}: state {name!r} of parameter {i} is not numeric")
        shape = np.shape(p.data)
        if array.shape != shape:
            raise ValueError(f"{who}: state {name!r} of parameter {i} has shape {array.shape}, "
                             f"the parameter {shape}")
        if isinstance(p, Value):  # a Value's buffers are floats
            return float(array)
        return np.array(array, dtype=p.data.dtype)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            settings = ", ".join(f"{k}={v}" for k, v in group.items() if k != "params")
            lines.append(f"  group {i}: {len(group['params'])} parameters, {settings}")
        return "\n".join(lines) + "\n)"
