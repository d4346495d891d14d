"""Model files: ``save`` writes atomically, ``load`` / ``build`` trust nothing they read.

A file is an ``.npz`` archive (``np.load(path)`` reads it too). A module's file holds
its ``state_dict()`` (one ``.npy`` entry per key, so ``{k: torch.from_numpy(v) for k, v
in nn.load(p).items()}`` loads into the same PyTorch model) and, when its constructor
took plain numbers, strings and lists, a JSON ``__config__`` saying how to rebuild it.
A nested dict or list (a checkpoint such as ``{"model": ..., "optimizer": ...,
"epoch": 3}``) is stored as its arrays plus a JSON ``__tree__`` of everything else.

``save(obj, path)`` writes exactly ``path`` (no extension added): to a temporary file
in the same folder, flushed to disk, then renamed over ``path``. A failure part-way
(disk full, a file-size limit, an exception) leaves the previous file as it was and
removes the temporary file.

Loading never unpickles (object arrays are refused from their header) and never builds
a class the caller did not name: ``load`` builds nothing; ``build(cls, path)`` builds
only ``cls`` (on ``nn.Module`` itself, only a built-in ``nn`` class) from the recorded
arguments, whose children are made by its own constructor. Before building or reading
any data every header is checked (``nn.archive``) and compared with the state the
recorded arguments describe (``cls._state_shapes``), so a small file can never make
it allocate a large model.
"""

from __future__ import annotations

import inspect
import json
import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from autograd import Tensor, Value

from .archive import Archive, open_archive
from .module import Module

CONFIG_KEY = "__config__"
TREE_KEY = "__tree__"
_UNSAVED_ARGS = ("rng", "init", "bias_init")  # the weights come from the file anyway


# --- writing ----------------------------------------------------------------------------


def _config(module: Module) -> str | None:
    """JSON of the module's class and constructor arguments, if they are plain data."""
    args, kwargs = module.__dict__.get("_init_args", ((), {}))
    kwargs = {k: v for k, v in kwargs.items() if k not in _UNSAVED_ARGS}
    if kwargs.get("dtype") is not None:
        try:
            kwargs["dtype"] = np.dtype(kwargs["dtype"]).name
        except TypeError:
            return None
    try:
        return json.dumps({"class": type(module).__qualname__, "module": type(module).__module__,
                           "args": list(args), "kwargs": kwargs}, allow_nan=False)
    except (TypeError, ValueError):
        return None


def _is_flat_state(obj: dict) -> bool:
    return all(isinstance(k, str) and isinstance(v, (np.ndarray, Tensor, Value, int, float,
                                                     np.number, np.bool_))
               for k, v in obj.items())


def _encode(obj: Any, path: str, arrays: dict[str, np.ndarray]) -> Any:
    """JSON-able form of a nested checkpoint; arrays move to ``arrays``."""
    if isinstance(obj, (np.ndarray, Tensor)):
        array = np.asarray(obj.data if isinstance(obj, Tensor) else obj)
        name = path or "array"
        while name in arrays or name in (CONFIG_KEY, TREE_KEY):
            name += "_"
        arrays[name] = array
        return {"$array": name}
    if isinstance(obj, Module):
        return _encode(obj.state_dict(), path, arrays)
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise TypeError(f"save: dict keys must be strings or ints, got {key!r}")
            items.append([key, _encode(value, f"{path}/{key}" if path else str(key), arrays)])
        return {"$dict": items}
    if isinstance(obj, (list, tuple)):
        encoded = [_encode(v, f"{path}/{i}" if path else str(i), arrays)
                   for i, v in enumerate(obj)]
        return {"$tuple": encoded} if isinstance(obj, tuple) else encoded
    if isinstance(obj, Value):
        return float(obj.data)
    if isinstance(obj, (np.integer, np.floating, np.bool_)):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"save: cannot store a {type(obj).__name__} at {path!r}; a file holds "
                    "arrays, numbers, strings, None and dicts/lists of them")


