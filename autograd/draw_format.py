"""What a drawn node says and how it looks: numbers, tensor summaries, colours.

``draw.py`` walks the graph and lays out the DOT source; this file turns one node into
the text of its Graphviz label. Labels are HTML-like tables (a record with coloured
rows), so a node's kind can colour its header and a gradient can colour its body.
Everything here runs once per drawn node, so it avoids NumPy's printing machinery.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

# Node kinds: the convention the legend explains.
PARAMETER, INPUT, INTERMEDIATE, OUTPUT = "parameter", "input / constant", "intermediate", \
    "output"

# (header fill, body fill, border colour, border width) per kind.
KIND_STYLE: dict[str, tuple[str, str, str, int]] = {
    PARAMETER: ("#f6c453", "#fdf0cc", "#9a6b00", 2),
    INPUT: ("#d9d9d9", "#f4f4f4", "#7a7a7a", 1),
    INTERMEDIATE: ("#a9cbe8", "#e8f1fa", "#3c6e9c", 1),
    OUTPUT: ("#8fd19e", "#e3f5e7", "#2e7d40", 2),
}

# In the gradient view the fill means |grad| only, so kinds lose their colours and are
# told apart by their borders instead (see the key).
GRAD_VIEW_HEAD = "#ffffff"
GRAD_VIEW_BORDERS = {PARAMETER: 3, OUTPUT: 1, INPUT: 0, INTERMEDIATE: 0}
GRAD_VIEW_KEY = {PARAMETER: "thick border", OUTPUT: "double border"}
# Collapsed modules: a colour no kind and no gradient uses.
MODULE_HEAD, MODULE_BODY, MODULE_BORDER = "#d9cff0", "#f3effb", "#5b4a8a"
# Operand order on the edges into ops where it matters (a - b: 1 is a).
NUMBER_STYLE = ('headlabel="{}" labelfontsize=9 labeldistance=1.6 labelangle=40 '
                'labelfontcolor="#777777"')

# Tensors with at most this many elements show their values; larger ones show statistics.
MAX_VALUES = 8

# Gradient-flow view: log10|grad| from GRAD_LOW to GRAD_HIGH spans the colour ramp;
# |grad| near 1 is pale, vanishing gradients are blue, exploding ones red.
GRAD_LOW, GRAD_HIGH = -8.0, 4.0
_RAMP = (  # (log10|grad|, RGB), interpolated linearly in between
    (-8.0, (49, 54, 149)),
    (-5.0, (116, 173, 209)),
    (-2.0, (224, 243, 248)),
    (0.0, (255, 255, 191)),
    (2.0, (253, 174, 97)),
    (4.0, (165, 0, 38)),
)
NO_GRAD_COLOR = "#ffffff"


def fmt(x: float) -> str:
    """``x`` to 4 significant digits, compactly: 2.5, -0.1235, 1.2e-5, 3e+8, nan."""
    s = f"{x:.4g}"
    if "e" in s:
        mantissa, exponent = s.split("e")
        sign = "-" if exponent[0] == "-" else "+"
        s = f"{mantissa}e{sign}{exponent[1:].lstrip('0') or '0'}"
        if sign == "+":
            s = s.replace("e+", "e")
    return s


def quote(text: str) -> str:
    """Text as a quoted DOT string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def escape(text: str) -> str:
    """Text made safe inside an HTML-like Graphviz label."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


LINE_WIDTH = 36  # characters per line of tensor values


def format_array(a: np.ndarray) -> list[str]:
    """A small array as lines of text, a row per line; a column's rows share lines."""
    if a.ndim == 0:
        return [fmt(float(a))]
    if a.ndim == 1:
        return _pack([fmt(v) for v in a.tolist()])
    parts = [format_array(sub) for sub in a]
    if a.shape[-1] == 1 and a.ndim == 2:  # a column: its rows share lines
        return _pack([row for (row,) in parts])
    rows: list[str] = []
    for i, inner in enumerate(parts):
        rows.append(("[" if i == 0 else " ") + inner[0])
        rows.extend(" " + line for line in inner[1:])
        rows[-1] += "," if i < len(parts) - 1 else "]"
    return rows


