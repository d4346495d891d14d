"""What the model-file tests share: a small model, raw zip and .npy entries, a fresh
Python process."""

import hashlib
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np

import nn

ROOT = Path(__file__).resolve().parents[1]


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def small_model(seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(3, 4, rng=rng), nn.Tanh(), nn.Linear(4, 2, rng=rng))


def run_python(code, *args, env=None, prefix=()):
    return subprocess.run([*prefix, sys.executable, "-c", textwrap.dedent(code), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def zip_file(path, entries, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in entries:
            zf.writestr(name, data)


def npy(array):
    import io
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def config_entry(cls, *args, **kwargs):
    return npy(np.array(json.dumps({"class": cls, "args": list(args), "kwargs": kwargs})))
