"""The op table: every operation of the engine, forward beside its VJPs (see ``op.py``)."""

from .conv import CONV_OPS
from .elementwise import ELEMENTWISE
from .linalg import LINEAR, MATMUL
from .shape import SHAPE_OPS

#: Every op by name: what drawing, testing and error messages look ops up in.
ALL_OPS = {op.name: op for op in (*ELEMENTWISE, MATMUL, LINEAR, *SHAPE_OPS, *CONV_OPS)}