def _pack(items: list[str]) -> list[str]:
    """``[a, b, c]``, wrapped into lines of about LINE_WIDTH characters."""
    lines = ["["]
    for i, item in enumerate(items):
        piece = item + (", " if i < len(items) - 1 else "]")
        if len(lines[-1]) > 1 and len(lines[-1]) + len(piece) > LINE_WIDTH:
            lines[-1] = lines[-1].rstrip()
            lines.append(" ")
        lines[-1] += piece
    return lines if items else ["[]"]


def summarize(a: np.ndarray) -> list[str]:
    """A large array as statistics: mean, std, min and max."""
    if a.size == 0:
        return ["(empty)"]
    return [f"mean {fmt(float(a.mean()))}  std {fmt(float(a.std()))}",
            f"min {fmt(float(a.min()))}  max {fmt(float(a.max()))}"]


def describe_array(a: np.ndarray, max_values: int) -> list[str]:
    """Values when small, statistics otherwise."""
    return format_array(a) if a.size <= max_values else summarize(a)


def grad_magnitude(grad: Any) -> float | None:
    """|grad| for colouring: the absolute value, or a tensor's mean absolute value."""
    if grad is None:
        return None
    if isinstance(grad, float):
        return abs(grad)
    g = np.asarray(grad)
    return float(np.abs(g).mean()) if g.size else None


def grad_color(magnitude: float | None) -> str:
    """The fill for a gradient of this magnitude on the log-scale ramp."""
    if magnitude is None or math.isnan(magnitude):
        return NO_GRAD_COLOR
    if magnitude == 0.0:
        return _ramp_color(GRAD_LOW)
    if math.isinf(magnitude):
        return _ramp_color(GRAD_HIGH)
    return _ramp_color(min(max(round(math.log10(magnitude), 1), GRAD_LOW), GRAD_HIGH))


@functools.cache
def _ramp_color(t: float) -> str:
    for (t0, c0), (t1, c1) in zip(_RAMP, _RAMP[1:]):
        if t <= t1:
            w = (t - t0) / (t1 - t0)
            rgb = (round(a + (b - a) * w) for a, b in zip(c0, c1))
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*_RAMP[-1][1])


def text_color(fill: str) -> str:
    """Black on light fills, white on dark ones."""
    r, g, b = int(fill[1:3], 16), int(fill[3:5], 16), int(fill[5:7], 16)
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


@functools.cache  # few pairs: grad fills are quantised to 0.1 decade
def _style(kind: str, fill: str | None) -> tuple[str, str, str, str]:
    """The opening tags of a node's table, header cell and body cell, and the body's end."""
    head, body, border, width = KIND_STYLE[kind]
    if fill:
        head, body = GRAD_VIEW_HEAD, fill
    white = text_color(body) != "#000000"
    table = (f'<<TABLE BORDER="{width - 1}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
             f'COLOR="{border}">')
    cell = f'<TD BGCOLOR="{body}">' + ('<FONT COLOR="#ffffff">' if white else "")
    if fill:  # the gradient view: a kind shows only in its border's width
        spacing = 2 if kind == OUTPUT else 0
        table = (f'<<TABLE BORDER="{GRAD_VIEW_BORDERS[kind]}" CELLBORDER="1" '
                 f'CELLSPACING="{spacing}" CELLPADDING="4" COLOR="#444444">')
    return table, f'<TD BGCOLOR="{head}">', cell, "</FONT></TD>" if white else "</TD>"


def value_label(label: str, data: float, grad: float | None, kind: str,
                fill: str | None) -> str:
    """A Value as one row of cells: | label | data 2.5 | grad -0.25 |."""
    table, head, cell, end = _style(kind, fill)
    title = f"{head}<B>{escape(label)}</B></TD>" if label else ""
    grad_cell = "" if grad is None else f"{cell}grad {fmt(grad)}{end}"
    return f"{table}<TR>{title}{cell}data {fmt(data)}{end}{grad_cell}</TR></TABLE>>"


def tensor_label(label: str, data: np.ndarray, grad: np.ndarray | None, show_grad: bool,
                 kind: str, fill: str | None, max_values: int, bundle: bool = False) -> str:
    """A Tensor as a column: a header with label, shape and dtype; its data; its grad.

    A ``bundle`` (scalar values drawn together) shows only its label in the header.
    """
    table, head, cell, end = _style(kind, fill)
    shape = "(" + ", ".join(map(str, data.shape)) + ("," if data.ndim == 1 else "") + ")"
    title = f"<B>{escape(label)}</B> " if label else ""
    header = title if bundle else f"{title}{shape} {data.dtype}"
    rows = [f"<TR>{head}{header}</TD></TR>",
            _lines_row(["data", *describe_array(data, max_values)], cell, end)]
    if show_grad:
        lines = ["grad None"] if grad is None else ["grad", *describe_array(grad, max_values)]
        rows.append(_lines_row(lines, cell, end))
    return f"{table}{''.join(rows)}</TABLE>>"


