"""Select the hypothesis profile from $HYPOTHESIS_PROFILE (ci, dev or thorough; default ci)."""

from autograd.testing import load_profile

load_profile()
