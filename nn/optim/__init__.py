"""nn.optim: optimizers with PyTorch's update formulas, parameter groups and state
dicts (``optimizer.py``, ``algorithms.py``), and learning-rate schedules
(``nn.optim.lr_scheduler``)."""

from . import lr_scheduler
from .algorithms import OPTIMIZERS, SGD, Adam, AdamW, RMSprop, get_optimizer
from .optimizer import Optimizer

__all__ = ["OPTIMIZERS", "SGD", "Adam", "AdamW", "Optimizer", "RMSprop", "get_optimizer",
           "lr_scheduler"]
