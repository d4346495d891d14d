"""Weight initialisation: PyTorch's schemes and formulas, as functions of a shape.

Every function takes a shape and returns a new float64 array; ``rng`` is an
``np.random.Generator`` (the default generator, seeded by ``manual_seed``, when None).
A 2-D shape is ``(fan_out, fan_in)`` — PyTorch's weight layout — and for more
dimensions each fan is multiplied by the receptive field ``prod(shape[2:])``:

    fan_in = shape[1] * prod(shape[2:])        fan_out = shape[0] * prod(shape[2:])

Where ``init=`` is accepted (``nn.Linear``, ``nn.Neuron``...) it takes a callable
``init(shape, rng=...) -> array`` or one of the names in ``INITIALIZERS``. By name,
"uniform" is U(-1, 1) and "normal" is N(0, 1) (the tutorials' schemes) and
"lecun_normal" is N(0, 1/fan_in) (the "1/sqrt(n)" scheme).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

Shape = int | Sequence[int]
Initializer = Callable[..., np.ndarray]

_default_rng = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the default generator used wherever ``rng=None`` (init, Dropout, shuffling)."""
    global _default_rng
    _default_rng = np.random.default_rng(seed)
    return _default_rng


def default_rng() -> np.random.Generator:
    """The generator used when ``rng`` is None."""
    return _default_rng


def _rng(rng: np.random.Generator | None) -> np.random.Generator:
    if rng is None:
        return _default_rng
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"init: rng must be an np.random.Generator (np.random.default_rng(0)), "
                        f"got {type(rng).__name__}")
    return rng


def _shape(shape: Shape) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if any(not isinstance(n, (int, np.integer)) or n < 0 for n in shape):
        raise ValueError(f"init: shape must hold non-negative integers, got {shape}")
    return tuple(int(n) for n in shape)


def calculate_fans(shape: Shape) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of this shape (at least 2-D, as in PyTorch)."""
    shape = _shape(shape)
    if len(shape) < 2:
        raise ValueError(f"init: fan in and fan out need a shape of at least 2 dimensions "
                         f"(fan_out, fan_in, ...), got {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table).

    linear, identity, sigmoid, conv*: 1;  tanh: 5/3;  relu: sqrt(2);
    leaky_relu: sqrt(2 / (1 + slope**2)) with slope ``param`` (default 0.01);  selu: 3/4.
    """
    linear = {"linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
              "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"}
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 0.75
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of "
                     f"{sorted(linear | {'tanh', 'relu', 'leaky_relu', 'selu'})}")


def zeros(shape: Shape) -> np.ndarray:
    """All entries 0."""
    return np.zeros(_shape(shape))


def ones(shape: Shape) -> np.ndarray:
    """All entries 1."""
    return np.ones(_shape(shape))


def constant(shape: Shape, val: float) -> np.ndarray:
    """All entries ``val``."""
    return np.full(_shape(shape), float(val))


def uniform(shape: Shape, a: float = 0.0, b: float = 1.0,
            rng: np.random.Generator | None = None) -> np.ndarray:
    """Entries drawn from U(a, b) (PyTorch's defaults a=0, b=1)."""
    if not a <= b:
        raise ValueError(f"uniform: need a <= b, got a={a}, b={b}")
    return _rng(rng).uniform(a, b, size=_shape(shape))


def normal(shape: Shape, mean: float = 0.0, std: float = 1.0,
           rng: np.random.Generator | None = None) -> np.ndarray:
    """Entries drawn from N(mean, std**2)."""
    if std < 0:
        raise ValueError(f"normal: std must be >= 0, got {std}")
    return _rng(rng).normal(mean, std, size=_shape(shape))


def lecun_normal(shape: Shape, rng: np.random.Generator | None = None) -> np.ndarray:
    """N(0, 1/fan_in): std = 1/sqrt(fan_in), so a weighted sum of fan_in unit inputs has
    unit variance (the "1/sqrt(n)" scheme)."""
    fan_in, _ = calculate_fans(shape)
    return normal(shape, 0.0, 1.0 / math.sqrt(fan_in), rng=rng)


