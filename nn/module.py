"""Module: the base class of every layer and model, as in PyTorch.

``__setattr__`` routes what a module stores into registries, as PyTorch and minitorch
do: a leaf ``Value`` or a leaf ``Tensor`` with ``requires_grad=True`` goes into
``_parameters``, a module into ``_modules``, a Tensor given to ``register_buffer`` into
``_buffers``. Lists, tuples and dicts held in attributes are kept in ``_containers``
and searched too (modules and parameters appended to them later are found), so plain
Python containers keep working; ``nn.ModuleList`` is the PyTorch way. ``parameters()``
reads the registries: it never walks every attribute.

Each parameter is reported once, under the first dotted path that reaches it
(``layers.0.weight``); a module's own parameters come before its children's.

Calling a module runs ``forward`` inside ``autograd.name_scope(name)``, where ``name``
is the attribute path under which the parent holds it (``layers.0``), or the
lowercased class name for a root (``mlp``).

Train/eval mode: ``model.train()`` / ``model.eval()`` set each module's flag, as
PyTorch. ``mode(training)`` is a per-thread override (a context variable): inside it
every module reports ``training`` as given, without touching the shared flags; this is
how ``nn.predict`` / ``evaluate`` / ``fit`` run, so threads sharing a model never see
each other's mode and the model is left as it was found.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
from collections.abc import Callable, Iterator
from typing import Any

from autograd import Tensor, Value
from autograd.draw_collapse import note_module
from autograd.graph import enter_scope, exit_scope

from .module_files import FilesMixin
from .parameters import is_parameter, zero_grads
from .state import IncompatibleKeys, StateDictMixin

__all__ = ["IncompatibleKeys", "Module", "is_parameter", "mode", "zero_grads"]

_forced_mode: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "nn_forced_mode", default=None)


@contextlib.contextmanager
def mode(training: bool) -> Iterator[None]:
    """Within this block, in this thread only, every module reports ``training``."""
    if not isinstance(training, bool):
        raise TypeError(f"nn.module.mode: training must be True or False, got {training!r}")
    token = _forced_mode.set(training)
    try:
        yield
    finally:
        _forced_mode.reset(token)


class RemovableHandle:
    """Returned by ``register_forward_hook``: ``handle.remove()`` takes the hook away."""

    def __init__(self, hooks: dict[int, Any], key: int) -> None:
        self._hooks, self._key = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


_REGISTRIES = ("_parameters", "_buffers", "_modules", "_containers")
_NODES = (Value, Tensor)


class Module(StateDictMixin, FilesMixin):
    """Base class for layers and models: subclass it, store parameters and sub-modules
    as attributes, and define ``forward``."""

    _scope_name: str | None = None
    _hook_counter = 0
    # per class, for __call__: its name, and the scope of a module that has no parent
    _type_name = "Module"
    _root_scope = "module"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._type_name, cls._root_scope = cls.__name__, cls.__name__.lower()

    def __new__(cls, *args: Any, **kwargs: Any) -> Module:
        module = super().__new__(cls)
        state = module.__dict__
        # The constructor's arguments, so that ``save`` can record how to rebuild it.
        state["_init_args"] = (args, kwargs)
        for registry in _REGISTRIES:
            state[registry] = {}
        state["_non_persistent"] = set()
        state["_forward_hooks"] = {}
        state["_training"] = True
        return module

    def __init__(self) -> None:
        pass

    # --- attributes and registries ------------------------------------------------

    @property
    def training(self) -> bool:
        forced = _forced_mode.get()
        return self.__dict__.get("_training", True) if forced is None else forced

    @training.setter
    def training(self, value: bool) -> None:
        self.__dict__["_training"] = bool(value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or isinstance(getattr(type(self), name, None), property):
            object.__setattr__(self, name, value)
            return
        if name in self._buffers and (value is None or isinstance(value, Tensor)) \
                and not is_parameter(value):
            self._buffers[name] = value
        else:
            kept_none = value is None and (name in self._parameters or name in self._modules)
            if not kept_none:
                self._forget(name)
            if isinstance(value, Module):
                self._modules[name] = value
                _name_children(value, name)
            elif is_parameter(value):
                self._parameters[name] = value
            elif kept_none:
                registry = self._parameters if name in self._parameters else self._modules
                registry[name] = None
            elif isinstance(value, (list, tuple, dict)):
                self._containers[name] = value
                _name_children(value, name)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._forget(name)
        object.__delattr__(self, name)

    def _forget(self, name: str) -> None:
        for registry in _REGISTRIES:
            self.__dict__[registry].pop(name, None)
        self._non_persistent.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup failed: a typo must not pass silently.
        if name.startswith("__") or name in _REGISTRIES:
            raise AttributeError(name)
        known = [n for n in vars(self) if not n.startswith("_")]
        known += [n for n in dir(type(self)) if not n.startswith("_")]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}{hint}")

    def _check_new_name(self, who: str, name: Any) -> str:
        if not isinstance(name, str) or not name or "." in name or name.startswith("_"):
            raise ValueError(f"{who}: name must be a non-empty string without '.' that does "
                             f"not start with '_', got {name!r}")
        if name in vars(self) and all(name not in self.__dict__[r] for r in _REGISTRIES):
            raise KeyError(f"{who}: attribute {name!r} already exists")
        return name

    def register_parameter(self, name: str, param: Value | Tensor | None) -> None:
        """Add a parameter (a leaf Value or Tensor that requires grad; None to reserve)."""
        self._check_new_name("register_parameter", name)
        if param is not None and not is_parameter(param):
            raise TypeError(f"register_parameter: {name!r} must be a leaf Value or a leaf "
                            "Tensor with requires_grad=True (or None)")
        self._forget(name)
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a buffer: state that is not trained (running statistics, say). It is in
        ``state_dict()`` unless ``persistent=False``, and ``model.name`` reads it."""
        self._check_new_name("register_buffer", name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: {name!r} must be a Tensor or None, got "
                            f"{type(tensor).__name__}")
        if not isinstance(persistent, bool):
            raise TypeError(f"register_buffer: persistent must be True or False, got "
                            f"{persistent!r}")
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name`` (``self.name = module`` does the same)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {type(module).__name__} is not a Module")
        self._check_new_name("add_module", name)
        setattr(self, name, module)

    register_module = add_module

    # --- calling ---------------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._containers:
            _name_container_children(self)
        path, outer = enter_scope(self._scope_name or self._root_scope)  # name_scope
        try:
            note_module(path, self._type_name)  # so a drawing can say "Linear (path)"
            out = self.forward(*args, **kwargs)
        finally:
            exit_scope(outer)
        if self._forward_hooks:  # most modules have none: no list to copy
            for hook in list(self._forward_hooks.values()):
                replaced = hook(self, args, out)
                out = out if replaced is None else replaced
        return out

    def register_forward_hook(self, hook: Callable[[Module, tuple, Any], Any]
                              ) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after every forward (as PyTorch); a hook
        that returns something replaces the output."""
        Module._hook_counter += 1
        self._forward_hooks[Module._hook_counter] = hook
        return RemovableHandle(self._forward_hooks, Module._hook_counter)

    # --- the module tree ----------------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The modules held directly (registered, or in lists/tuples/dicts), each once."""
        seen: set[int] = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child
        for name, container in self._containers.items():
            for path, child in _walk(container, name, Module):
                if id(child) not in seen:
                    seen.add(id(child))
                    yield path, child

    def children(self) -> Iterator[Module]:
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module ("" or ``prefix``) and every module below it, each once (depth
        first, in registration order). Reads the tree; changes nothing."""
        seen = {id(self)}
        stack = [(prefix, self)]
        while stack:
            path, module = stack.pop()
            yield path, module
            below = []
            for name, child in module.named_children():
                if id(child) not in seen:
                    seen.add(id(child))
                    below.append((f"{path}.{name}" if path else name, child))
            stack.extend(reversed(below))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def _own_parameters(self) -> Iterator[tuple[str, Value | Tensor]]:
        params, containers = self._parameters, self._containers
        if not containers:
            yield from ((n, p) for n, p in params.items() if p is not None)
            return
        for name in self.__dict__:  # attribute order, mixing parameters and containers
            if params.get(name) is not None:
                yield name, params[name]
            elif name in containers:
                yield from _walk(containers[name], name, None)

    def named_parameters(self, prefix: str = "", recurse: bool = True
                         ) -> Iterator[tuple[str, Value | Tensor]]:
        """Every parameter below this module once, with its dotted path (``layers.0.weight``)."""
        seen: set[int] = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for path, module in modules:
            for name, param in module._own_parameters():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield (f"{path}.{name}" if path else name), param

    def parameters(self, recurse: bool = True) -> list[Value | Tensor]:
        """The parameters as a list (what an optimizer takes)."""
        return [p for _, p in self.named_parameters(recurse=recurse)]

    def named_buffers(self, prefix: str = "", recurse: bool = True
                      ) -> Iterator[tuple[str, Tensor]]:
        """Every buffer below this module once, with its dotted path."""
        seen: set[int] = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for path, module in modules:
            for name, buffer in module._buffers.items():
                if buffer is not None and id(buffer) not in seen:
                    seen.add(id(buffer))
                    yield (f"{path}.{name}" if path else name), buffer

    def buffers(self, recurse: bool = True) -> list[Tensor]:
        """The buffers as a list."""
        return [b for _, b in self.named_buffers(recurse=recurse)]

    def num_parameters(self) -> int:
        """How many numbers the parameters hold (a Value counts 1)."""
        return sum(p.data.size if isinstance(p, Tensor) else 1 for p in self.parameters())

    # --- training helpers --------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset gradients: a Tensor's to None (or zeros), a Value's to 0.0."""
        zero_grads(self.parameters(), set_to_none)

    def train(self, mode: bool = True) -> Module:
        """Training mode for this module and all below (Dropout active)."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be True or False, got {mode!r}")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode (Dropout is the identity); same as ``train(False)``."""
        return self.train(False)

    # --- printing (save, load and summary come from FilesMixin) ------------------------

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
    """Give unnamed modules in ``value`` their attribute path as a scope name; a
    ModuleList passes its name on to its items (``layers.0``)."""
    for path, child in _walk(value, name, Module):
        if child._scope_name is None:
            child._scope_name = path
            if getattr(child, "_transparent_scope", False):
                for key, item in child._modules.items():
                    if item is not None:
                        _name_children(item, f"{path}.{key}")


def _name_container_children(module: Module) -> None:
    """Name modules appended to a plain list after it was assigned (lists of Values or
    Tensors, such as a neuron's weights, are skipped: they hold no modules)."""
    for name, container in module._containers.items():
        if type(container) is list and container and isinstance(container[0], _NODES):
            continue
        _name_children(container, name)


