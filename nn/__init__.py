"""nn: neural networks built only on autograd's public API.

Two families share one ``Module`` base: the scalar family (``Neuron``, ``Layer``,
``MLP``: one Value per number, the tutorials' picture) and the Tensor family
(``Linear``, ``Sequential``, ``ModuleList``, activation modules, ``Dropout``), plus
``nn.init``, losses (``nn.functional`` and modules), ``nn.optim`` (with
``nn.optim.lr_scheduler``), ``nn.utils`` (gradient clipping), ``nn.data`` (with
``DataLoader``), ``nn.metrics``, files (``save`` / ``load``), the Keras-style
``nn.fit`` / ``nn.evaluate`` with ``nn.callbacks``, ``nn.summary`` and ``nn.interop``
(to and from PyTorch).
"""

from . import callbacks, data, functional, init, interop, metrics, optim, progress, utils
from .activations import (
    Identity,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from .containers import ModuleList
from .init import manual_seed
from .layers import Dropout, Flatten, Linear, Sequential
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HingeLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SSELoss,
)
from .module import Module
from .scalar import MLP, Layer, Neuron
from .serialization import load, save
from .summary import summary
from .training import History, evaluate, fit, predict

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "Dropout", "Flatten", "HingeLoss",
    "History", "Identity", "L1Loss", "Layer", "LeakyReLU", "Linear", "LogSoftmax", "MLP",
    "MSELoss", "Module", "ModuleList", "NLLLoss", "Neuron", "ReLU", "SSELoss", "Sequential",
    "Sigmoid", "Softmax", "Softplus", "Softsign", "Tanh", "callbacks", "data", "evaluate",
    "fit", "functional", "init", "interop", "load", "manual_seed", "metrics", "optim",
    "predict", "progress", "save", "summary", "utils",
]
# --- convolution, pooling, normalisation, embeddings, GELU/SiLU/ELU -----------------------
from .activations import ELU, GELU, SiLU  # noqa: E402
from .conv import Conv1d, Conv2d  # noqa: E402
from .embedding import Embedding  # noqa: E402
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm  # noqa: E402
from .pooling import AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d  # noqa: E402

__all__ += ["AvgPool1d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d", "Conv1d", "Conv2d", "ELU",
            "Embedding", "GELU", "LayerNorm", "MaxPool1d", "MaxPool2d", "SiLU"]
