"""Hypothesis profiles for the gradient tests, selected by ``HYPOTHESIS_PROFILE``.

- ``ci`` (the default): few examples per test, derandomized, so the whole suite stays
  fast and every run checks the same cases;
- ``dev``: more examples and a fresh random seed on every run;
- ``thorough``: thousands of examples per test, for hunting rare failures.

``load_profile()`` registers them and loads the one named by the environment variable;
``tests/conftest.py`` calls it. ``scaled(fraction)`` gives per-test settings with a
fraction of the profile's examples, for tests whose examples are expensive.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILES = {
    "ci": {"max_examples": 50, "derandomize": True, "database": None},
    "dev": {"max_examples": 100},
    "thorough": {"max_examples": 2000},
}
DEFAULT_PROFILE = "ci"
ENV_VAR = "HYPOTHESIS_PROFILE"

# Gradient checks take milliseconds per example and vary with the graph drawn.
_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow],
           "print_blob": True}


def register_profiles() -> None:
    """Register ``ci``, ``dev`` and ``thorough`` with hypothesis (idempotent)."""
    for name, options in PROFILES.items():
        settings.register_profile(name, **_COMMON, **options)


def load_profile(name: str | None = None) -> str:
    """Load profile ``name``, else ``$HYPOTHESIS_PROFILE``, else "ci"; return its name."""
    register_profiles()
    name = name or os.environ.get(ENV_VAR) or DEFAULT_PROFILE
    if name not in PROFILES:
        try:
            settings.get_profile(name)  # a profile the user registered
        except Exception:  # noqa: BLE001 - hypothesis raises InvalidArgument
            raise ValueError(f"{ENV_VAR}={name!r}: unknown hypothesis profile; choose one "
                             f"of {sorted(PROFILES)}") from None
    settings.load_profile(name)
    return name


def scaled(fraction: float) -> settings:
    """Settings with ``fraction`` of the loaded profile's ``max_examples`` (at least 1)."""
    return settings(max_examples=max(1, int(settings.default.max_examples * fraction)))
