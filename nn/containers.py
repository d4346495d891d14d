"""ModuleList: a list of modules that registers them, as ``torch.nn.ModuleList``.

Items are children named "0", "1", ... so their parameters are ``layers.0.weight``;
a ModuleList is not called itself, so its items' name scopes are ``layers.0`` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .module import Module, _name_children


class ModuleList(Module):
    """``ModuleList([Linear(2, 2), ReLU()])``: append, extend, insert, index, len, iterate."""

    _transparent_scope = True

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _items(self) -> list[Module]:
        return list(self._modules.values())

    def _reset(self, items: list[Module]) -> None:
        # Registered directly, not by setattr: an item's scope name is the list's path
        # plus its index (``layers.0``), given once the list itself is named.
        for key in list(self._modules):
            self._modules.pop(key)
            object.__delattr__(self, key)
        for i, module in enumerate(items):
            self._modules[str(i)] = module
            object.__setattr__(self, str(i), module)
            if self._scope_name is not None:
                _name_children(module, f"{self._scope_name}.{i}")

    @staticmethod
    def _checked(module: Any) -> Module:
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList: {type(module).__name__} is not a Module")
        return module

    def append(self, module: Module) -> ModuleList:
        self._reset([*self._items(), self._checked(module)])
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        if isinstance(modules, Module) and not isinstance(modules, ModuleList):
            raise TypeError("ModuleList.extend: expected an iterable of modules, got a "
                            f"{type(modules).__name__}")
        self._reset([*self._items(), *(self._checked(m) for m in modules)])
        return self

    def insert(self, index: int, module: Module) -> None:
        items = self._items()
        items.insert(index, self._checked(module))
        self._reset(items)

    def _index(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"ModuleList: indices must be integers or slices, got {index!r}")
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"ModuleList: index {index} is out of range for {n} modules")
        return index % n

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ModuleList(self._items()[index])
        return self._items()[self._index(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        items = self._items()
        items[self._index(index)] = self._checked(module)
        self._reset(items)

    def __delitem__(self, index: int | slice) -> None:
        items = self._items()
        del items[index if isinstance(index, slice) else self._index(index)]
        self._reset(items)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._items())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleList is not called; iterate over it in forward()")
