"""autograd: reverse-mode automatic differentiation for scalars (Value) and arrays (Tensor).

Both node types share one graph mechanism (``graph.py``): every operation records its
inputs and a local backward rule, and ``backward()`` walks the graph in reverse
topological order applying the chain rule.
"""

from .animate import animate_backward
from .draw import draw_graph
from .explain import explain_backward
from .gradcheck import GradcheckError, gradcheck
from .graph import current_scope, grad, is_grad_enabled, name_scope, no_grad
from .tensor import Tensor
from .tensor_functions import concatenate, maximum, stack, where
from .value import Value

__all__ = [
    "GradcheckError", "Tensor", "Value", "animate_backward", "concatenate", "current_scope",
    "draw_graph", "explain_backward", "grad", "gradcheck", "is_grad_enabled", "maximum",
    "name_scope", "no_grad", "stack", "where",
]
__version__ = "0.1.0"
