"""Module: the base class of every layer and model, as in PyTorch.

A module's parameters are found where they are stored: in its attributes, in lists,
tuples and dicts held by its attributes, and in the modules it holds (recursively).
A parameter is a leaf ``Value`` or a leaf ``Tensor`` with ``requires_grad=True``; each
is reported once, under the first dotted path that reaches it (``layers.0.weight``).

Calling a module runs ``forward`` inside ``autograd.name_scope(name)``, where ``name`` is
the attribute path under which the parent holds it (``layers.0``), or the lowercased
class name for a root (``mlp``); every node made inside is tagged with the scope path
(``mlp.layers.0.neurons.3``) so that ``draw_graph`` can group it.

Saving writes ``state_dict()`` to an ``.npz`` file, read back with ``allow_pickle=False``:
a model file holds numbers only and can never execute code.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import numpy as np

from autograd import Tensor, Value, name_scope

_CONFIG_KEY = "__config__"


def is_parameter(x: Any) -> bool:
    """A trainable leaf: a Value made by the user, or a leaf Tensor that requires grad."""
    if isinstance(x, Tensor):
        return x.requires_grad and not x.parents
    return isinstance(x, Value) and not x.parents


def zero_grads(params: Iterable[Value | Tensor], set_to_none: bool = True) -> None:
    """Reset gradients: a Tensor's to None (or zeros), a Value's to 0.0."""
    for p in params:
        if isinstance(p, Tensor):
            p.grad = None if set_to_none else np.zeros_like(p.data)
        else:
            p.grad = 0.0


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class _ClassOrInstanceMethod:
    """``model.load(path)`` loads into ``model``; ``MLP.load(path)`` builds a new MLP."""

    def __init__(self, on_instance: Any, on_class: Any) -> None:
        self.on_instance, self.on_class = on_instance, on_class
        self.__doc__ = on_instance.__doc__

    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            return self.on_class.__get__(owner, owner)
        return self.on_instance.__get__(instance, owner)


class Module:
    """Base class for layers and models: subclass it, store parameters and sub-modules
    as attributes, and define ``forward``."""

    training: bool = True
    _scope_name: str | None = None
    _registry: dict[str, type] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Module._registry.setdefault(cls.__name__, cls)

    def __new__(cls, *args: Any, **kwargs: Any) -> Module:
        module = super().__new__(cls)
        # The constructor's arguments, so that ``save`` can record how to rebuild it.
        object.__setattr__(module, "_init_args", (args, kwargs))
        return module

    def __init__(self) -> None:
        pass

    # --- attributes: record each child module's name for its name scope ------------

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if not name.startswith("_"):
            _name_children(value, name)

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup failed: a typo must not pass silently.
        known = [n for n in vars(self) if not n.startswith("_")]
        known += [n for n in dir(type(self)) if not n.startswith("_")]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}{hint}")

    # --- calling ---------------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with name_scope(self._scope_name or type(self).__name__.lower()):
            return self.forward(*args, **kwargs)

    # --- the module tree ----------------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The modules held directly (in attributes, lists, tuples, dicts), with their names."""
        seen: set[int] = set()
        for name, value in vars(self).items():
            if name.startswith("_"):
                continue
            for path, child in _walk(value, name, Module):
                if id(child) not in seen:
                    seen.add(id(child))
                    yield path, child

    def children(self) -> Iterator[Module]:
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module ("" or ``prefix``) and every module below it, each once."""
        seen = {id(self)}
        stack = [(prefix, self)]
        while stack:
            path, module = stack.pop()
            yield path, module
            below = []
            for name, child in module.named_children():
                if child._scope_name is None:
                    child._scope_name = name  # held in a list appended to after assignment
                if id(child) not in seen:
                    seen.add(id(child))
                    below.append((f"{path}.{name}" if path else name, child))
            stack.extend(reversed(below))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value | Tensor]]:
        """Every parameter below this module once, with its dotted path (``layers.0.weight``)."""
        seen: set[int] = set()
        for path, module in self.named_modules(prefix):
            for name, value in vars(module).items():
                if name.startswith("_"):
                    continue
                for sub, param in _walk(value, name, None):
                    if id(param) not in seen:
                        seen.add(id(param))
                        yield (f"{path}.{sub}" if path else sub), param

    def parameters(self) -> list[Value | Tensor]:
        """The parameters as a list (what an optimizer takes)."""
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many numbers the parameters hold (a Value counts 1)."""
        return sum(p.data.size if isinstance(p, Tensor) else 1 for p in self.parameters())

    # --- training helpers --------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset gradients: a Tensor's to None (or zeros), a Value's to 0.0."""
        zero_grads(self.parameters(), set_to_none)

    def train(self, mode: bool = True) -> Module:
        """Training mode for this module and all below (Dropout active)."""
        for module in self.modules():
            module.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (Dropout is the identity); same as ``train(False)``."""
        return self.train(False)

    # --- buffers (TEMP shim: replaced by the buffers branch at merge) -------------------

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Hold ``tensor`` as state that is not a parameter (``self.name``), as PyTorch."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: {name!r} must be a Tensor or None, "
                            f"got {type(tensor).__name__}")
        self.__dict__.setdefault("_buffers", {})[name] = bool(persistent)
        object.__setattr__(self, name, tensor)

    def named_buffers(self, prefix: str = "", persistent_only: bool = False
                      ) -> Iterator[tuple[str, Tensor]]:
        for path, module in self.named_modules(prefix):
            for name, persistent in vars(module).get("_buffers", {}).items():
                value = getattr(module, name)
                if value is not None and (persistent or not persistent_only):
                    yield (f"{path}.{name}" if path else name), value

    def buffers(self) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers():
            yield buffer

    # --- state ---------------------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter as an array, by dotted name (Values as 0-d arrays)."""
        state = {name: np.array(p.data) for name, p in self.named_parameters()}
        state.update((name, np.array(b.data))
                     for name, b in self.named_buffers(persistent_only=True))
        return state

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy arrays into the parameters of the same names.

        Everything is checked before anything is written: a missing or unexpected key
        (when ``strict``), a shape mismatch or a non-numeric array raises ``ValueError``
        and leaves every parameter unchanged.
        """
        params = dict(self.named_parameters())
        params.update(self.named_buffers(persistent_only=True))
        state = {k: v for k, v in dict(state_dict).items() if k != _CONFIG_KEY}
        missing = [k for k in params if k not in state]
        unexpected = [k for k in state if k not in params]
        problems = []
        if strict and (missing or unexpected):
            problems.append(f"missing keys {missing}, unexpected keys {unexpected}")
        updates = []
        for name, p in params.items():
            if name not in state:
                continue
            value = state[name]
            array = np.asarray(value.data if isinstance(value, (Tensor, Value)) else value)
            if array.dtype.kind not in "biuf":
                problems.append(f"{name!r} holds dtype {array.dtype}, not numbers")
                continue
            expected = p.data.shape if isinstance(p, Tensor) else ()
            if array.shape != expected:
                problems.append(f"{name!r} has shape {array.shape} in the state dict but "
                                f"{expected} in the model")
                continue
            updates.append((p, array))
        if problems:
            raise ValueError(f"load_state_dict into {type(self).__name__}: "
                             + "; ".join(problems) + " (nothing was loaded)")
        for p, array in updates:
            if isinstance(p, Tensor):
                p.data = np.array(array, dtype=p.data.dtype)
            else:
                p.data = float(array)
        return IncompatibleKeys(missing, unexpected)

    def _save(self, path: str | os.PathLike) -> None:
        """Write ``state_dict()`` to an ``.npz`` file (plus how to rebuild the module when
        its constructor took plain numbers, strings and lists)."""
        save(self, path)

    def _load_into(self, path: str | os.PathLike, strict: bool = True) -> Module:
        """Load parameters saved by ``save`` into this module; returns the module."""
        self.load_state_dict(load(path), strict=strict)
        return self

    @classmethod
    def _load_new(cls, path: str | os.PathLike) -> Module:
        """Build a module from a file written by ``save`` and load its parameters."""
        state = _read_npz(path)
        if _CONFIG_KEY not in state:
            raise ValueError(f"{cls.__name__}.load: {os.fspath(path)!r} does not record how "
                             "to build the model (its constructor took modules or objects); "
                             "build it yourself and call model.load_state_dict(nn.load(path))")
        config = json.loads(str(state.pop(_CONFIG_KEY)))
        target = Module._registry.get(config["class"]) if cls is Module else cls
        if target is None or target.__name__ != config["class"]:
            raise ValueError(f"{cls.__name__}.load: the file holds a {config['class']}, "
                             f"not a {cls.__name__}")
        model = target(*config["args"], **config["kwargs"])
        model.load_state_dict(state)
        return model

    save = _save
    load = _ClassOrInstanceMethod(_load_into, _load_new)

    # --- printing ------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The module's own settings, shown inside its repr."""
        return ""

    def __repr__(self) -> str:
        lines = [f"  ({name}): " + repr(child).replace("\n", "\n  ")
                 for name, child in self.named_children()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        return head + ("\n" + "\n".join(lines) + "\n)" if lines else ")")


def _walk(value: Any, path: str, kind: type | None) -> Iterator[tuple[str, Any]]:
    """Modules (``kind=Module``) or parameters (``kind=None``) held in ``value``, with
    their paths: lists, tuples and dicts are entered, modules are not."""
    if kind is None and is_parameter(value):
        yield path, value
    elif isinstance(value, Module):
        if kind is Module:
            yield path, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}.{i}", kind)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}", kind)


