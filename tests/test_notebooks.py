"""The tutorials as notebooks: each is built from its script (jupytext percent format,
``# %%`` cells) and executed in a python3 kernel, so the notebooks never drift from
the scripts and never rot. AUTOGRAD_EXAMPLES_QUICK=1 runs them with small settings."""

from __future__ import annotations

import os
from pathlib import Path

import jupytext  # the test extra installs these (pyproject.toml)
import nbclient
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# The tutorials' path. A CNN on the digits joins this list once nn has conv layers
# (examples/digits_cnn.py, in the same percent format).
NOTEBOOKS = ["neuron_backward", "backprop_equations", "init_depth", "digits"]


def notebook(name: str):
    return jupytext.read(EXAMPLES / f"{name}.py", fmt="py:percent")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_script_is_a_notebook_of_several_cells_with_a_title(name):
    nb = notebook(name)
    kinds = [cell.cell_type for cell in nb.cells]
    assert kinds[0] == "markdown" and nb.cells[0].source.startswith("# ")
    assert kinds.count("code") >= 3


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_notebook_runs_in_a_python3_kernel(name, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_EXAMPLES_QUICK", "1")
    monkeypatch.setenv("AUTOGRAD_EXAMPLES_OUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = notebook(name)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=300,
                                     resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()   # raises CellExecutionError, with the cell and traceback, on failure
    outputs = [out for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.get("output_type") == "error"]
    images = [out for out in outputs if out.get("output_type") == "display_data"
              and ({"image/png", "image/svg+xml"} & set(out.get("data", {})))]
    assert images, "the notebook shows its figures"
    assert any(tmp_path.iterdir()), "the notebook wrote its files under AUTOGRAD_EXAMPLES_OUT"
    assert os.environ["AUTOGRAD_EXAMPLES_QUICK"] == "1"
