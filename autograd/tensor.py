"""Tensor: a NumPy-backed node of the computation graph, with PyTorch's semantics.

Elementwise ops reuse the rules in ``elementwise.py``; matmul is here; reductions,
reshaping, indexing and softmax are in ``tensor_shape_ops.py``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import elementwise as ew
from .backends import array_math
from .graph import Node, make_node
from .tensor_shape_ops import ShapeOps


class Tensor(ShapeOps, Node):
    """An array that remembers how it was computed, so gradients can flow back through it.

    float64 by default; a floating NumPy array keeps its dtype, and ``dtype=np.float32``
    gives float32 end to end. ``requires_grad`` defaults to False, as in PyTorch; an op's
    result requires grad when any of its inputs does.
    """

    __slots__ = ("requires_grad", "parents")
    xp = array_math
    __array_priority__ = 1000  # ndarray <op> Tensor defers to Tensor's reflected op

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None,
                 label: str = "") -> None:
        self.data = _float_array(data, dtype, "Tensor")
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self.label = label
        self.parents = ()
        self.op = ""
        self.scope = ""
        self._backward = None
        self._ctx = None

    @classmethod
    def _from_op(cls, data: Any, parents: tuple, op: str, backward: Any,
                 ctx: Any = None) -> Tensor:
        for parent in parents:  # any(p.requires_grad ...), minus a generator per op
            if parent.requires_grad:
                break
        else:
            parents = ()
        out = make_node(cls, data, parents, op, backward, ctx)
        out.requires_grad = bool(out.parents)
        return out

    @classmethod
    def _constant(cls, array: np.ndarray) -> Tensor:
        """Wrap an array produced internally (no copy, no graph)."""
        return cls._from_op(array, (), "", None)

    # --- the engine's hooks -------------------------------------------------------

    def _fit_grad(self, grad: np.ndarray) -> np.ndarray | None:
        """Un-broadcast ``grad`` to this tensor's shape and dtype (the one place it happens);
        None when this tensor does not require grad.

        A broadcast op copies an input along new leading axes and along axes of size 1,
        so the input's gradient is the sum over those axes.
        """
        if not self.requires_grad:
            return None
        grad = np.asarray(grad)
        if grad.shape != self.data.shape:
            extra = grad.ndim - self.data.ndim
            if extra > 0:
                grad = grad.sum(axis=tuple(range(extra)))
            stretched = tuple(i for i, n in enumerate(self.data.shape)
                              if n == 1 and grad.shape[i] != 1)
            if stretched:
                grad = grad.sum(axis=stretched, keepdims=True)
            if grad.shape != self.data.shape:
                raise RuntimeError(f"autograd internal error: {self.op or 'leaf'} received a "
                                   f"gradient of shape {grad.shape} for shape {self.shape}")
        if grad.dtype != self.data.dtype:
            grad = grad.astype(self.data.dtype)
        return grad

    def _seed(self, grad: Any) -> np.ndarray:
        if grad is None:
            if self.data.size != 1:
                raise ValueError(f"backward: grad can be omitted only for a one-element "
                                 f"tensor; this one has shape {self.shape}, so pass "
                                 f"grad= an array of that shape")
            return np.ones_like(self.data)
        seed = _float_array(grad, self.data.dtype, "backward")
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
            owner = id(g if g.base is None else g.base)
            if leaf.grad is not None:
                leaf.grad = leaf.grad + g
            elif owner in taken or not g.flags.writeable:
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

    def numpy(self) -> np.ndarray:
        return self.data

    def item(self) -> float:
        if self.data.size != 1:
            raise ValueError(f"item: only a one-element tensor converts to a number, "
                             f"this one has shape {self.shape}")
        return self.data.item()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        array = self.data if dtype is None else self.data.astype(dtype)
        return array.copy() if copy else array

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

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

    # --- elementwise ops (rules shared with Value) --------------------------------

    def _unary(self, op: ew.Unary, param: Any = None) -> Tensor:
        return Tensor._from_op(op.forward(array_math, self.data, param), (self,),
                               op.symbol, ew.unary_backward, (op, param))

    def _binary(self, op: ew.Binary, other: Any, reflected: bool = False) -> Tensor:
        other = as_tensor(other, op.name, like=self)
        a, b = (other, self) if reflected else (self, other)
        try:
            data = op.forward(array_math, a.data, b.data)
        except ValueError:
            raise ValueError(f"{op.name} ({op.symbol}): shapes {a.shape} and {b.shape} "
                             "cannot be broadcast together") from None
        return Tensor._from_op(data, (a, b), op.symbol, ew.binary_backward, op)

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
            return self._unary(ew.POW_CONST, float(exponent))
        return self._binary(ew.POW, exponent)

    def __rpow__(self, base: Any) -> Tensor:
        return self._binary(ew.POW, base, reflected=True)

    def __neg__(self) -> Tensor:
        return self._unary(ew.NEG)

    def exp(self) -> Tensor:
        return self._unary(ew.EXP)

    def log(self) -> Tensor:
        return self._unary(ew.LOG)

    def sqrt(self) -> Tensor:
        return self._unary(ew.SQRT)

    def tanh(self) -> Tensor:
        return self._unary(ew.TANH)

    def sigmoid(self) -> Tensor:
        return self._unary(ew.SIGMOID)

    def relu(self) -> Tensor:
        return self._unary(ew.RELU)

    def leaky_relu(self, slope: float = 0.01) -> Tensor:
        return self._unary(ew.LEAKY_RELU, float(slope))

    def softplus(self) -> Tensor:
        return self._unary(ew.SOFTPLUS)

    def sin(self) -> Tensor:
        return self._unary(ew.SIN)

    def cos(self) -> Tensor:
        return self._unary(ew.COS)

    def abs(self) -> Tensor:
        return self._unary(ew.ABS)

    __abs__ = abs

    # --- matmul --------------------------------------------------------------------

    def __matmul__(self, other: Any) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return matmul(as_tensor(other, "matmul", like=self), self)


def matmul(a: Tensor, b: Any) -> Tensor:
    """a @ b with NumPy's rules (1-D operands, batch broadcasting).

    For C = A @ B: dL/dA = dL/dC @ B^T and dL/dB = A^T @ dL/dC.
    """
    b = as_tensor(b, "matmul", like=a)
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned")
    try:
        data = np.matmul(a.data, b.data)
    except ValueError:
        raise ValueError(f"matmul: batch shapes of {a.shape} and {b.shape} cannot be "
                         "broadcast together") from None
    return Tensor._from_op(data, (a, b), "matmul", _matmul_backward)


def _matmul_backward(out: Tensor, grad: np.ndarray) -> tuple:
    left, right = out.parents
    a, b = left.data, right.data
    if a.ndim == 1 and b.ndim == 1:  # dot product: grad is a scalar
        return grad * b, grad * a
    # Promote 1-D operands to matrices, as matmul itself does, then undo it.
    a2 = a[np.newaxis, :] if a.ndim == 1 else a
    b2 = b[:, np.newaxis] if b.ndim == 1 else b
    g2 = grad
    if a.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    if b.ndim == 1:
        g2 = np.expand_dims(g2, -1)
    grad_a = grad_b = None
    if left.requires_grad:
        grad_a = _product_laid_out_like(a2, g2, np.swapaxes(b2, -1, -2))
        grad_a = grad_a[..., 0, :] if a.ndim == 1 else grad_a
    if right.requires_grad:
        grad_b = _product_laid_out_like(b2, np.swapaxes(a2, -1, -2), g2)
        grad_b = grad_b[..., 0] if b.ndim == 1 else grad_b
    return grad_a, grad_b


def _product_laid_out_like(operand: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x @ y, in the memory order of ``operand`` (the matrix it is the gradient of).

    In ``x @ W.T`` the operand is a transposed view; computing its gradient as
    (y^T @ x^T)^T — the same numbers, in Fortran order — makes the gradient that
    reaches W contiguous, so storing and using it needs no strided copy.
    """
    if operand.ndim == 2 and operand.flags.f_contiguous and not operand.flags.c_contiguous:
        return (y.T @ x.T).T
    return x @ y


