"""What ``nn.fit`` prints: a line per epoch, or a tqdm bar during it; never wider than
80 columns (or the terminal, if narrower).

An epoch's line is ``Epoch 3/10 - 0.4s - loss: 0.1234 - val_loss: ...``; when the logs
do not fit in the width, they continue on indented lines, so every line fits whatever
the metrics. Lines are flushed as they are written (a log file or CI sees each epoch
when it ends).
"""

from __future__ import annotations

import math
import shutil
import sys
from typing import Any, TextIO

from tqdm import tqdm

MAX_WIDTH = 80


def width(stream: TextIO) -> int:
    """80, or the terminal's width when ``stream`` is a narrower terminal."""
    is_terminal = getattr(stream, "isatty", lambda: False)()
    columns = shutil.get_terminal_size((MAX_WIDTH, 24)).columns if is_terminal else MAX_WIDTH
    return max(20, min(MAX_WIDTH, columns))


def number(value: float) -> str:
    """Four decimals for ordinary values, four significant digits for huge or tiny ones."""
    if not math.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return f"{value:.4g}"
    return f"{value:.4f}"


def epoch_lines(epoch: int, epochs: int, seconds: float, logs: dict[str, float],
                columns: int) -> list[str]:
    """The epoch's summary, packed into lines of at most ``columns`` characters."""
    tokens = [f"Epoch {epoch}/{epochs}", f"{seconds:.1f}s"]
    tokens += [f"{name}: {number(value)}" for name, value in logs.items()]
    lines, current = [], ""
    for token in tokens:
        token = token[:columns - 4]
        candidate = f"{current} - {token}" if current else token
        if len(candidate) <= columns:
            current = candidate
        else:
            lines.append(current)
            current = f"    {token}"
    lines.append(current)
    return lines


class EpochReporter:
    """Prints one epoch: a bar while it runs (verbose 1), its summary at the end (1, 2)."""

    def __init__(self, verbose: int, epoch: int, epochs: int, steps: int,
                 stream: TextIO | None = None) -> None:
        self.verbose, self.epoch, self.epochs = verbose, epoch, epochs
        self.stream = sys.stdout if stream is None else stream
        self.columns = width(self.stream)
        self.bar: Any = None
        if verbose == 1:
            self.bar = tqdm(total=steps, desc=f"Epoch {epoch}/{epochs}", unit="batch",
                            file=self.stream, leave=False, ncols=self.columns,
                            dynamic_ncols=False, mininterval=0.1)

    def batch_done(self, mean_loss: float) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"loss: {number(mean_loss)}", refresh=False)
            self.bar.update(1)

    def close(self, seconds: float | None = None, logs: dict[str, float] | None = None) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self.verbose and logs is not None:
            lines = epoch_lines(self.epoch, self.epochs, seconds or 0.0, logs, self.columns)
            self.stream.write("\n".join(lines) + "\n")
            self.stream.flush()