def _lines_row(lines: list[str], cell: str, end: str) -> str:
    """Left-aligned lines in one body cell."""
    text = '<BR ALIGN="LEFT"/>'.join(escape(line) for line in lines)
    left = cell.replace("<TD ", '<TD ALIGN="LEFT" ', 1)
    return f'<TR>{left}{text}<BR ALIGN="LEFT"/>{end}</TR>'


def graph_label(title: str, notes: list[str], kinds: list[str], grad_view: bool,
                numbered: bool = False, boxes: bool = False) -> str:
    """The caption above the picture: title, notes, then the key to what is drawn.

    It is the graph's label rather than a node, so it takes no place in the layout.
    Only what the picture contains is explained; no colour means two things.
    """
    rows = [f'<TR><TD ALIGN="LEFT"><B>{escape(title)}</B></TD></TR>'] if title else []
    for note in notes:
        rows.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="#9a3b00">{escape(note)}</FONT></TD></TR>')
    if kinds:
        cells = []
        for kind in kinds:
            head, _, border, _ = KIND_STYLE[kind]
            if grad_view:
                if kind in GRAD_VIEW_KEY:
                    cells.append(f"<TD>{kind}: {GRAD_VIEW_KEY[kind]}   </TD>")
                continue
            cells.append(f'<TD BGCOLOR="{head}" COLOR="{border}" BORDER="1" WIDTH="14"></TD>'
                         f"<TD>{kind}   </TD>")
        cells.append('<TD BORDER="1" COLOR="#555555" STYLE="ROUNDED">op</TD>'
                     "<TD>operation   </TD>")
        if boxes:
            cells.append(f'<TD BGCOLOR="{MODULE_HEAD}" COLOR="{MODULE_BORDER}" BORDER="1">'
                         "Type (path)</TD><TD>a module, collapsed   </TD>")
        if numbered:
            cells.append('<TD><FONT COLOR="#777777" POINT-SIZE="9">1 2</FONT></TD>'
                         "<TD>on an edge: operand order (a - b: 1 is a)</TD>")
        rows.append(_row(cells))
    if grad_view:
        cells = ["<TD>fill: |grad|, log scale (tensor, module: mean |grad|):  vanishing</TD>"]
        for exponent in range(int(GRAD_LOW), int(GRAD_HIGH) + 1, 2):
            fill = _ramp_color(float(exponent))
            ink = text_color(fill)
            cells.append(f'<TD BGCOLOR="{fill}" BORDER="1" COLOR="#777777">'
                         f'<FONT COLOR="{ink}" POINT-SIZE="9">1e{exponent}</FONT></TD>')
        cells.append('<TD>exploding   </TD><TD BORDER="1" COLOR="#777777">'
                     '<FONT POINT-SIZE="9">no grad</FONT></TD>')
        rows.append(_row(cells))
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="1">'
            f'{"".join(rows)}</TABLE>>')


def box_label(title: str, path: str, lines: list[str], fill: str | None) -> str:
    """A collapsed module: its type and path above a few lines of summary."""
    body = fill or MODULE_BODY
    ink = text_color(body)
    text = '<BR ALIGN="LEFT"/>'.join(escape(line) for line in lines)
    return (f'<<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" '
            f'COLOR="{MODULE_BORDER}" STYLE="ROUNDED"><TR><TD BGCOLOR="{MODULE_HEAD}">'
            f'<B>{escape(title)}</B> ({escape(path)})</TD></TR>'
            f'<TR><TD ALIGN="LEFT" BGCOLOR="{body}"><FONT COLOR="{ink}">{text}'
            '<BR ALIGN="LEFT"/></FONT></TD></TR></TABLE>>')


def _row(cells: list[str]) -> str:
    """A row of the caption: its own table, so rows need not share columns."""
    return ('<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" '
            f'CELLPADDING="2"><TR>{"".join(cells)}</TR></TABLE></TD></TR>')
