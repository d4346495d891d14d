"""autograd: reverse-mode automatic differentiation for scalars (Value) and arrays (Tensor).

Both node types share one graph mechanism (``graph.py``) and one op table (``ops/``):
every operation records its inputs and its ``Op``, whose forward rule stands beside
one vector-Jacobian product per input, written with differentiable operations; so
``backward()`` walks the graph in reverse topological order applying the chain rule,
and ``grad(..., create_graph=True)`` records that walk to differentiate it again.
"""

from . import conv, functional
from .animate import animate_backward
from .draw import draw_graph
from .explain import explain_backward
from .function import Function
from .fused import linear, softmax_cross_entropy, weighted_sum
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import current_scope, grad, is_grad_enabled, name_scope, no_grad
from .tensor import Tensor
from .tensor_functions import concatenate, maximum, minimum, stack, where
from .tensor_inplace import increment_version
from .value import Value

__all__ = [
    "Function", "GradcheckError", "Tensor", "Value", "animate_backward", "concatenate",
    "conv", "current_scope", "draw_graph", "explain_backward", "functional", "grad",
    "gradcheck", "gradgradcheck", "increment_version", "is_grad_enabled", "linear",
    "maximum", "minimum", "name_scope", "no_grad", "softmax_cross_entropy", "stack",
    "weighted_sum", "where",
]
__version__ = "0.2.0"
