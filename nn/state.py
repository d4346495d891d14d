"""State-dict entries: how one named array of a module is read and written.

A module's ``state_dict()`` is made of slots. Most slots are one parameter or buffer
Tensor; a Value parameter is a 0-d slot; the scalar family packs a layer's Values into
one array slot (``weight`` of shape (nout, nin)), so its files hold one array per
tensor, as PyTorch's do, not one entry per number.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np

from autograd import Tensor, Value


class Slot:
    """One named array of a state dict: its shape and dtype, a copy of it, and a write."""

    shape: tuple[int, ...]
    dtype: np.dtype

    def get(self) -> np.ndarray:
        raise NotImplementedError

    def set(self, array: np.ndarray) -> None:
        raise NotImplementedError

    def key(self) -> Any:
        """What the slot stores, by identity (a node shared by two names is saved once)."""
        raise NotImplementedError


class TensorSlot(Slot):
    """A parameter or buffer Tensor; a write replaces its data (same object, same dtype)."""

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = tensor
        self.shape, self.dtype = tuple(tensor.data.shape), tensor.data.dtype

    def get(self) -> np.ndarray:
        return np.array(self.tensor.data)

    def key(self) -> Any:
        return id(self.tensor)

    def set(self, array: np.ndarray) -> None:
        self.tensor.data = np.array(array, dtype=self.dtype)


class ValuesSlot(Slot):
    """Values packed into one float64 array of ``shape`` (row-major order)."""

    def __init__(self, values: Sequence[Value], shape: tuple[int, ...]) -> None:
        self.values = list(values)
        self.shape, self.dtype = tuple(shape), np.dtype(np.float64)

    def get(self) -> np.ndarray:
        return np.array([v.data for v in self.values], dtype=np.float64).reshape(self.shape)

    def key(self) -> Any:
        return tuple(id(v) for v in self.values)

    def set(self, array: np.ndarray) -> None:
        for value, number in zip(self.values, np.asarray(array, np.float64).reshape(-1).tolist()):
            value.data = number


def slot_for(node: Any) -> Slot:
    """The slot of one parameter or buffer (a Tensor, or a Value as a 0-d array)."""
    if isinstance(node, Tensor):
        return TensorSlot(node)
    return ValuesSlot([node], ())


def as_state_array(value: Any) -> np.ndarray:
    """A state-dict value (array, Tensor, Value or number) as an array."""
    return np.asarray(value.data if isinstance(value, (Tensor, Value)) else value)


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class StateDictMixin:
    """``state_dict`` / ``load_state_dict`` for Module, built from each module's slots."""

    def _state_slots(self) -> dict[str, Slot]:
        """This module's own state-dict entries: parameters, then persistent buffers."""
        slots = {name: slot_for(p) for name, p in self._own_parameters()}
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent:
                slots[name] = slot_for(buffer)
        return slots

    def _state_children(self) -> Iterator[tuple[str, Any]]:
        """The children whose state is part of this module's (all, unless packed)."""
        return self.named_children()

    @classmethod
    def _state_shapes(cls, *args: Any, **kwargs: Any) -> dict[str, tuple[int, ...]] | None:
        """The state-dict shapes ``cls(*args, **kwargs)`` would have, computed without
        building it (None: unknown, the model must be built to know). Files are checked
        against these before anything is built or read."""
        return None

    def state_slots(self) -> dict[str, Slot]:
        """Every state-dict entry below this module, by dotted name."""
        slots: dict[str, Slot] = {}
        seen_modules, seen_nodes = {id(self)}, set()
        stack = [("", self)]
        while stack:
            path, module = stack.pop()
            for name, slot in module._state_slots().items():
                if slot.key() not in seen_nodes:
                    seen_nodes.add(slot.key())
                    slots[f"{path}.{name}" if path else name] = slot
            below = [(f"{path}.{name}" if path else name, child)
                     for name, child in module._state_children() if id(child) not in seen_modules]
            seen_modules.update(id(child) for _, child in below)
            stack.extend(reversed(below))
        return slots

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter and persistent buffer as an array, by dotted name."""
        return {name: slot.get() for name, slot in self.state_slots().items()}

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy arrays into the parameters and buffers of the same names.

        Everything is checked before anything is written: a missing or unexpected key
        (when ``strict``), a shape mismatch or a non-numeric array raises ``ValueError``
        and leaves every parameter unchanged.
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"load_state_dict: expected a dict of arrays, got "
                            f"{type(state_dict).__name__}")
        slots = self.state_slots()
        state = {k: v for k, v in state_dict.items() if k != "__config__"}
        missing = [k for k in slots if k not in state]
        unexpected = [k for k in state if k not in slots]
        problems = []
        if strict and (missing or unexpected):
            problems.append(f"missing keys {missing}, unexpected keys {unexpected}")
        updates = []
        for name, slot in slots.items():
            if name not in state:
                continue
            array = as_state_array(state[name])
            if array.dtype.kind not in "biuf":
                problems.append(f"{name!r} holds dtype {array.dtype}, not numbers")
            elif array.shape != slot.shape:
                problems.append(f"{name!r} has shape {array.shape} in the state dict but "
                                f"{slot.shape} in the model")
            else:
                updates.append((slot, array))
        if problems:
            raise ValueError(f"load_state_dict into {type(self).__name__}: "
                             + "; ".join(problems) + " (nothing was loaded)")
        for slot, array in updates:
            slot.set(array)
        return IncompatibleKeys(missing, unexpected)

