"""Model files: atomic exact-path saves, and loads that trust nothing they read."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest
from files_helpers import ROOT, digest, npy, run_python, small_model, zip_file
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Tensor

# --- saving ------------------------------------------------------------------------------


def test_save_writes_exactly_the_path_and_load_reads_exactly_it(tmp_path):
    model = small_model()
    (tmp_path / "ckpt.npz").write_bytes(b"a stale file that must not be read")
    model.save(tmp_path / "ckpt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt", "ckpt.npz"]
    state = nn.load(tmp_path / "ckpt")
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    with np.load(tmp_path / "ckpt", allow_pickle=False) as plain:  # an ordinary .npz
        np.testing.assert_array_equal(plain["0.weight"], model[0].weight.data)
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "missing")


def test_a_save_that_fails_part_way_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    small_model(0).save(path)
    before = digest(path)
    original = np.lib.format.write_array
    calls = []

    def fail_on_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("injected failure mid-write")
        return original(*args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", fail_on_third)
    with pytest.raises(RuntimeError, match="injected"):
        small_model(1).save(path)
    monkeypatch.undo()
    assert len(calls) == 3  # the failure really came part-way through
    assert digest(path) == before and [p.name for p in tmp_path.iterdir()] == ["model.npz"]
    small_model(2).load(path)


def test_a_file_size_limit_mid_save_leaves_the_old_file_and_no_temporary(tmp_path):
    resource = pytest.importorskip("resource")
    assert resource  # the child sets the limit
    path = tmp_path / "model.npz"
    small_model(0).save(path)
    before = digest(path)
    result = run_python("""
        import resource, signal, sys
        import numpy as np
        import nn
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG as an error, not a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))
        big = nn.Linear(100, 100)  # 80 KB of weights: more than the limit
        try:
            big.save(sys.argv[1])
        except OSError as error:
            print("refused", error.errno)
        else:
            print("saved")
    """, str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused"), result.stdout
    assert digest(path) == before and [p.name for p in tmp_path.iterdir()] == ["model.npz"]


def _can_mount_tmpfs():
    if not shutil.which("unshare") or sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d && "
                            "umount $d && rmdir $d"], capture_output=True, timeout=30)
    return probe.returncode == 0


def test_a_full_disk_mid_save_leaves_the_old_file_and_no_temporary():
    if not _can_mount_tmpfs():
        pytest.skip("this machine cannot mount a tmpfs in a user namespace")
    code = textwrap.dedent("""
        import hashlib, os, sys
        import nn
        folder = sys.argv[1]
        path = os.path.join(folder, "model.npz")
        small = nn.Linear(3, 2)
        small.save(path)
        before = hashlib.sha256(open(path, "rb").read()).hexdigest()
        try:
            nn.Linear(100, 100).save(path)  # 80 KB into a 64 KiB disk
        except OSError as error:
            print("refused", error.errno)
        after = hashlib.sha256(open(path, "rb").read()).hexdigest()
        print("same" if after == before else "changed", sorted(os.listdir(folder)))
        nn.Linear(3, 2).load(path)
        print("loadable")
    """)
    script = (f'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && '
              f'{sys.executable} -c "$0" "$d"; s=$?; umount "$d"; rmdir "$d"; exit $s')
    result = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                             script, code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "refused 28", lines  # ENOSPC
    assert lines[1] == "same ['model.npz']" and lines[2] == "loadable"


def test_save_refuses_what_is_not_numbers(tmp_path):
    with pytest.raises(TypeError, match="cannot store a object"):
        nn.save({"a": {"b": object()}}, tmp_path / "x")
    with pytest.raises(ValueError, match="only numeric arrays"):
        nn.save({"a": np.array(["text"])}, tmp_path / "x")
    assert list(tmp_path.iterdir()) == []


def test_a_nested_checkpoint_round_trips_exactly(tmp_path):
    opt = nn.optim.Adam(small_model().parameters())
    checkpoint = {"epoch": 3, "lr": 0.1 + 0.2, "note": "best", "none": None,
                  "pair": (1, 2.5), "by_index": {0: np.arange(3), 7: [np.ones((2, 2))]},
                  "optimizer": opt.state_dict(), "flag": True}
    nn.save(checkpoint, tmp_path / "ckpt")
    back = nn.load(tmp_path / "ckpt")
    assert back["epoch"] == 3 and back["lr"] == 0.1 + 0.2 and back["note"] == "best"
    assert back["none"] is None and back["pair"] == (1, 2.5) and back["flag"] is True
    assert set(back["by_index"]) == {0, 7}
    np.testing.assert_array_equal(back["by_index"][7][0], np.ones((2, 2)))
    assert back["optimizer"] == opt.state_dict()


# --- loading: every kind of bad file is one clear ValueError --------------------------


def _good_entries(model):
    return [(f"{k}.npy", npy(v)) for k, v in model.state_dict().items()]


BAD_FILES = {
    "empty": (lambda p, m: p.write_bytes(b""), "is empty"),
    "plain_npy": (lambda p, m: p.write_bytes(npy(np.zeros(3))), "single .npy array"),
    "text": (lambda p, m: p.write_text("hello"), r"not an \.npz \(zip\) archive"),
    "truncated": (lambda p, m: (m.save(p), p.write_bytes(p.read_bytes()[:-30])),
                  r"not an \.npz \(zip\) archive"),
    "crc": (lambda p, m: (m.save(p), _flip_last_data_byte(p)), "is corrupt"),
    "not_npy_entry": (lambda p, m: zip_file(p, [*_good_entries(m), ("README.txt", b"hi")]),
                      "not a .npy array entry"),
    "twice": (lambda p, m: _zip_twice(p, _good_entries(m)), "twice"),
    "object": (lambda p, m: zip_file(p, [("0.weight.npy", npy(np.array([{}], dtype=object)))]),
               "object array"),
    "complex": (lambda p, m: zip_file(p, [("0.weight.npy", npy(np.zeros((4, 3), complex)))]),
                "not plain numbers"),
    "bad_header": (lambda p, m: zip_file(p, [("0.weight.npy", b"\x93NUMPY\x01\x00garbage")]),
                   "header is unreadable"),
    "size_lie": (lambda p, m: zip_file(p, [("0.weight.npy", npy(np.zeros((4, 3)))[:-8])]),
                 "header says shape"),
    "unexpected": (lambda p, m: zip_file(p, [*_good_entries(m), ("stray.npy", npy(np.ones(1)))]),
                   r"unexpected keys \['stray'\]"),
    "missing": (lambda p, m: zip_file(p, _good_entries(m)[:-1]), r"missing keys \['2.bias'\]"),
    "shape": (lambda p, m: zip_file(p, [*_good_entries(m)[:-1], ("2.bias.npy", npy(np.ones(5)))]),
              r"'2\.bias' has shape \(5,\) in the file but \(2,\)"),
}


def _zip_twice(path, entries):
    with pytest.warns(UserWarning, match="Duplicate name"):
        zip_file(path, [*entries, entries[0]])


def _flip_last_data_byte(path):
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size - 1
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_every_bad_file_is_one_clear_value_error_and_changes_nothing(tmp_path, kind):
    make, message = BAD_FILES[kind]
    path = tmp_path / "bad.npz"
    make(path, small_model(1))
    model = small_model(0)
    before = {k: v.copy() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match=message):
        model.load(path)
    for key, value in model.state_dict().items():
        assert value.tobytes() == before[key].tobytes(), key
    if kind not in ("unexpected", "missing", "shape"):  # those files are fine without a model
        with pytest.raises(ValueError, match=message):
            nn.load(path)


def test_a_malformed_config_is_a_clear_error(tmp_path):
    cases = {
        b"not json": "not JSON",
        json.dumps(["Linear", 2, 2]).encode(): "malformed __config__",
        json.dumps({"class": "Linear", "args": [2, -1], "kwargs": {}}).encode(): "positive",
        json.dumps({"class": "Linear", "args": [2, 2], "kwargs": {"colour": 1}}).encode():
            "not a valid model",
    }
    for text, message in cases.items():
        path = tmp_path / "bad.npz"
        zip_file(path, [("__config__.npy", npy(np.array(text.decode())))])
        with pytest.raises(ValueError, match=message):
            nn.Module.load(path)
    zip_file(path, _good_entries(nn.Linear(2, 2)))
    with pytest.raises(ValueError, match="does not record how to build"):
        nn.Linear.load(path)


# --- state: buffers, the scalar family and the shapes a config describes ---------------


def test_buffers_are_saved_and_loaded_and_non_persistent_ones_are_not(tmp_path):
    class Stats(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = Tensor(np.ones(2), requires_grad=True)
            self.register_buffer("running_mean", Tensor(np.zeros(2)))
            self.register_buffer("scratch", Tensor(np.zeros(3)), persistent=False)

    model = Stats()
    model.running_mean = Tensor(np.array([1.5, -2.0]))  # still a buffer after assignment
    assert [n for n, _ in model.named_buffers()] == ["running_mean", "scratch"]
    assert list(model.state_dict()) == ["scale", "running_mean"]
    model.save(tmp_path / "stats")
    other = Stats()
    other.load(tmp_path / "stats")
    np.testing.assert_array_equal(other.running_mean.data, [1.5, -2.0])
    assert other.parameters() == [other.scale]


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.lists(st.integers(1, 4), min_size=1, max_size=3), st.booleans())
def test_recorded_arguments_describe_the_state_the_class_builds(nin, sizes, bias):
    for cls, args, kwargs in ((nn.MLP, (nin, sizes), {}), (nn.Layer, (nin, sizes[0]), {}),
                              (nn.Neuron, (nin,), {}), (nn.Linear, (nin, sizes[0]),
                                                        {"bias": bias})):
        built = {k: s.shape for k, s in cls(*args, **kwargs).state_slots().items()}
        assert cls._state_shapes(*args, **kwargs) == built


def test_a_scalar_mlp_file_holds_one_array_per_layer_tensor(tmp_path):
    model = nn.MLP(3, [4, 1], rng=np.random.default_rng(0))
    model.save(tmp_path / "mlp")
    with zipfile.ZipFile(tmp_path / "mlp") as zf:
        names = sorted(zf.namelist())
    assert names == ["__config__.npy", "layers.0.bias.npy", "layers.0.weight.npy",
                     "layers.1.bias.npy", "layers.1.weight.npy"]
    loaded = nn.MLP.load(tmp_path / "mlp")
    assert loaded([1.0, 2.0, 3.0]).data == model([1.0, 2.0, 3.0]).data
    assert os.path.getsize(tmp_path / "mlp") < 4096
