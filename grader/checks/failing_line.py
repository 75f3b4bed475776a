"""Explain a crash from the line that raised and the shapes on it, by numpy's own rules.

The worker reports the learner's line that raised, the expression on it that failed and sketches
of the values it names (grader/sandbox/sketches.py). From those, and the exception, this module
writes what a teacher would say at the learner's side: the line, the operands' shapes, the rule
the operation follows, and what would fit — a product whose factors do not align, arrays that do
not broadcast, a tuple unpacked into the wrong names, a key or an index a loop went past. Nothing
here knows a particular exercise or mistake: every sentence follows from the shapes and the rule.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from grader.checks.context import diagnosis
from grader.messages import say
from grader.sandbox.failing_line import parse_expression, parse_statement

if TYPE_CHECKING:
    from grader.sandbox.sketches import FailingLine, Sketch

_DOT_SHAPES = re.compile(r"shapes \(([\d, ]*)\) and \(([\d, ]*)\) not aligned")
_BROADCAST_SHAPES = re.compile(r"broadcast together with shapes \(([\d, ]*)\) \(([\d, ]*)\)")
_INPLACE = re.compile(r"non-broadcastable output operand with shape \(([\d, ]*)\) doesn't match the "
                      r"broadcast shape \(([\d, ]*)\)")
_UNPACK = re.compile(r"(too many|not enough) values to unpack \(expected (\d+)(?:, got (\d+))?\)")
_NUMBERED_KEY = re.compile(r"'([A-Za-z_]+)(\d+)'")
_NOT_ITERABLE = re.compile(r"cannot unpack non-iterable (?:numpy\.)?(int64|int32|float64|float32|int|float|bool)\b")
_THREE_SHAPES = re.compile(r"broadcast together with shapes \(([\d, ]*)\) \(([\d, ]*)\) \(([\d, ]*)\)")
_AXIS_INDEX = re.compile(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)")
_PRODUCTS = ("dot", "matmul")
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@"}


def explain(error_type: str, message: str, where: FailingLine | None) -> list[str]:
    """The explanation of ``error_type: message`` raised on ``where`` (empty when there is nothing
    more to say than the exception): a located diagnosis first, then the line itself."""
    if where is None:
        return []
    failing = parse_expression(where.segment)
    statement = parse_statement(where.text)
    explained = [part for part in _explanations(error_type, message, where, failing, statement) if part]
    if not explained:
        return []
    return [say("line.where", line=where.line, function=where.function, text=where.text), *explained]


def on_the_line(where: FailingLine) -> str:
    """"On that line: W is an array (3, 5), l = 2, caches is None": what the names the line reads held."""
    shown = []
    for value in where.values:
        if not value.expr.isidentifier() or value.kind == "other":
            continue  # a module, a function: nothing to learn from its type alone
        if value.kind in ("number", "text"):
            shown.append(say("line.value_number", expr=value.expr, value=value.repr))
        elif value.kind == "none":
            shown.append(say("line.value_none", expr=value.expr))
        else:
            shown.append(say("line.value_is", expr=value.expr, what=_described(value)))
    return say("line.values", values=", ".join(shown[:6])) if shown else ""


def read_names(where: FailingLine) -> list[str]:
    """The names the failing expression reads (else the line), that hold values (not modules or functions)."""
    node = parse_expression(where.segment) or parse_statement(where.text)
    if node is None:
        return []
    if isinstance(node, ast.Subscript):
        node = node.slice  # the key or index: the container is only where it was looked up
    valued = {v.expr for v in where.values if v.expr.isidentifier() and v.kind != "other"}
    names = [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    return [n for n in dict.fromkeys(names) if n in valued]


def _explanations(error_type: str, message: str, where: FailingLine, failing: ast.expr | None,
                  statement: ast.stmt | None) -> Iterator[str]:
    if error_type == "ValueError" and isinstance(statement, ast.AugAssign) and _INPLACE.search(message):
        yield from _inplace(message, statement)
    elif error_type == "ValueError" and ("not aligned" in message or "matmul: Input operand" in message
                                         or "mismatch in its core dimension" in message):
        yield from _product(message, where, failing)
    elif error_type == "ValueError" and isinstance(statement, ast.AugAssign) and _THREE_SHAPES.search(message):
        yield from _inplace_operands(message, where, statement)
    elif error_type == "ValueError" and "could not be broadcast together" in message:
        yield from _broadcast(message, where, failing)
    elif error_type in ("ValueError", "TypeError") and ("values to unpack" in message
                                                        or "cannot unpack non-iterable" in message):
        yield from _unpack(message, where, failing, statement)
    elif error_type == "KeyError":
        yield from _key(message, where, failing)
    elif error_type == "IndexError":
        yield from _index(message, where, failing)
    elif error_type == "ValueError" and "setting an array element with a sequence" in message:
        yield from _element_sequence(where, statement)
    elif error_type == "TypeError" and "can only concatenate str" in message:
        yield from _text_number(where, failing)


# -- what the line works on --------------------------------------------------------------------


def _text(node: ast.expr) -> str:
    return ast.unparse(node)


def _shape_of(where: FailingLine, node: ast.expr) -> tuple[int, ...] | None:
    """The shape of an operand the worker sketched (``A`` or ``A.T``)."""
    found = where.value(_text(node))
    if found is not None and found.kind == "array":
        return found.shape
    if isinstance(node, ast.Attribute) and node.attr == "T":
        inner = _shape_of(where, node.value)
        return inner[::-1] if inner is not None else None
    return None


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.replace(" ", "").split(",") if n)


def _loop_values(where: FailingLine) -> str:
    """"l = 3, L = 2": the whole numbers the line names (a loop's counters)."""
    numbers = [say("line.value_number", expr=v.expr, value=v.repr) for v in where.values
               if v.kind == "number" and v.type in ("int", "int64", "int32") and v.expr.isidentifier()]
    return say("line.loop_values", values=", ".join(numbers[:4])) if numbers else ""


# -- matrix products ---------------------------------------------------------------------------


def _product_operands(failing: ast.expr | None) -> tuple[ast.expr, ast.expr] | None:
    if isinstance(failing, ast.BinOp) and isinstance(failing.op, ast.MatMult):
        return failing.left, failing.right
    if isinstance(failing, ast.Call) and isinstance(failing.func, ast.Attribute) and failing.func.attr in _PRODUCTS:
        if len(failing.args) == 2:
            return failing.args[0], failing.args[1]
        if len(failing.args) == 1 and failing.func.attr == "dot":  # a.dot(b)
            return failing.func.value, failing.args[0]
    return None


def _product(message: str, where: FailingLine, failing: ast.expr | None) -> Iterator[str]:
    operands = _product_operands(failing)
    if operands is None:
        return
    a, b = operands
    a_shape, b_shape = _shape_of(where, a), _shape_of(where, b)
    shapes = _DOT_SHAPES.search(message)
    if (a_shape is None or b_shape is None) and shapes:
        a_shape, b_shape = _numbers(shapes.group(1)), _numbers(shapes.group(2))
    if a_shape and b_shape and len(a_shape) > 2 and len(b_shape) == 2:
        yield from _product_of_blocks(failing, a, a_shape, b, b_shape)
        return
    if not a_shape or not b_shape or len(a_shape) > 2 or len(b_shape) > 2:
        return
    b_rows = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    yield diagnosis("line.dot", operation=_text(failing), a=_text(a), b=_text(b), a_shape=a_shape,
                    b_shape=b_shape, a_columns=a_shape[-1], b_rows=b_rows)
    if len(a_shape) == 2 and len(b_shape) == 2:
        fits = list(_fitting_products(_text(a), a_shape, _text(b), b_shape))
        if fits:
            yield say("line.dot_fits")
            yield from (say("line.dot_fit", expression=e, shape=s) for e, s in fits)
        else:
            yield say("line.dot_none_fits")


def _product_of_blocks(failing: ast.expr, a: ast.expr, a_shape: tuple[int, ...], b: ast.expr,
                       b_shape: tuple[int, ...]) -> Iterator[str]:
    """np.dot of an array of more than two axes: it pairs that array's last axis with the other's first."""
    yield diagnosis("line.dot_blocks", operation=_text(failing), a=_text(a), b=_text(b), a_shape=a_shape,
                    b_shape=b_shape, a_last=a_shape[-1], b_rows=b_shape[0], axes=len(a_shape))
    block = math.prod(a_shape[1:])
    if block == b_shape[0]:
        yield say("line.dot_blocks_reshape", a=_text(a), n=a_shape[0], block=block)


def _transposed(expression: str) -> str:
    return expression[:-2] if expression.endswith(".T") else f"{expression}.T"


def _fitting_products(a: str, a_shape: tuple[int, ...], b: str,
                      b_shape: tuple[int, ...]) -> Iterator[tuple[str, tuple[int, int]]]:
    """The products of the two arrays, other than the one that failed, whose shapes align (three shapes at most)."""
    seen: set[tuple[int, int]] = set()
    for expression, shape in aligned_products(b, b_shape, a, a_shape):
        if expression != f"np.dot({a}, {b})" and shape not in seen and len(seen) < 3:
            seen.add(shape)
            yield expression, shape


def aligned_products(a: str, a_shape: tuple[int, ...], b: str, b_shape: tuple[int, ...], *,
                     both_transposed: bool = False) -> Iterator[tuple[str, tuple[int, int]]]:
    """Every np.dot of two matrices whose shapes align: ``a`` then ``b``, then ``b`` then ``a``, each transposed
    or not (both at once only with ``both_transposed``: that is the transpose of another product)."""
    for first, f_shape, second, s_shape in ((a, a_shape, b, b_shape), (b, b_shape, a, a_shape)):
        for f_name, f in ((first, f_shape), (_transposed(first), f_shape[::-1])):
            for s_name, s in ((second, s_shape), (_transposed(second), s_shape[::-1])):
                if f_name != first and s_name != second and not both_transposed:
                    continue
                if f[1] == s[0]:
                    yield f"np.dot({f_name}, {s_name})", (f[0], s[1])


# -- element-wise operations -------------------------------------------------------------------


def _broadcast(message: str, where: FailingLine, failing: ast.expr | None) -> Iterator[str]:
    if not isinstance(failing, ast.BinOp):
        return
    a, b = failing.left, failing.right
    a_shape, b_shape = _shape_of(where, a), _shape_of(where, b)
    shapes = _BROADCAST_SHAPES.search(message)
    if (a_shape is None or b_shape is None) and shapes:
        a_shape, b_shape = _numbers(shapes.group(1)), _numbers(shapes.group(2))
    if a_shape is None or b_shape is None:
        return
    longest = max(len(a_shape), len(b_shape))
    clash = next(((longest - i, x, y) for i, (x, y) in enumerate(zip(reversed(a_shape), reversed(b_shape)), 1)
                  if x != y and 1 not in (x, y)), None)
    if clash is None:
        return
    a_text, b_text = _text(a), _text(b)
    yield diagnosis("line.broadcast", operation=_text(failing), a=a_text, b=b_text, a_shape=a_shape,
                    b_shape=b_shape, axis=clash[0], a_size=clash[1], b_size=clash[2])
    if len(a_shape) == 2 and a_shape == b_shape[::-1]:
        yield say("line.broadcast_transposed", a=a_text, b=b_text, a_shape=a_shape)
    for rank1, other, name in ((a_shape, b_shape, a_text), (b_shape, a_shape, b_text)):
        if len(rank1) == 1 and len(other) == 2 and other[0] == rank1[0] and other[1] != rank1[0]:
            yield say("line.broadcast_rank1", a=name, a_shape=rank1, n=rank1[0])
    if (isinstance(failing.op, ast.Mult) and len(a_shape) == 2 and len(b_shape) == 2
            and a_shape[1] == b_shape[0]):
        yield say("line.broadcast_product", a=a_text, b=b_text, shape=(a_shape[0], b_shape[1]))


def _inplace(message: str, statement: ast.AugAssign) -> Iterator[str]:
    shapes = _INPLACE.search(message)
    operator = _OPERATORS.get(type(statement.op))
    if shapes is None or operator is None:
        return
    yield diagnosis("line.broadcast_inplace", target=_text(statement.target), operator=operator,
                    result_shape=_numbers(shapes.group(2)), target_shape=_numbers(shapes.group(1)))


def _inplace_operands(message: str, where: FailingLine, statement: ast.AugAssign) -> Iterator[str]:
    """``A[j] += v`` where v's shape does not fit the part of A it updates (and what part would fit)."""
    found = _THREE_SHAPES.search(message)
    operator = _OPERATORS.get(type(statement.op))
    if found is None or operator is None:
        return
    target_shape, value_shape = _numbers(found.group(1)), _numbers(found.group(2))
    target, value = _text(statement.target), _text(statement.value)
    yield diagnosis("line.inplace_operands", target=target, operator=operator, value=value, target_shape=target_shape,
                    value_shape=value_shape)
    if isinstance(statement.target, ast.Subscript) and not isinstance(statement.target.slice, ast.Tuple):
        array = where.value(_text(statement.target.value))
        if array is not None and array.kind == "array" and array.shape and len(array.shape) == 2 \
                and (array.shape[1],) == target_shape and (array.shape[0],) == value_shape:
            column = f"{_text(statement.target.value)}[:, {_text(statement.target.slice)}]"
            yield say("line.inplace_column", array=array.expr, shape=array.shape, target=target, column=column,
                      rows=array.shape[0])


def _called(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


# -- unpacking ---------------------------------------------------------------------------------


def _described(sketch: Sketch) -> str:
    if sketch.kind == "array":
        return say("line.item_array", shape=sketch.shape)
    if sketch.kind in ("tuple", "list", "dict"):
        return say("line.item_sequence", kind=sketch.kind, size=sketch.size)
    return sketch.kind if sketch.kind != "other" else sketch.type


def _unpack(message: str, where: FailingLine, failing: ast.expr | None,
            statement: ast.stmt | None) -> Iterator[str]:
    if not isinstance(failing, (ast.Tuple, ast.List)):
        return
    targets = ", ".join(_text(t) for t in failing.elts)
    count = len(failing.elts)
    source = statement.value if isinstance(statement, ast.Assign) else statement.iter if isinstance(
        statement, ast.For) else None
    value = where.value(_text(source)) if source is not None else None
    if value is not None and value.kind == "none":
        yield diagnosis("line.unpack_none", value=value.expr)
    elif value is not None and value.kind == "array" and value.shape:
        yield diagnosis("line.unpack_array", value=value.expr, shape=value.shape, count=count,
                        targets=targets, rows=value.shape[0])
    elif value is not None and value.kind in ("tuple", "list"):
        items = ", ".join(_described(item) for item in value.items)
        yield diagnosis("line.unpack_sequence", value=value.expr, kind=value.kind, size=value.size, items=items,
                        count=count, targets=targets)
        for index, item in enumerate(value.items):
            if item.kind in ("tuple", "list") and item.size == count:
                yield say("line.unpack_nested", index=index, value=value.expr, kind=item.kind, count=count)
                break
    elif number := _NOT_ITERABLE.search(message):
        yield diagnosis("line.unpack_number", value=_text(source) if source is not None else "?", kind=number.group(1),
                        count=count, targets=targets)
        if isinstance(source, ast.Call) and _called(source) in ("argmax", "argmin"):
            yield say("line.unpack_flat_index", function=_called(source))
    else:
        found = _UNPACK.search(message)
        if found is None:
            return
        got = found.group(3) or say("line.unpack_more", count=count)
        yield diagnosis("line.unpack_count", got=got, count=count, targets=targets)


# -- keys and indices --------------------------------------------------------------------------


def _key(message: str, where: FailingLine, failing: ast.expr | None) -> Iterator[str]:
    if not isinstance(failing, ast.Subscript):
        return
    container = where.value(_text(failing.value))
    if container is None or container.kind != "dict":
        return
    key = message.strip()
    shown = ", ".join(k.strip("'\"") for k in container.keys)
    if container.size > len(container.keys):
        shown += ", ..."
    yield diagnosis("line.key", container=container.expr, key=key, keys=shown)
    numbered = _NUMBERED_KEY.fullmatch(key)
    if numbered:
        prefix, number = numbered.group(1), int(numbered.group(2))
        numbers = sorted(int(m.group(2)) for k in container.keys if (m := _NUMBERED_KEY.fullmatch(k))
                         and m.group(1) == prefix)
        if not numbers:
            yield say("line.key_prefix", prefix=prefix)
        elif number < numbers[0]:
            yield say("line.key_zero", first=f"{prefix}{numbers[0]}", key=key)
        elif number > numbers[-1] and container.size == len(container.keys):
            yield say("line.key_past", last=f"{prefix}{numbers[-1]}", key=key)
    yield _loop_values(where)


def _index(message: str, where: FailingLine, failing: ast.expr | None) -> Iterator[str]:
    if not isinstance(failing, ast.Subscript):
        return
    container, index = where.value(_text(failing.value)), where.value(_text(failing.slice))
    if container is not None and index is not None and index.kind in ("array", "list"):
        yield from _index_axis(message, container, _text(failing.slice))
        return
    if container is None or index is None or index.kind != "number":
        return
    try:
        value = int(index.repr)
    except ValueError:
        return
    if container.kind in ("list", "tuple"):
        size = container.size
    elif container.kind == "array" and container.shape:
        size = container.shape[0]
    else:
        return
    if size <= value or value < -size:
        yield diagnosis("line.index", container=container.expr, size=size, last=size - 1,
                        index=_text(failing.slice), value=value)
        yield say("line.index_past", container=container.expr, last=size - 1) if value == size else say(
            "line.index_far")
        yield _loop_values(where)


def _index_axis(message: str, container: Sketch, index: str) -> Iterator[str]:
    """An array of indexes that picks along an axis too short for it, and the axis it fits."""
    found = _AXIS_INDEX.search(message)
    if found is None or container.kind != "array" or not container.shape:
        return
    value, axis, size = (int(n) for n in found.groups())
    shape = container.shape
    if axis >= len(shape) or shape[axis] != size:
        return
    yield diagnosis("line.index_axis", container=container.expr, shape=shape, index=index, axis=axis, size=size,
                    value=value)
    fits = [k for k, n in enumerate(shape) if k != axis and -n <= value < n]
    if fits and axis == 0:
        other = fits[0]
        picked = ", ".join([":"] * other + [index])
        yield say("line.index_axis_fits", other=other, other_size=shape[other], picked=f"{container.expr}[{picked}]")


# The calls that make one number of an array (a sum, a mean...): what they read is no longer an array.
_REDUCTIONS = frozenset({"sum", "mean", "max", "min", "prod", "dot", "vdot", "trace", "norm", "std", "var", "item",
                         "amax", "amin", "argmax", "argmin", "float", "int", "len"})


def _element_sequence(where: FailingLine, statement: ast.stmt | None) -> Iterator[str]:
    """One entry of an array assigned a value that is an array: which arrays on the right stay arrays."""
    if not isinstance(statement, (ast.Assign, ast.AugAssign)):
        return
    target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
    if not isinstance(target, ast.Subscript):
        return
    arrays = [(e, sketch.shape) for e, sketch in _left_as_arrays(statement.value, where)]
    if not arrays:
        return
    shown = ", ".join(say("line.value_array", expr=e, shape=shape) for e, shape in arrays[:3])
    yield diagnosis("line.element_sequence", target=_text(target), arrays=shown)
    yield _loop_values(where)


def _left_as_arrays(node: ast.expr, where: FailingLine) -> Iterator[tuple[str, Sketch]]:
    """The arrays (of more than one number) an expression combines that no call on it reduces to a number."""
    if isinstance(node, ast.Call):
        if _called(node) in _REDUCTIONS:
            return
        for arg in node.args:
            yield from _left_as_arrays(arg, where)
        return
    if isinstance(node, (ast.Name, ast.Subscript, ast.Attribute)):
        found = where.value(_text(node))
        if found is not None and found.kind == "array" and found.shape and math.prod(found.shape) > 1:
            yield _text(node), found
        return
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            yield from _left_as_arrays(child, where)


def _text_number(where: FailingLine, failing: ast.expr | None) -> Iterator[str]:
    if not isinstance(failing, ast.BinOp) or not isinstance(failing.op, ast.Add):
        return
    a, b = where.value(_text(failing.left)), where.value(_text(failing.right))
    if a is not None and b is not None and a.kind == "text" and b.kind == "number":
        yield diagnosis("line.text_number", a=a.expr, b=b.expr, value=b.repr)

