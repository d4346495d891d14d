"""Argument checks shared by nn's public functions: clear errors naming the caller."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np


def positive_int(who: str, name: str, value: Any) -> int:
    """``value`` as an int if it is a positive integer (not a bool), else ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{who}: {name} must be a positive integer, got {value!r}")
    return int(value)


def non_negative_int(who: str, name: str, value: Any) -> int:
    """``value`` as an int if it is an integer >= 0 (not a bool), else ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{who}: {name} must be a non-negative integer, got {value!r}")
    return int(value)


def boolean(who: str, name: str, value: Any) -> bool:
    """``value`` if it is a bool (never taken by truthiness), else TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{who}: {name} must be True or False, got {value!r}")
    return bool(value)


def real(who: str, name: str, value: Any, low: float = 0.0, below: float | None = None,
         low_open: bool = False) -> float:
    """``value`` as a float if it is a real number in [low, below) ((low, below) when
    ``low_open``), else ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise ValueError(f"{who}: {name} must be a number, got {value!r}")
    too_low = value <= low if low_open else value < low
    if too_low or (below is not None and value >= below):
        bracket = "(" if low_open else "["
        limit = f"in {bracket}{low}, {below})" if below is not None else (
            f"> {low}" if low_open else f">= {low}")
        raise ValueError(f"{who}: invalid {name} {value!r}; it must be {limit}")
    return float(value)
