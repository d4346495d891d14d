"""Small helpers the example scripts share: the --out option, section headings, saving figures.

Every script can still be run on its own (``python examples/<name>.py``): Python puts the
script's folder first on ``sys.path``, so ``import _common`` finds this file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # scripts write PNG files; they never open a window

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

EXAMPLES_DIR = Path(__file__).resolve().parent


def parser(script: str, description: str) -> argparse.ArgumentParser:
    """An argument parser that already knows ``--out`` (default examples/output/<script>/)."""
    p = argparse.ArgumentParser(prog=f"{script}.py", description=description)
    p.add_argument("--out", type=Path, default=EXAMPLES_DIR / "output" / script,
                   help=f"folder for the figures (default: examples/output/{script}/)")
    return p


def output_dir(path: Path) -> Path:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def section(title: str) -> None:
    """Print a heading, so the output reads like the tutorial's sections."""
    print(f"\n== {title} " + "=" * max(0, 74 - len(title)))


def save(fig: plt.Figure, path: Path) -> Path:
    """Save ``fig`` as a PNG, close it (scripts make many) and return the path."""
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
