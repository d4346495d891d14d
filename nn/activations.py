"""Activation modules (``nn.ReLU()``...), thin wrappers of ``nn.functional``.

They work on Tensors and on the scalar family's Values (or lists of Values) alike, so
either family can use them, e.g. inside ``nn.Sequential`` or as ``activation=``.
"""

from __future__ import annotations

from typing import Any

from . import functional as F  # noqa: N812 - the PyTorch idiom
from .module import Module


class Identity(Module):
    """f(x) = x."""

    def forward(self, x: Any) -> Any:
        return x


class ReLU(Module):
    """max(x, 0)."""

    def forward(self, x: Any) -> Any:
        return F.relu(x)


class Tanh(Module):
    """tanh(x)."""

    def forward(self, x: Any) -> Any:
        return F.tanh(x)


class Sigmoid(Module):
    """1 / (1 + e^-x)."""

    def forward(self, x: Any) -> Any:
        return F.sigmoid(x)


class LeakyReLU(Module):
    """x for x > 0, else negative_slope * x."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x: Any) -> Any:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Softplus(Module):
    """log(1 + e^(beta x)) / beta."""

    def __init__(self, beta: float = 1.0) -> None:
        super().__init__()
        self.beta = float(beta)

    def forward(self, x: Any) -> Any:
        return F.softplus(x, self.beta)

    def extra_repr(self) -> str:
        return f"beta={self.beta}"


class Softsign(Module):
    """x / (1 + |x|)."""

    def forward(self, x: Any) -> Any:
        return F.softsign(x)


class Softmax(Module):
    """e^(x_i) / sum_j e^(x_j) along ``dim`` (the last axis by default)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> Any:
        return F.softmax(x, dim=self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """x_i - log(sum_j e^(x_j)) along ``dim`` (the last axis by default)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> Any:
        return F.log_softmax(x, dim=self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


# --- GELU, SiLU, ELU (the Tensor methods gelu, silu, elu) -----------------------------


class GELU(Module):
    """x * Phi(x), Phi the standard normal CDF; ``approximate="tanh"`` uses
    0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Any) -> Any:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x * sigmoid(x) (also called swish)."""

    def forward(self, x: Any) -> Any:
        return F.silu(x)


class ELU(Module):
    """x for x > 0, else alpha (e^x - 1)."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, x: Any) -> Any:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"
