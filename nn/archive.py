"""Reading ``.npz`` archives without trusting them.

An ``.npz`` file is a zip archive of ``.npy`` entries. ``open_archive`` reads only the
zip directory and each entry's ``.npy`` header, and checks them against each other and
against the file's size before any array data is read:

- the file is not empty, not a bare ``.npy``, and is a zip archive;
- every entry is a stored or deflated ``NAME.npy``, unencrypted, named once;
- a stored entry's size equals its compressed size, and a deflated one claims no more
  than deflate can produce (about 1032 bytes per compressed byte), none more than the
  file holds;
- every header is a plain numeric dtype (never an object array: no pickle is ever
  read), and header plus shape x itemsize is exactly the entry's stated size.

``read`` then inflates one entry, never past the size its header states (zipfile
stops at the directory's size and checks the CRC).
"""

from __future__ import annotations

import math
import os
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np

_DEFLATE_RATIO = 1032  # the most output deflate can make from one input byte
_MAX_HEADER = 10_000  # numpy's own limit on .npy header size
_MAX_TEXT = 1 << 20  # JSON entries (__config__, __tree__) hold at most 1 MiB


@dataclass(frozen=True)
class Entry:
    """One ``.npy`` entry of an archive, as its header describes it."""

    info: zipfile.ZipInfo
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool
    header_size: int

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


class Archive:
    """An open, checked ``.npz`` archive: ``entries`` by key (name without ``.npy``)."""

    def __init__(self, path: str, zf: zipfile.ZipFile, entries: dict[str, Entry]) -> None:
        self.path, self.zip, self.entries = path, zf, entries

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.zip.close()

    def read(self, key: str, who: str) -> np.ndarray:
        """The array of entry ``key``, in native byte order."""
        entry = self.entries[key]
        buffer = bytearray(entry.nbytes)
        try:
            with self.zip.open(entry.info) as stream:
                stream.read(entry.header_size)
                view, filled = memoryview(buffer), 0
                while filled < entry.nbytes:
                    got = stream.readinto(view[filled:])
                    if not got:
                        break
                    filled += got
                if filled != entry.nbytes or stream.read(1):
                    raise zipfile.BadZipFile("size differs from the header")
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise ValueError(f"{who}: {self.path!r} is corrupt: entry {key!r} does not hold "
                             f"the {entry.nbytes} bytes its header states ({error})") from None
        order = "F" if entry.fortran_order else "C"
        array = np.frombuffer(buffer, dtype=entry.dtype).reshape(entry.shape, order=order)
        return array.astype(entry.dtype.newbyteorder("="), copy=not entry.dtype.isnative)

    def read_text(self, key: str, who: str) -> str:
        """A 0-d unicode entry (``__config__``) as a string, at most 1 MiB."""
        entry = self.entries[key]
        if entry.dtype.kind != "U" or entry.shape != () or entry.nbytes > _MAX_TEXT:
            raise ValueError(f"{who}: {self.path!r} has a malformed {key}: expected one "
                             f"string of at most {_MAX_TEXT} bytes, found dtype "
                             f"{entry.dtype} shape {entry.shape}")
        return str(self.read(key, who))


def _refuse(who: str, path: str, problem: str) -> ValueError:
    return ValueError(f"{who}: {path!r} {problem}; nothing was loaded")


def open_archive(path: str | os.PathLike, who: str, text_keys: tuple[str, ...] = ()
                 ) -> Archive:
    """Open ``path`` (exactly that name) and check its directory and headers."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{who}: no file {path!r}")
    size = os.path.getsize(path)
    if size == 0:
        raise _refuse(who, path, "is empty (0 bytes): not a model file (an interrupted save?)")
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic == b"\x93NUMPY":
        raise _refuse(who, path, "is a single .npy array, not an .npz archive of named "
                                 "arrays; read it with np.load(path, allow_pickle=False)")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise _refuse(who, path, f"is not an .npz (zip) archive ({error})") from None
    try:
        entries = _check_entries(zf, path, size, who, text_keys)
    except BaseException:
        zf.close()
        raise
    return Archive(path, zf, entries)


def _check_entries(zf: zipfile.ZipFile, path: str, size: int, who: str,
                   text_keys: tuple[str, ...]) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for info in zf.infolist():
        name = info.filename
        if not name.endswith(".npy") or info.is_dir():
            raise _refuse(who, path, f"holds {name!r}, which is not a .npy array entry")
        key = name[:-4]
        if key in entries:
            raise _refuse(who, path, f"holds entry {name!r} twice")
        if info.flag_bits & 0x1:
            raise _refuse(who, path, f"holds an encrypted entry {name!r}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(who, path, f"compresses {name!r} with method {info.compress_type}; "
                                     "only stored or deflated entries are read")
        if info.compress_size > size:
            raise _refuse(who, path, f"claims {info.compress_size} bytes for {name!r} but "
                                     f"the file has {size}")
        if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
            raise _refuse(who, path, f"claims {info.file_size} bytes for the stored entry "
                                     f"{name!r} in {info.compress_size} bytes")
        if info.file_size > _DEFLATE_RATIO * info.compress_size + 1024:
            raise _refuse(who, path, f"claims {info.file_size} bytes for {name!r} from "
                                     f"{info.compress_size} compressed bytes, more than "
                                     "deflate can produce")
        entries[key] = _read_header(zf, info, path, who, allow_text=key in text_keys)
    return entries


def _read_header(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, who: str,
                 allow_text: bool) -> Entry:
    name = info.filename
    try:
        with zf.open(info) as stream:
            version = np.lib.format.read_magic(stream)
            reader = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                      else np.lib.format.read_array_header_2_0)
            shape, fortran_order, dtype = reader(stream, max_header_size=_MAX_HEADER)
            header_size = stream.tell()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise _refuse(who, path, f"is corrupt: entry {name!r} cannot be read ({error})"
                      ) from None
    except (ValueError, SyntaxError) as error:
        raise _refuse(who, path, f"holds {name!r}, whose .npy header is unreadable "
                                 f"({error})") from None
    if dtype.hasobject:
        raise _refuse(who, path, f"holds an object array {name!r} (reading it would unpickle "
                                 "and could run code); a model file holds numbers only")
    allowed = "biufU" if allow_text else "biuf"
    if dtype.kind not in allowed or dtype.fields is not None or dtype.subdtype is not None:
        raise _refuse(who, path, f"holds {name!r} of dtype {dtype}, not plain numbers")
    entry = Entry(info, tuple(int(n) for n in shape), dtype, bool(fortran_order), header_size)
    if header_size + entry.nbytes != info.file_size:
        raise _refuse(who, path, f"holds {name!r}, whose header says shape {entry.shape} of "
                                 f"{dtype} ({entry.nbytes} bytes) but whose zip entry holds "
                                 f"{info.file_size - header_size}")
    return entry