def _arrays_to_write(obj: Any) -> dict[str, np.ndarray]:
    if isinstance(obj, Module):
        arrays = obj.state_dict()
        config = _config(obj)
        if config is not None:
            arrays[CONFIG_KEY] = np.array(config)
        return arrays
    if isinstance(obj, dict) and _is_flat_state(obj):
        return {k: np.asarray(v.data if isinstance(v, (Tensor, Value)) else v)
                for k, v in obj.items()}
    if isinstance(obj, (dict, list, tuple)):
        arrays: dict[str, np.ndarray] = {}
        tree = _encode(obj, "", arrays)
        arrays[TREE_KEY] = np.array(json.dumps(tree))
        return arrays
    raise TypeError(f"save: expected a Module, a state dict or a dict/list checkpoint, got "
                    f"{type(obj).__name__}")


def _file_mode(path: str) -> int:
    if os.path.exists(path):
        return os.stat(path).st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write a module's state (plus its ``__config__``), a state dict, or a nested
    checkpoint dict/list to exactly ``path``, atomically (temporary file + rename)."""
    arrays = _arrays_to_write(obj)
    for key, array in arrays.items():
        allowed = "biufU" if key in (CONFIG_KEY, TREE_KEY) else "biuf"
        if array.dtype.kind not in allowed or array.dtype.hasobject:
            raise ValueError(f"save: {key!r} holds dtype {array.dtype}; only numeric arrays "
                             "are saved")
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    mode = _file_mode(path)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                                     suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
                for key, array in arrays.items():
                    with zf.open(key + ".npy", "w", force_zip64=True) as entry:
                        np.lib.format.write_array(entry, np.asarray(array), allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (where the OS lets a folder be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- reading ------------------------------------------------------------------------------


def _decode(node: Any, archive: Archive, used: set[str], who: str) -> Any:
    if isinstance(node, list):
        return [_decode(item, archive, used, who) for item in node]
    if isinstance(node, dict):
        if set(node) == {"$array"} and isinstance(node["$array"], str):
            name = node["$array"]
            if name not in archive.entries or name in used or name in (CONFIG_KEY, TREE_KEY):
                raise ValueError(f"{who}: {archive.path!r} has a malformed {TREE_KEY}: it "
                                 f"names array {name!r}, which is missing or named twice")
            used.add(name)
            return archive.read(name, who)
        if set(node) == {"$tuple"} and isinstance(node["$tuple"], list):
            return tuple(_decode(item, archive, used, who) for item in node["$tuple"])
        if set(node) == {"$dict"} and isinstance(node["$dict"], list):
            out = {}
            for pair in node["$dict"]:
                if not (isinstance(pair, list) and len(pair) == 2
                        and isinstance(pair[0], (str, int))):
                    raise ValueError(f"{who}: {archive.path!r} has a malformed {TREE_KEY}")
                out[pair[0]] = _decode(pair[1], archive, used, who)
            return out
        raise ValueError(f"{who}: {archive.path!r} has a malformed {TREE_KEY}")
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    raise ValueError(f"{who}: {archive.path!r} has a malformed {TREE_KEY}")


def _json(archive: Archive, key: str, who: str) -> Any:
    try:
        return json.loads(archive.read_text(key, who))
    except json.JSONDecodeError as error:
        raise ValueError(f"{who}: {archive.path!r} has a malformed {key} (not JSON: "
                         f"{error})") from None


def load(path: str | os.PathLike) -> Any:
    """Read a file written by ``save``: a state dict ``{name: array}`` (its
    ``__config__`` left out), or the nested checkpoint that was saved. Builds nothing."""
    who = "nn.load"
    with open_archive(path, who, text_keys=(CONFIG_KEY, TREE_KEY)) as archive:
        if TREE_KEY in archive.entries:
            used: set[str] = set()
            tree = _decode(_json(archive, TREE_KEY, who), archive, used, who)
            stray = set(archive.entries) - used - {TREE_KEY}
            if stray:
                raise ValueError(f"{who}: {archive.path!r} holds arrays {sorted(stray)} that "
                                 f"its {TREE_KEY} does not use")
            return tree
        return {key: archive.read(key, who) for key in archive.entries if key != CONFIG_KEY}


def _check_against(archive: Archive, shapes: dict[str, tuple[int, ...]], who: str,
                   strict: bool, what: str) -> list[str]:
    """Compare headers with the expected state (before reading any data); the keys to read."""
    keys = [k for k in archive.entries if k not in (CONFIG_KEY, TREE_KEY)]
    missing = [k for k in shapes if k not in archive.entries]
    unexpected = [k for k in keys if k not in shapes]
    problems = []
    if strict and (missing or unexpected):
        problems.append(f"missing keys {missing}, unexpected keys {unexpected}")
    for key in keys:
        if key in shapes and archive.entries[key].shape != tuple(shapes[key]):
            problems.append(f"{key!r} has shape {archive.entries[key].shape} in the file but "
                            f"{tuple(shapes[key])} in {what}")
    if problems:
        raise ValueError(f"{who}: {archive.path!r} does not fit {what}: "
                         + "; ".join(problems[:8]) + " (nothing was loaded)")
    return [k for k in keys if k in shapes]


def load_into(module: Module, path: str | os.PathLike, strict: bool = True) -> Module:
    """Load a file written by ``save`` into ``module``; returns it. The headers are
    checked against the module first; a failure changes nothing."""
    who = f"{type(module).__name__}.load"
    with open_archive(path, who, text_keys=(CONFIG_KEY,)) as archive:
        slots = module.state_slots()
        keys = _check_against(archive, {k: s.shape for k, s in slots.items()}, who, strict,
                              "the model")
        state = {key: archive.read(key, who) for key in keys}
    module.load_state_dict(state, strict=strict)
    return module


def _builtin_classes() -> dict[str, type[Module]]:
    """Every Module subclass defined in the nn package, by name."""
    found: dict[str, type[Module]] = {}
    stack = list(Module.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] == "nn" and not cls.__name__.startswith("_"):
            found.setdefault(cls.__qualname__, cls)
    return found


def _read_config(archive: Archive, who: str) -> tuple[str, list, dict]:
    if CONFIG_KEY not in archive.entries:
        raise ValueError(f"{who}: {archive.path!r} does not record how to build the model "
                         "(its constructor took modules or objects); build it yourself and "
                         "call model.load(path)")
    config = _json(archive, CONFIG_KEY, who)
    if not (isinstance(config, dict) and isinstance(config.get("class"), str)
            and isinstance(config.get("args"), list) and isinstance(config.get("kwargs"), dict)
            and all(isinstance(k, str) for k in config["kwargs"])):
        raise ValueError(f"{who}: {archive.path!r} has a malformed {CONFIG_KEY}: expected "
                         '{"class": str, "args": list, "kwargs": dict}')
    return config["class"], config["args"], config["kwargs"]


def build(cls: type[Module], path: str | os.PathLike) -> Module:
    """Build a ``cls`` from the arguments a file recorded and load its state."""
    who = f"{cls.__name__}.load"
    with open_archive(path, who, text_keys=(CONFIG_KEY,)) as archive:
        name, args, kwargs = _read_config(archive, who)
        if cls is Module:
            target = _builtin_classes().get(name)
            if target is None:
                raise ValueError(f"{who}: {archive.path!r} names class {name!r}, which is not "
                                 "a built-in nn class; call that class's own .load(path) if "
                                 "you trust it")
        elif name != cls.__qualname__:
            raise ValueError(f"{who}: {archive.path!r} holds a {name}, not a {cls.__name__}")
        else:
            target = cls
        description = f"{target.__name__}(*{args}, **{kwargs})"
        try:
            inspect.signature(target).bind(*args, **kwargs)
            shapes = target._state_shapes(*args, **kwargs)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{who}: {archive.path!r} has a malformed {CONFIG_KEY}: "
                             f"{description} is not a valid model ({error})") from None
        if shapes is not None:
            _check_against(archive, shapes, who, True, f"the {description} it records")
        try:
            model = target(*args, **kwargs)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{who}: {archive.path!r} has a malformed {CONFIG_KEY}: "
                             f"{description} failed ({error})") from None
        slots = model.state_slots()
        keys = _check_against(archive, {k: s.shape for k, s in slots.items()}, who, True,
                              f"the {description} it records")
        state = {key: archive.read(key, who) for key in keys}
    model.load_state_dict(state)
    return model
