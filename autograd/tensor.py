"""Tensor: a NumPy-backed node of the computation graph, with PyTorch's semantics.

Every op applies a record of the op table (``ops/``) through ``Tensor._apply``:
elementwise ops and matmul are here, reductions and softmax in ``tensor_reductions.py``,
reshaping and indexing in ``tensor_shape_ops.py``, comparisons and conversions in
``tensor_protocols.py``, in-place ops and the version check in ``tensor_inplace.py``,
functions of several tensors in ``tensor_functions.py``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .arguments import check_bool, check_number, float_array, number_array
from .backends import array_math, restore_numpy_errors, silence_numpy_errors
from .graph import Node, make_node
from .op import Op
from .ops import elementwise as ew
from .ops.linalg import MATMUL
from .ops.shape import SUM_TO
from .tensor_inplace import CLOCK, InPlaceOps, check_versions
from .tensor_protocols import TensorProtocols
from .tensor_reductions import Reductions
from .tensor_shape_ops import ShapeOps


class Tensor(Reductions, ShapeOps, TensorProtocols, InPlaceOps, Node):
    """An array that remembers how it was computed, so gradients can flow back through it.

    float64 by default; a floating NumPy array keeps its dtype, and ``dtype=np.float32``
    gives float32 end to end. ``requires_grad`` defaults to False, as in PyTorch; an op's
    result requires grad when any of its inputs does. Comparisons give bool Tensors and
    ``argmax``/``argmin`` int64 ones, which never require grad.
    """

    # _version: the CLOCK stamp of the latest in-place change (0: never changed);
    # _made: the CLOCK when this node was made (see tensor_inplace.py).
    __slots__ = ("requires_grad", "parents", "_params", "_version", "_made")
    xp = array_math
    _is_scalar = False
    __array_priority__ = 1000  # ndarray <op> Tensor defers to Tensor's reflected op

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None,
                 label: str = "") -> None:
        check_bool(requires_grad, "Tensor", "requires_grad")
        self.data = float_array(data, dtype, "Tensor")
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self._names = ""
        self.label = label
        self.parents = ()
        self._op = None
        self._params = ()
        self._version = 0
        self._made = CLOCK[0]

    @classmethod
    def _apply(cls, op: Op, inputs: tuple, *params: Any) -> Tensor:
        """The node of ``op`` applied to ``inputs`` (Tensors) with ``params``."""
        token = silence_numpy_errors()  # inf * 0 is nan, quietly, as in PyTorch
        try:
            if op.variadic:
                data = op.forward(array_math, [t.data for t in inputs], *params)
            elif len(inputs) == 2 and not params:  # most ops: a plain call, which costs
                data = op.forward(array_math, inputs[0].data, inputs[1].data)  # less than *()
            elif len(inputs) == 1:
                data = op.forward(array_math, inputs[0].data, *params)
            else:
                data = op.forward(array_math, *[t.data for t in inputs], *params)
        finally:
            restore_numpy_errors(token)
        if type(data) is not np.ndarray:  # a full reduction gives a NumPy scalar
            data = np.asarray(data)
        for parent in inputs:  # any(p.requires_grad ...), minus a generator per op
            if parent.requires_grad:
                break
        else:
            inputs = ()
        out = make_node(cls, data, inputs, op, params)
        out.requires_grad = bool(out.parents)
        out._version = 0
        out._made = CLOCK[0]
        return out

    @classmethod
    def _constant(cls, array: np.ndarray) -> Tensor:
        """Wrap an array produced internally (no copy, no graph)."""
        out = make_node(cls, array, (), None)
        out.requires_grad = False
        out._version = 0
        out._made = CLOCK[0]
        return out

    #: The engine calls ``_check_before_backward(order)`` before a backward pass.
    _check_before_backward = staticmethod(check_versions)

    # --- what the engine and the node backend ask of a node kind -----------------------

    @staticmethod
    def _constant_like(like: Tensor, data: Any) -> Tensor:
        if isinstance(data, Tensor):
            return data
        return Tensor._constant(np.asarray(np.broadcast_to(data, like.shape), like.dtype)
                                if np.ndim(data) == 0 else np.asarray(data))

    @staticmethod
    def _where(condition: Any, a: Any, b: Any) -> Tensor:
        from .tensor_functions import where
        return where(condition, a, b)

    @staticmethod
    def _maximum(a: Any, b: Any) -> Tensor:
        from .tensor_functions import maximum
        return maximum(a, b)

    @staticmethod
    def _minimum(a: Any, b: Any) -> Tensor:
        from .tensor_functions import minimum
        return minimum(a, b)

    def _fit_grad(self, grad: Any) -> Any:
        """Un-broadcast ``grad`` to this tensor's shape and dtype (the one place it happens);
        None when this tensor does not require grad. (The engine does not call it for an
        array that already has the shape and dtype: see ``graph._walk``.)

        A broadcast op copies an input along new leading axes and along axes of size 1,
        so the input's gradient is the sum over those axes.
        """
        if not self.requires_grad:
            return None
        data = self.data
        shape = data.shape
        if isinstance(grad, Tensor):  # create_graph: un-broadcast with a recorded op
            return grad if grad.shape == shape else Tensor._apply(SUM_TO, (grad,), shape)
        grad = array_math.sum_to(grad, shape)
        if grad.shape != shape:
            raise RuntimeError(f"autograd internal error: {self.op or 'leaf'} received a "
                               f"gradient of shape {grad.shape} for shape {self.shape}")
        return grad if grad.dtype == data.dtype else grad.astype(data.dtype)

    def _seed(self, grad: Any) -> np.ndarray:
        if grad is None:
            if self.data.size != 1:
                raise ValueError(f"backward: grad can be omitted only for a one-element "
                                 f"tensor; this one has shape {self.shape}, so pass "
                                 f"grad= an array of that shape")
            seed = np.empty(self.data.shape, self.data.dtype)
            seed.fill(1)  # np.ones, at half its cost
            return seed
        seed = float_array(grad, self.data.dtype, "backward")
        if seed.shape != self.data.shape:
            raise ValueError(f"backward: grad has shape {seed.shape} but the tensor has "
                             f"shape {self.shape}")
        return seed

    @staticmethod
    def _store_leaf_grads(leaf_grads: list[tuple[Tensor, np.ndarray]]) -> None:
        """Add each gradient into its leaf's ``.grad``, so that no two leaves share memory.

        A rule may hand one array to several inputs (``a + b`` gives both the same one),
        and sums give read-only broadcast views: those are copied. Any other gradient is
        stored as it is: copying every weight gradient of an MLP step cost more than the
        step's arithmetic (benchmarks/bench_tensor.py). It may still share memory with
        an intermediate node's ``.grad`` (W's with W.T's).
        """
        taken: set[int] = set()  # the arrays whose memory a leaf's .grad already uses
        for leaf, g in leaf_grads:
            if leaf.grad is not None:
                leaf.grad = leaf.grad + g
                continue
            owner = id(g if g.base is None else g.base)
            if owner in taken or not g.flags.writeable:
                leaf.grad = g.copy()
            else:
                leaf.grad = g
                taken.add(owner)

    # --- array-like attributes ----------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        array = self.data if dtype is None else self.data.astype(dtype)
        return array.copy() if copy else array

    def __repr__(self) -> str:
        body = np.array2string(self.data, precision=4, separator=", ", threshold=20)
        extras = "".join([
            f", dtype={self.dtype}" if self.dtype != np.float64 else "",
            f", grad_fn={self.op}" if self.parents else "",
            ", requires_grad=True" if self.requires_grad and not self.parents else "",
            f", label={self.label!r}" if self.label else "",
        ])
        return f"Tensor({body}{extras})"

    def detach(self) -> Tensor:
        """The same data, cut from the graph."""
        return Tensor._constant(self.data)

    def numpy(self) -> np.ndarray:
        return self.data

    # --- elementwise ops (rules shared with Value) --------------------------------

    def _unary(self, op: Op, *params: Any) -> Tensor:
        return Tensor._apply(op, (self,), *params)

    def _binary(self, op: Op, other: Any, reflected: bool = False) -> Tensor:
        if type(other) is not Tensor:
            other = as_tensor(other, op.name, like=self)
        a, b = (other, self) if reflected else (self, other)
        try:
            return Tensor._apply(op, (a, b))
        except ValueError:
            raise ValueError(f"{op.name} ({op.symbol}): shapes {a.shape} and {b.shape} "
                             "cannot be broadcast together") from None
        except TypeError as error:  # NumPy refuses e.g. bool - bool, as PyTorch does
            raise TypeError(f"{op.name} ({op.symbol}): not defined for {a.dtype} and "
                            f"{b.dtype} tensors ({error})") from None

    def __add__(self, other: Any) -> Tensor:
        return self._binary(ew.ADD, other)

    def __radd__(self, other: Any) -> Tensor:
        return self._binary(ew.ADD, other, reflected=True)

    def __sub__(self, other: Any) -> Tensor:
        return self._binary(ew.SUB, other)

    def __rsub__(self, other: Any) -> Tensor:
        return self._binary(ew.SUB, other, reflected=True)

    def __mul__(self, other: Any) -> Tensor:
        return self._binary(ew.MUL, other)

    def __rmul__(self, other: Any) -> Tensor:
        return self._binary(ew.MUL, other, reflected=True)

    def __truediv__(self, other: Any) -> Tensor:
        return self._binary(ew.DIV, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return self._binary(ew.DIV, other, reflected=True)

    def __pow__(self, exponent: Any) -> Tensor:
        """``t ** 2`` differentiates only the base; ``t ** u`` (a Tensor) both."""
        if isinstance(exponent, numbers.Real) and not isinstance(exponent, bool):
            return self._unary(ew.POW_NUMBER, float(exponent))
        return self._binary(ew.POW, exponent)

    def __rpow__(self, base: Any) -> Tensor:
        return self._binary(ew.POW, base, reflected=True)

    def __neg__(self) -> Tensor:
        if self.dtype == bool:
            raise TypeError("neg (-): not defined for a bool tensor; use ~ or logical_not")
        return self._unary(ew.NEG)

    def exp(self) -> Tensor:
        return self._unary(ew.EXP)

    def expm1(self) -> Tensor:
        return self._unary(ew.EXPM1)

    def log(self) -> Tensor:
        return self._unary(ew.LOG)

    def log1p(self) -> Tensor:
        return self._unary(ew.LOG1P)

    def sqrt(self) -> Tensor:
        return self._unary(ew.SQRT)

    def tanh(self) -> Tensor:
        return self._unary(ew.TANH)

    def sigmoid(self) -> Tensor:
        return self._unary(ew.SIGMOID)

    def logsigmoid(self) -> Tensor:
        return self._unary(ew.LOGSIGMOID)

    def relu(self) -> Tensor:
        return self._unary(ew.RELU)

    def leaky_relu(self, slope: float = 0.01) -> Tensor:
        return self._unary(ew.LEAKY_RELU, check_number(slope, "leaky_relu", "slope"))

    def elu(self, alpha: float = 1.0) -> Tensor:
        return self._unary(ew.ELU, check_number(alpha, "elu", "alpha"))

    def silu(self) -> Tensor:
        return self._unary(ew.SILU)

    def gelu(self, approximate: str = "none") -> Tensor:
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return self._unary(ew.GELU if approximate == "none" else ew.GELU_TANH)

    def softplus(self) -> Tensor:
        return self._unary(ew.SOFTPLUS)

    def sin(self) -> Tensor:
        return self._unary(ew.SIN)

    def cos(self) -> Tensor:
        return self._unary(ew.COS)

    def tan(self) -> Tensor:
        return self._unary(ew.TAN)

    def erf(self) -> Tensor:
        return self._unary(ew.ERF)

    def abs(self) -> Tensor:
        return self._unary(ew.ABS)

    def sign(self) -> Tensor:
        return self._unary(ew.SIGN)

    __abs__ = abs

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        """min(max(x, lo), hi); the gradient passes where lo <= x <= hi (bounds included,
        as PyTorch). Bounds are numbers; for tensor bounds use maximum/minimum."""
        if min is None and max is None:
            raise TypeError("clamp: give min=, max= or both")
        lo = -np.inf if min is None else check_number(min, "clamp", "min")
        hi = np.inf if max is None else check_number(max, "clamp", "max")
        return self._unary(ew.CLAMP, lo, hi)

    clip = clamp

    # --- matmul --------------------------------------------------------------------

    def __matmul__(self, other: Any) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return matmul(as_tensor(other, "matmul", like=self), self)


def matmul(a: Tensor, b: Any) -> Tensor:
    """a @ b with NumPy's rules (1-D operands, batch broadcasting); see ``ops/linalg.py``."""
    b = as_tensor(b, "matmul", like=a)
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned")
    try:
        return Tensor._apply(MATMUL, (a, b))
    except ValueError:
        raise ValueError(f"matmul: batch shapes of {a.shape} and {b.shape} cannot be "
                         "broadcast together") from None


def as_tensor(x: Any, op: str, like: Tensor | None = None) -> Tensor:
    """``x`` as a Tensor: Tensors pass through; numbers take ``like``'s dtype."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Node):
        raise TypeError(f"{op}: cannot combine a Tensor with a {type(x).__name__}; "
                        "use Tensors on both sides")
    if like is not None and isinstance(x, numbers.Real) and not isinstance(x, bool):
        if like.dtype.kind == "f":  # a number takes the tensor's float dtype
            return Tensor._constant(np.asarray(x, dtype=like.dtype))
        return Tensor._constant(number_array(x, op))
    return Tensor._constant(float_array(x, None, op, copy=False))
