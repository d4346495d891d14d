"""A module's files and its summary: ``save``, ``load`` and ``summary``, as methods.

Each delegates to the function that does the work (``serialization.py``,
``summary.py``), imported when called: those import ``Module`` themselves.
``state_dict`` and ``load_state_dict`` come from ``StateDictMixin`` (``state.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .module import Module


class _ClassOrInstanceMethod:
    """``model.load(path)`` loads into ``model``; ``MLP.load(path)`` builds a new MLP."""

    def __init__(self, on_instance: Any, on_class: Any) -> None:
        self.on_instance, self.on_class = on_instance, on_class
        self.__doc__ = on_instance.__doc__

    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            return self.on_class.__get__(owner, owner)
        return self.on_instance.__get__(instance, owner)


class FilesMixin:
    """``save``, ``load`` (on a module or on its class) and ``summary`` for Module."""

    def _save(self, path: str | os.PathLike) -> None:
        """Write ``state_dict()`` to ``path`` (exactly that name) as an ``.npz``
        archive, atomically, plus how to rebuild the module when its constructor took
        plain numbers, strings and lists. See ``nn.save``."""
        from .serialization import save
        save(self, path)

    def _load_into(self, path: str | os.PathLike, strict: bool = True) -> Module:
        """Load a file written by ``save`` into this module; returns the module."""
        from .serialization import load_into
        return load_into(self, path, strict=strict)

    @classmethod
    def _load_new(cls, path: str | os.PathLike) -> Module:
        """Build a ``cls`` from a file written by ``save`` (only ``cls``; on
        ``nn.Module`` itself only a built-in nn class) and load its state."""
        from .serialization import build
        return build(cls, path)

    save = _save
    load = _ClassOrInstanceMethod(_load_into, _load_new)

    def summary(self, input_shape: tuple[int, ...] | None = None,
                print_fn: Callable[[str], Any] | None = None) -> None:
        """Print a Keras-style table of layers, output shapes and parameter counts."""
        from .summary import summary
        summary(self, input_shape, print_fn=print_fn)
