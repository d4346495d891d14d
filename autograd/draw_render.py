"""The Digraph that draw_graph returns: graphviz's, with a helpful missing-``dot`` error.

Kept apart from ``draw.py`` because importing ``graphviz`` costs tens of milliseconds,
which ``import autograd`` should not pay.
"""

from __future__ import annotations

from typing import Any

import graphviz

INSTALL_HELP = """Graphviz's `dot` program was not found on PATH; drawing the graph needs it \
(building the DOT source does not: see `.source`). Install Graphviz, then try again:
  Debian/Ubuntu:  sudo apt-get install graphviz   (the project's `make demo` / \
scripts/setup.sh installs it)
  Fedora/RHEL:    sudo dnf install graphviz
  macOS:          brew install graphviz
  Windows:        winget install graphviz   (or choco install graphviz)
  conda:          conda install -c conda-forge graphviz
  others:         https://graphviz.org/download/"""


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """``dot`` is missing; the message says how to install it."""

    def __init__(self, args: Any = ("dot",)) -> None:
        RuntimeError.__init__(self, INSTALL_HELP)


class GraphDrawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose render/pipe explain how to install Graphviz if needed,
    that shows in Jupyter in its own ``format`` (PNG as PNG) and says what it holds in a
    console."""

    summary: dict[str, Any] = {}  # what draw_graph drew (set per drawing)

    def __repr__(self) -> str:
        s = self.summary
        drawn, total = s.get("drawn", 0), s.get("total", 0)
        parts = [f"{drawn:,} of {total:,} nodes (max_nodes)" if total > drawn
                 else f"{drawn:,} nodes"]
        if s.get("boxes"):
            parts.append(f"{s['boxes']} module boxes")
        if s.get("changed"):
            parts.append(f"{s['changed']} parameters changed since the forward pass")
        root = f" of {s['root']!r}" if s.get("root") else ""
        return (f"<GraphDrawing{root}: {', '.join(parts)}; format={self.format!r}. "
                f"Show it in Jupyter, write it with .render('name'), or read .source>")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None,
                          **kwargs: Any) -> dict[str, Any]:
        """Jupyter's picture: the drawing's own format when Jupyter can show it, else SVG."""
        mimetype = graphviz.jupyter_integration.JUPYTER_FORMATS.get(self.format,
                                                                   "image/svg+xml")
        return super()._repr_mimebundle_(include=[mimetype] if include is None else include,
                                         exclude=exclude, **kwargs)

    def _repr_png_(self) -> bytes:
        """The drawing as PNG bytes (IPython's rich display)."""
        return self.pipe(format="png")

    def render(self, *args: Any, **kwargs: Any) -> Any:
        """Write the picture (and the DOT source) to a file; see ``graphviz.Digraph.render``."""
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotFoundError() from error

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """The rendered picture as bytes (or str); see ``graphviz.Digraph.pipe``."""
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotFoundError() from error