def as_tensor(x: Any, op: str, like: Tensor | None = None) -> Tensor:
    """``x`` as a Tensor: Tensors pass through; numbers take ``like``'s dtype."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Node):
        raise TypeError(f"{op}: cannot combine a Tensor with a {type(x).__name__}; "
                        "use Tensors on both sides")
    if like is not None and isinstance(x, numbers.Real) and not isinstance(x, bool):
        return Tensor._constant(np.asarray(x, dtype=like.dtype))
    return Tensor._constant(_float_array(x, None, op, copy=False))


def _float_array(data: Any, dtype: Any, op: str, copy: bool = True) -> np.ndarray:
    """A floating array from ``data``: float64 unless ``dtype`` or a float array says otherwise."""
    if isinstance(data, Node):
        data = data.data
    if dtype is not None and not np.issubdtype(np.dtype(dtype), np.floating):
        raise TypeError(f"{op}: dtype must be a floating type such as np.float32 or "
                        f"np.float64, got {np.dtype(dtype)}")
    try:
        array = np.array(data, copy=copy) if copy else np.asarray(data)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{op}: cannot make an array of {type(data).__name__} "
                        f"({error})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{op}: data must be numeric, got {type(data).__name__} "
                        f"with dtype {array.dtype}")
    target = np.dtype(dtype) if dtype is not None else (
        array.dtype if array.dtype.kind == "f" else np.dtype(np.float64))
    return array.astype(target, copy=False)
