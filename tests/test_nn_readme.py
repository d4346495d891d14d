"""Every Python block in the README's nn training/files/PyTorch sections runs, and the
results its comments state hold."""

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
START, END = "### Optimisers and schedules", "## Convolutional networks"
SECTION = README[README.index(START):README.index(END)]
BLOCKS = re.findall(r"```python\n(.*?)```", SECTION, flags=re.S)


def test_the_sections_hold_the_blocks_they_promise():
    assert len(BLOCKS) == 4 and "## Moving to and from PyTorch" in SECTION


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index, capsys):
    if "import torch" in BLOCKS[index]:
        pytest.importorskip("torch")
    namespace = {"__name__": "readme"}
    exec(compile(BLOCKS[index], f"README block {index}", "exec"), namespace)
    out = capsys.readouterr().out
    if index == 0:
        assert "[0.00125, 0.000375]" in out
    if index == 1:
        assert len(namespace["history"]) < 50 and "Total params: 99" in out
        assert all(len(line) <= 80 for line in out.splitlines())
    if index in (2, 3):
        assert out.splitlines()[-1 if index == 2 else 0] == "True"