def xavier_uniform(shape: Shape, gain: float = 1.0,
                   rng: np.random.Generator | None = None) -> np.ndarray:
    """U(-bound, bound) with bound = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio)."""
    fan_in, fan_out = calculate_fans(shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform(shape, -bound, bound, rng=rng)


def xavier_normal(shape: Shape, gain: float = 1.0,
                  rng: np.random.Generator | None = None) -> np.ndarray:
    """N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fans(shape)
    return normal(shape, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng=rng)


def _kaiming_std(shape: Shape, a: float, mode: str, nonlinearity: str) -> float:
    fan_in, fan_out = calculate_fans(shape)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform(shape: Shape, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu",
                    rng: np.random.Generator | None = None) -> np.ndarray:
    """U(-bound, bound) with bound = gain * sqrt(3 / fan) (He et al.), where
    gain = calculate_gain(nonlinearity, a) and fan is fan_in or fan_out (``mode``)."""
    bound = math.sqrt(3.0) * _kaiming_std(shape, a, mode, nonlinearity)
    return uniform(shape, -bound, bound, rng=rng)


def kaiming_normal(shape: Shape, a: float = 0.0, mode: str = "fan_in",
                   nonlinearity: str = "leaky_relu",
                   rng: np.random.Generator | None = None) -> np.ndarray:
    """N(0, std**2) with std = gain / sqrt(fan) (He et al.)."""
    return normal(shape, 0.0, _kaiming_std(shape, a, mode, nonlinearity), rng=rng)


def pytorch_default(shape: Shape, rng: np.random.Generator | None = None) -> np.ndarray:
    """``nn.Linear``'s default weight: kaiming_uniform with a = sqrt(5), which is
    U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    return kaiming_uniform(shape, a=math.sqrt(5.0), rng=rng)


def pytorch_default_bias(shape: Shape, fan_in: int,
                         rng: np.random.Generator | None = None) -> np.ndarray:
    """``nn.Linear``'s default bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return uniform(shape, -bound, bound, rng=rng)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": lambda shape, rng=None: zeros(shape),
    "ones": lambda shape, rng=None: ones(shape),
    "uniform": partial(uniform, a=-1.0, b=1.0),
    "normal": normal,
    "lecun_normal": lecun_normal,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot_uniform": xavier_uniform,
    "glorot_normal": xavier_normal,
    "kaiming_uniform": kaiming_uniform,
    "kaiming_normal": kaiming_normal,
    "he_uniform": kaiming_uniform,
    "he_normal": kaiming_normal,
    "pytorch": pytorch_default,
    "default": pytorch_default,
}


def get_initializer(init: str | Initializer) -> Initializer:
    """The initializer named ``init`` (see ``INITIALIZERS``), or ``init`` itself if callable."""
    if callable(init):
        return init
    if isinstance(init, str) and init in INITIALIZERS:
        return INITIALIZERS[init]
    raise ValueError(f"init: unknown initializer {init!r}; use a callable "
                     f"init(shape, rng=...) or one of {sorted(INITIALIZERS)}")


def initial_values(init: str | Initializer, shape: Shape, rng: np.random.Generator | None,
                   what: str = "init") -> np.ndarray:
    """Call an initializer and check that it gave an array of ``shape``."""
    shape = _shape(shape)
    values = np.asarray(get_initializer(init)(shape, rng=rng), dtype=np.float64)
    if values.shape != shape:
        raise ValueError(f"{what}: the initializer returned shape {values.shape}, "
                         f"expected {shape}")
    return values


__all__ = [
    "INITIALIZERS", "calculate_fans", "calculate_gain", "constant", "default_rng",
    "get_initializer", "initial_values", "kaiming_normal", "kaiming_uniform",
    "lecun_normal", "manual_seed", "normal", "ones", "pytorch_default", "uniform",
    "xavier_normal", "xavier_uniform", "zeros",
]
