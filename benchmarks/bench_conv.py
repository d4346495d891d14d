"""Conv2d forward + backward against PyTorch — the row that waits for ``nn.Conv2d``.

ROW BUILDER FOR ANOTHER ENGINEER: ``conv_row`` measures as soon as ``nn.Conv2d`` exists
(PyTorch's signature, ``nn.Conv2d(in_channels, out_channels, kernel_size, ...)``, input
of shape (N, C, H, W)); until then it returns the row unmeasured and prints
"nn.Conv2d not available yet". Nothing else needs changing when the layer lands.

The workload: a batch of 64 single-channel 28x28 images through Conv2d(1, 16, 3), ReLU,
Conv2d(16, 32, 3); the loss is the sum of the output; zero_grad and backward. Both
engines hold the same weights (PyTorch's initialisation, copied into ours through
``load_state_dict``) in our layer's dtype, and their losses are checked to agree.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
from common import MISSING, Goal, GoalRow, Sizes, interleaved

GOAL = Goal(2.0, "≤ 2.0×")
UNAVAILABLE = "nn.Conv2d not available yet"


def build_convnet(library: Any, **options: Any) -> Any:
    return library.Sequential(library.Conv2d(1, 16, 3, **options), library.ReLU(),
                              library.Conv2d(16, 32, 3, **options))


def forward_backward(model: Any, x: Any) -> Callable[[], float]:
    def step() -> float:
        loss = model(x).sum()
        model.zero_grad()
        loss.backward()
        return float(loss.item())

    return step


def conv_steps(torch: Any, batch: int, side: int) -> dict[str, Callable[[], float]]:
    """Our step and PyTorch's, on the same weights and images."""
    import nn
    from autograd import Tensor

    takes_dtype = "dtype" in inspect.signature(nn.Conv2d).parameters
    ours = build_convnet(nn, **({"dtype": np.float32} if takes_dtype else {}))
    dtype = next(iter(ours.parameters())).data.dtype
    torch.manual_seed(0)
    theirs = build_convnet(torch.nn).to(getattr(torch, dtype.name))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    images = np.random.default_rng(0).standard_normal((batch, 1, side, side)).astype(dtype)
    return {"ours": forward_backward(ours, Tensor(images)),
            "torch": forward_backward(theirs, torch.from_numpy(images))}


def conv_row(sizes: Sizes, torch: Any) -> GoalRow:
    import nn

    side, batch = sizes.conv_side, sizes.conv_batch
    workload = (f"Conv2d(1, 16, 3), ReLU, Conv2d(16, 32, 3) on {batch}x1x{side}x{side}: "
                "forward + backward")
    if not hasattr(nn, "Conv2d"):
        print(f"{UNAVAILABLE}: the Conv2d row is not measured")
        return GoalRow(workload, None, "PyTorch", None, GOAL, note=UNAVAILABLE, key="conv")
    if torch is None:
        return GoalRow(workload, None, "PyTorch", None, GOAL, note=f"PyTorch {MISSING}",
                       key="conv")
    steps = conv_steps(torch, batch, side)
    losses = {engine: step() for engine, step in steps.items()}
    if not np.isclose(losses["ours"], losses["torch"], rtol=1e-3, atol=1e-3):
        raise AssertionError(f"Conv2d: the engines' losses disagree: {losses}")
    times = interleaved(steps, sizes.conv_rounds, calls=sizes.conv_calls, warmup=1)
    return GoalRow(workload, times["ours"], "PyTorch", times["torch"], GOAL, key="conv",
                   spread=times.ratio_quartiles("ours", "torch"))
