"""Loading a model file never runs code the caller did not choose, and refuses sizes
it would have to allocate before it could check them."""

import pathlib
import zipfile
from pathlib import Path

import numpy as np
import pytest
from files_helpers import config_entry, npy, run_python, small_model, zip_file

import nn

# --- loading never runs code the caller did not choose ----------------------------------


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def test_a_pickle_payload_never_executes(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    payload = np.array([_Payload(str(marker))], dtype=object)
    zip_file(path, [("0.weight.npy", npy(payload)),
                ("__config__.npy", config_entry("Sequential"))])
    for load in (nn.load, nn.Module.load, nn.Sequential.load, small_model().load):
        with pytest.raises(ValueError):
            load(path)
        assert not marker.exists()
    with np.load(path, allow_pickle=True) as archive:  # the payload is real
        archive["0.weight"]
    assert marker.exists()


class Foreign(nn.Module):
    """A user class whose constructor has a visible side effect."""

    def __init__(self, marker="foreign-ran"):
        super().__init__()
        Path(marker).write_text("constructor ran")


def test_a_file_naming_a_foreign_class_never_runs_its_constructor(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "foreign.npz"
    zip_file(path, [("__config__.npy", config_entry("Foreign", str(marker)))])
    with pytest.raises(ValueError, match="not a built-in nn class"):
        nn.Module.load(path)
    with pytest.raises(ValueError, match="holds a Foreign, not a MLP"):
        nn.MLP.load(path)
    assert not marker.exists()
    assert isinstance(Foreign.load(path), Foreign)  # the class the caller named and trusts
    assert marker.exists()


def test_class_load_builds_only_the_class_it_is_called_on(tmp_path):
    path = tmp_path / "linear"
    nn.Linear(3, 2, dtype=np.float32, rng=np.random.default_rng(0)).save(path)
    loaded = nn.Module.load(path)
    assert type(loaded) is nn.Linear and loaded.weight.dtype == np.float32
    with pytest.raises(ValueError, match="holds a Linear, not a MLP"):
        nn.MLP.load(path)


def test_oversized_claims_are_refused_before_allocating(tmp_path):
    resource = pytest.importorskip("resource")
    assert resource
    huge_mlp = tmp_path / "huge_mlp.npz"
    zip_file(huge_mlp, [("__config__.npy", config_entry("MLP", 2, [10**6, 10**6]))])
    huge_linear = tmp_path / "huge_linear.npz"
    zip_file(huge_linear, [("__config__.npy", config_entry("Linear", 10**6, 10**6)),
                       ("weight.npy", npy(np.zeros((2, 2))))])
    bomb = tmp_path / "bomb.npz"  # 256 MiB of zeros in about 256 KB: deflate's best ratio
    header = npy(np.zeros((0,)))  # replaced below by a header for the full shape
    import io
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False,
                                                  "shape": (2**25,)})
    header = buffer.getvalue()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("weight.npy", "w", force_zip64=True) as entry:
            entry.write(header)
            chunk = bytes(1 << 20)
            for _ in range(256):
                entry.write(chunk)
        zf.writestr("__config__.npy", config_entry("Linear", 2, 2))
    assert bomb.stat().st_size < 2 << 20
    result = run_python("""
        import resource, sys, time
        import nn
        size = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (size + (96 << 20),) * 2)  # 96 MiB more
        for path, load in ((sys.argv[1], nn.Module.load), (sys.argv[2], nn.Module.load),
                           (sys.argv[3], nn.Linear(2, 2).load), (sys.argv[3], nn.Linear.load)):
            start = time.perf_counter()
            try:
                load(path)
            except ValueError as error:
                print("refused", round(time.perf_counter() - start, 2), str(error)[:200])
            except MemoryError:
                print("memory error")
    """, str(huge_mlp), str(huge_linear), str(bomb))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and all(line.startswith("refused") for line in lines), lines
    assert all(float(line.split()[1]) < 5 for line in lines)
    assert "missing keys ['layers.0.weight'" in lines[0]
    assert "unexpected keys ['bias']" not in lines[2] and "'weight' has shape" in lines[2]


def test_a_deflated_entry_claiming_more_than_deflate_can_make_is_refused(tmp_path):
    path = tmp_path / "lie.npz"
    zip_file(path, [("weight.npy", npy(np.zeros((2, 2))))], compression=zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
    central = data.rindex(b"PK\x01\x02")
    data[central + 24:central + 28] = (10**9).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))
    assert info.compress_size < 200
    with pytest.raises(ValueError, match="more than deflate can produce"):
        nn.load(path)
