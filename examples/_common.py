"""Small helpers the example scripts share: the --out option, section headings, saving figures.

Every script can still be run on its own (``python examples/<name>.py``): Python puts the
script's folder first on ``sys.path``, so ``import _common`` finds this file.

The scripts are also the notebooks (jupytext's percent format: ``# %%`` starts a cell),
so the helpers know whether they run in a notebook: there ``argv()`` ignores the
kernel's own command line, ``show()`` displays a saved figure, and the environment
variable ``AUTOGRAD_EXAMPLES_QUICK=1`` asks for the scripts' small settings (CI).
``AUTOGRAD_EXAMPLES_OUT`` moves the output folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # scripts write PNG files; they never open a window

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

EXAMPLES_DIR = Path(__file__).resolve().parent


def parser(script: str, description: str) -> argparse.ArgumentParser:
    """An argument parser that already knows ``--out`` (default examples/output/<script>/)."""
    p = argparse.ArgumentParser(prog=f"{script}.py", description=description)
    root = Path(os.environ.get("AUTOGRAD_EXAMPLES_OUT", EXAMPLES_DIR / "output"))
    p.add_argument("--out", type=Path, default=root / script,
                   help=f"folder for the figures (default: examples/output/{script}/)")
    return p


def output_dir(path: Path) -> Path:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def section(title: str) -> None:
    """Print a heading, so the output reads like the tutorial's sections."""
    print(f"\n== {title} " + "=" * max(0, 74 - len(title)))


def print_epochs(history: Any, every: int) -> None:
    """One line per epoch of ``nn.fit``'s history: the first three, every ``every``-th
    and the last."""
    h = history.history
    for epoch in range(len(history)):
        if epoch < 3 or epoch == len(history) - 1 or (epoch + 1) % every == 0:
            print(f"  epoch {epoch + 1:>3}: loss {h['loss'][epoch]:.4f}  accuracy "
                  f"{h['accuracy'][epoch]:.3f}  val_loss {h['val_loss'][epoch]:.4f}  "
                  f"val_accuracy {h['val_accuracy'][epoch]:.3f}")


def save(fig: plt.Figure, path: Path) -> Path:
    """Save ``fig`` as a PNG, close it (scripts make many) and return the path."""
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def in_notebook() -> bool:
    """True inside a Jupyter kernel."""
    return "ipykernel" in sys.modules


def argv(quick: list[str] | None = None) -> list[str] | None:
    """The command line for ``main``: the real one for a script (None); in a notebook
    none, or ``quick`` when AUTOGRAD_EXAMPLES_QUICK=1 (CI runs the notebooks small)."""
    if not in_notebook():
        return None
    return list(quick or []) if os.environ.get("AUTOGRAD_EXAMPLES_QUICK") == "1" else []


def show(*paths: str | Path) -> None:
    """Display saved figures below the cell in a notebook; nothing in a script."""
    if not in_notebook():
        return
    from IPython.display import SVG, Image, display

    for path in paths:
        path = Path(path)
        display(SVG(filename=str(path)) if path.suffix == ".svg" else Image(filename=str(path)))
