"""In-place ops on Tensors, with PyTorch's rules, and the version check of backward.

``t += u``, ``t -= u``, ``t *= u``, ``t /= u``, ``t[index] = value``, ``t.zero_()``
change ``t`` itself (the same object), as PyTorch:

- a leaf that requires grad may change only while grad recording is off
  (``with no_grad(): p -= lr * p.grad``), else it is a RuntimeError;
- while recording, changing a tensor that is part of a graph records the change as an
  op: ``t`` becomes that op's node, and its previous state (a new node) the op's input;
- every change stamps ``t._version`` with a fresh number from one global clock, and
  every node remembers the clock when it was made (``_made``). A node whose input (or
  itself) was changed after it was made refuses to run its backward: a RuntimeError
  instead of a gradient computed from the changed data.

The change gives ``t`` a new array instead of writing into the old one, so data
that any node (or a view made earlier) holds is never altered behind its back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .graph import is_grad_enabled

#: The clock of in-place changes: [the stamp of the latest one].
CLOCK = [0]


def increment_version(tensor: Any) -> None:
    """Record that ``tensor``'s data was changed in place outside autograd (an
    optimizer writing into ``p.data``), as ``torch.autograd.graph.increment_version``:
    a graph that used the tensor before refuses ``backward()``."""
    if not hasattr(tensor, "_version"):
        raise TypeError(f"increment_version: expected a Tensor, got {type(tensor).__name__}")
    tensor._version = CLOCK[0] = CLOCK[0] + 1


class InPlaceOps:
    """``+= -= *= /=``, item assignment, ``zero_()`` and ``requires_grad_()``."""

    __slots__ = ()

    def __iadd__(self, other: Any) -> Any:
        return self._change_in_place("+=", lambda: self + other)

    def __isub__(self, other: Any) -> Any:
        return self._change_in_place("-=", lambda: self - other)

    def __imul__(self, other: Any) -> Any:
        return self._change_in_place("*=", lambda: self * other)

    def __itruediv__(self, other: Any) -> Any:
        return self._change_in_place("/=", lambda: self / other)

    def zero_(self) -> Any:
        """Set every entry to 0 in place; no gradient flows to the previous values."""
        keep_none = np.zeros(self.shape, dtype=bool)
        return self._change_in_place("zero_", lambda: type(self)._where(keep_none, self, 0.0))

    def requires_grad_(self, requires_grad: Any = True) -> Any:
        """Switch gradient tracking of a leaf on or off, in place; returns the tensor."""
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"requires_grad_: requires_grad must be True or False, got "
                            f"{requires_grad!r}")
        if self.parents and not requires_grad:
            raise RuntimeError("requires_grad_: only a leaf's flag can be switched off; "
                               "use .detach() for a copy without a graph")
        if requires_grad and self.dtype.kind != "f":
            raise TypeError(f"requires_grad_: only floating tensors can require grad, this "
                            f"one is {self.dtype}")
        self.requires_grad = bool(requires_grad) or bool(self.parents)
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        """``t[index] = value`` with ``value`` broadcast to ``t[index]``'s shape; the
        overwritten entries pass no gradient back, ``value`` receives theirs."""
        from .tensor_setitem import assigned
        self._change_in_place("setitem", lambda: assigned(self, index, value))

    def _change_in_place(self, name: str, compute: Any) -> Any:
        recording = is_grad_enabled()
        if recording and self.requires_grad and not self.parents:
            raise RuntimeError(
                f"{name}: a leaf tensor that requires grad cannot be changed in place while "
                "the graph is recorded; do it inside `with no_grad():` (as in "
                "`with no_grad(): p -= lr * p.grad`)")
        try:
            new = compute()
        except (TypeError, ValueError, IndexError) as error:
            message = str(error)
            raise type(error)(message if message.startswith(name) else
                              f"{name}: {message}") from None
        if new.shape != self.shape:
            raise ValueError(f"{name}: the result has shape {new.shape}, but the tensor "
                             f"changed in place has shape {self.shape}")
        data = new.data
        if data.dtype != self.dtype:
            if not np.can_cast(data.dtype, self.dtype, casting="same_kind"):
                raise TypeError(f"{name}: a {data.dtype} result cannot be stored in place in "
                                f"a {self.dtype} tensor")
            data = data.astype(self.dtype)
        stamp = CLOCK[0] = CLOCK[0] + 1
        if new.parents:  # recorded: self becomes the node of this op, its old state an input
            before = _copy_of(self)
            self.parents = tuple(before if p is self else p for p in new.parents)
            self._op, self._params, self.scope = new._op, new._params, new.scope
            self.requires_grad, self.grad, self._made = True, None, stamp
        self.data = data
        self._version = stamp
        return self


_STATE = ("data", "grad", "_names", "_op", "_params", "requires_grad", "parents",
          "_version", "_made")


def _copy_of(tensor: Any) -> Any:
    """A new node with ``tensor``'s current state (data, graph, flags)."""
    copy = object.__new__(type(tensor))
    for name in _STATE:
        setattr(copy, name, getattr(tensor, name, 0))
    return copy


def check_versions(order: list) -> None:
    """Raise if a node's input, or the node itself, changed in place after it was made."""
    now = CLOCK[0]
    for node in order:
        try:
            made = node._made
        except AttributeError:  # made by a custom Function: never changed in place
            continue
        if made == now or node._op is None:
            continue
        for changed in (node, *node.parents):
            if getattr(changed, "_version", 0) > made:
                raise RuntimeError(_version_message(node, changed))


def _version_message(node: Any, changed: Any) -> str:
    what = f"tensor {changed.label!r}" if changed.label else f"a tensor of shape {changed.shape}"
    role = "the output" if changed is node else "an input"
    return (f"backward: {role} of the op '{node._op.name}' ({what}) was changed in place "
            "after the op was recorded, so its gradient would come from the changed data; "
            "change a .clone() instead, or make the change after backward()")