def _name_children(value: Any, name: str) -> None:
    for path, child in _walk(value, name, Module):
        if child._scope_name is None:
            child._scope_name = path


# --- files -------------------------------------------------------------------------------


def _config(module: Module) -> str | None:
    """JSON of the module's class and constructor arguments, if they are plain data."""
    args, kwargs = getattr(module, "_init_args", ((), {}))
    kwargs = {k: v for k, v in kwargs.items() if k not in ("rng", "init", "bias_init")}
    try:
        return json.dumps({"class": type(module).__name__, "args": list(args),
                           "kwargs": kwargs})
    except TypeError:
        return None


def save(obj: Module | dict[str, Any], path: str | os.PathLike) -> None:
    """Write a module's ``state_dict()`` (or a state dict) to ``path`` as ``.npz``."""
    if isinstance(obj, Module):
        arrays = obj.state_dict()
        config = _config(obj)
        if config is not None:
            arrays[_CONFIG_KEY] = np.array(config)
    elif isinstance(obj, dict):
        arrays = {k: np.asarray(v.data if isinstance(v, (Tensor, Value)) else v)
                  for k, v in obj.items()}
    else:
        raise TypeError(f"save: expected a Module or a state dict, got {type(obj).__name__}")
    for key, array in arrays.items():
        if array.dtype.kind not in "biufU":
            raise ValueError(f"save: {key!r} holds dtype {array.dtype}; only numeric arrays "
                             "are saved")
    np.savez(path, **arrays)


def _read_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    path = os.fspath(path)
    if not os.path.exists(path) and os.path.exists(path + ".npz"):
        path += ".npz"  # np.savez added the extension
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except ValueError as error:
        if "allow_pickle" in str(error) or "Object arrays" in str(error):
            raise ValueError(f"load: {os.fspath(path)!r} holds an object array, which could "
                             "run code when read; refusing it (a model file holds numbers "
                             "only)") from None
        raise


def load(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read a state dict written by ``save`` (``allow_pickle=False``: numbers only)."""
    state = _read_npz(path)
    state.pop(_CONFIG_KEY, None)
    return state


class ModuleList(Module):
    """Modules held in a list, named "0", "1"... (TEMP shim: replaced at merge)."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        self.extend(modules or ())

    def append(self, module: Module) -> ModuleList:
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList: {type(module).__name__} is not a Module")
        setattr(self, str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        for module in modules:
            self.append(module)
        return self

    def _items(self) -> list[Module]:
        return [v for k, v in vars(self).items() if k.isdigit()]

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[Module]:
        return iter(self._items())

    def __getitem__(self, index: int | slice) -> Any:
        items = self._items()
        return ModuleList(items[index]) if isinstance(index, slice) else items[index]
