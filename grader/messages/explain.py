"""English catalog: explanations written from what the grader observed, not from a list of known
mistakes: the learner's line that raised and the shapes on it (grader/checks/failing_line.py), the
first line whose value goes wrong (grader/checks/first_wrong.py), and the rule-based near misses of a
wrong shape or a wrong tuple (grader/checks/near_miss.py), with the short names of their diagnoses.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- the line that raised ------------------------------------------------------------------
    "line.where": "Line {line}, in {function}:  {text}",
    "line.value_number": "{expr} = {value}",
    "line.item_sequence": "a {kind} of {size}",
    "line.item_array": "an array {shape}",
    "line.dot": (
        "{operation}: {a} is {a_shape} and {b} is {b_shape}. A matrix product pairs the columns of its "
        "first factor with the rows of its second: {a_columns} columns against {b_rows} rows do not match."
    ),
    "line.dot_fits": "With the same two arrays, these products fit (keep the one your formula writes):",
    "line.dot_fit": "    {expression} gives shape {shape}",
    "line.dot_none_fits": (
        "No order or transpose of these two arrays makes a product: one of them is not the array the "
        "formula needs (print its shape where you compute it)."
    ),
    "line.dot_blocks": (
        "{operation}: {a} is {a_shape} and {b} is {b_shape}. With an array of {axes} axes, np.dot pairs its last "
        "axis ({a_last}) with the first axis of the other ({b_rows}): they do not match."
    ),
    "line.dot_blocks_reshape": (
        "{a} holds {n} examples of {block} numbers each: flatten it to ({n}, {block}) first, with "
        "{a}.reshape({a}.shape[0], -1)."
    ),
    "line.broadcast": (
        "{operation}: {a} is {a_shape} and {b} is {b_shape}. An element-wise operation pairs the axes from "
        "the last one, and each pair must be equal or 1: here axis {axis} has {a_size} in {a} and {b_size} in "
        "{b}, so numpy cannot combine them."
    ),
    "line.broadcast_transposed": "{b} is {a} turned around: {b}.T has shape {a_shape}. One of them is transposed.",
    "line.broadcast_rank1": (
        "{a} is a rank-1 array {a_shape}: keep it 2-D, e.g. {a}.reshape(-1, 1) for a ({n}, 1) column that "
        "stretches across the other's columns."
    ),
    "line.broadcast_product": (
        "If the formula asks for a matrix product here, write np.dot({a}, {b}) (shape {shape}): `*` multiplies "
        "entry by entry."
    ),
    "line.inplace_operands": (
        "{target} {operator}= {value}: {target} is {target_shape} and {value} is {value_shape}; an in-place "
        "operation needs the right side to fit the shape of what it updates."
    ),
    "line.inplace_column": (
        "{array} is {shape}: {target} is one of its rows; the right side has {rows} numbers, as a column has. "
        "The column is {column}."
    ),
    "line.broadcast_inplace": (
        "{target} {operator}= ...: the result would have shape {result_shape}, but an in-place operation keeps "
        "{target}'s shape {target_shape}. Write {target} = {target} {operator} ... (or fix the other operand's "
        "shape)."
    ),
    "line.unpack_array": (
        "{value} is an array of shape {shape}, not a tuple: unpacking it into {count} names ({targets}) would "
        "take its {rows} rows one by one. It is probably another part of a tuple than the one you meant: check "
        "what was stored in {value}, and in which order."
    ),
    "line.unpack_sequence": (
        "{value} is a {kind} of {size} ({items}), and the line unpacks it into {count} names: {targets}."
    ),
    "line.unpack_nested": (
        "Item {index} of {value} is a {kind} of {count}: the names may belong to that one ({value}[{index}])."
    ),
    "line.unpack_count": (
        "The right-hand side gives {got} values and the line unpacks it into {count} names: {targets}. "
        "Check how many values it returns, and in which order."
    ),
    "line.unpack_number": (
        "{value} is one number ({kind}), and one number cannot be split into {count} names ({targets})."
    ),
    "line.unpack_flat_index": (
        "np.{function} gives one index into the array read as flat, not one index per axis: "
        "np.unravel_index(np.{function}(a), a.shape) turns it into (row, column)."
    ),
    "line.unpack_more": "more than {count}",
    "line.unpack_none": (
        "{value} is None, so there is nothing to unpack: the function that produced it may have no return "
        "statement (or return nothing on this path)."
    ),
    "line.key": "{container} has no key {key}. Its keys: {keys}.",
    "line.key_zero": (
        "Its numbered keys start at {first}: {key} would be layer 0, the input, which has no parameters. A loop "
        "over the layers starts at 1 (range(1, L + 1))."
    ),
    "line.key_past": (
        "Its numbered keys stop at {last}: {key} is one layer past the last, so the loop goes one step too far "
        "(or its count of layers is too large)."
    ),
    "line.key_prefix": (
        "None of its keys starts with {prefix!r}: is this the dict you meant to read?"
    ),
    "line.index": (
        "{container} has {size} entries (indices 0 to {last}), and the index {index} is {value}."
    ),
    "line.index_axis": (
        "{container} is {shape}: {container}[{index}] picks along axis {axis}, whose size is {size}, but "
        "{index} holds {value}."
    ),
    "line.index_axis_fits": "Axis {other} has size {other_size}: to pick along it, write {picked}.",
    "line.element_sequence": (
        "{target} is one entry of an array, so the value stored there must be one number; on the right, nothing "
        "reduces {arrays} to one number. Pick the one entry you need (an index), or sum what should be summed."
    ),
    "line.value_array": "{expr} {shape}",
    "line.index_past": (
        "That is one past the end: Python counts from 0, so the last entry is {container}[{last}] "
        "(or {container}[-1]). Check where the loop's range starts and stops."
    ),
    "line.index_far": "That is beyond the end: check where the loop's range stops.",
    "line.text_number": "{a} is text and {b} is {value}, a number: write {a} + str({b}).",
    "line.loop_values": "At that moment: {values}.",
    "line.values": "On that line: {values}.",
    "line.value_none": "{expr} is None",
    "line.value_is": "{expr} is {what}",
    "line.origin": "{name} was set on line {line}:  {text}",
    "line.origin_loop": "{name} comes from the loop on line {line}:  {text}",
    "line.origin_pass": "{name} was set on line {line}, on an earlier pass of the loop:  {text}",
    "line.origin_none": (
        "{name} was set on line {line}:  {text}\n{method} changes its object in place and returns None, so this "
        "line makes {name} None. Call it on its own line, without assigning its result."
    ),
    "line.call_values": "This call got {values}.",
    "line.condition": "{test} (on line {line})",
    "line.never_set": "No line of this function sets {name}: define it (or read it from the arguments) before this line.",
    "line.set_only_if": (
        "{name} is set only on line(s) {lines}, under {conditions}: on this call none of them ran, so {name} has no "
        "value here. Check those conditions against the values this call gets."
    ),
    "line.set_later": "{name} is set only on line(s) {lines}, after this line ran.",
    # -- the first value that goes wrong (a traced re-run of the failed call) ----------------------
    "trace.first_wrong": (
        "Traced on this check's inputs, your {function} computes {matched} as expected; {name} on {where} is "
        "the first value that matches nothing the expected computation makes:\n    {text}"
    ),
    "trace.first_wrong_alone": (
        "Traced on this check's inputs, {name} on {where} of your {function} is the first value that matches "
        "nothing the expected computation makes:\n    {text}"
    ),
    "trace.returned": "the value returned",
    "trace.where_line": "line {line}",
    "trace.where_helper": "line {line}, in {helper} (called on line {from_line})",
    "trace.loop": "At that moment: {values}.",
    "trace.loop_again": "It goes wrong when {values}; the earlier passes through that line were right.",
    "trace.shape": "Expected shape {want_shape}, got {got_shape}.",
    "trace.transposed": "It holds the expected values, transposed: shape {got_shape} where {want_shape} is expected.",
    "trace.sign": "It has the expected values with the opposite sign.",
    "trace.factor": "Its values are the expected ones times {factor}, on every entry.",
    "trace.factor_said": "Its values are the expected ones times {factor}: the factor said above starts here.",
    "trace.factor_size": (
        "Its values are the expected ones times {factor}: {size} is {read}, a size of the problem, so a division "
        "or multiplication by it is missing, doubled or in the wrong place."
    ),
    "trace.factor_two": (
        "Its values are the expected ones times {factor}: a factor of 2 (or 1/2) is missing or doubled, as in "
        "a 1/2 convention or a derivative."
    ),
    "trace.nonfinite_first": "{what} first appears in {name} on {where}:\n    {text}",
    "trace.nonfinite_overflow": (
        "That is an overflow: np.exp of a number above about 709 is inf (and inf / inf is NaN); this line reads "
        "numbers up to {largest}."
    ),
    "trace.nonfinite_big": (
        "That is an overflow: the result is beyond the largest float (about 1.8e308); this line reads numbers "
        "as large as {largest}."
    ),
    "trace.nonfinite_zero_division": "{zero} holds 0 and this line divides by it: x / 0 is inf, and 0 / 0 is NaN.",
    "trace.nonfinite_log_zero": "{zero} holds 0, and np.log(0) is -inf.",
    "trace.nonfinite_negative": (
        "{negative} holds negative numbers, and the square root, log or fractional power of a negative number "
        "is NaN."
    ),
    "trace.nonfinite_underflow_here": (
        "np.exp of a number below about -745 is exactly 0, and this line reads numbers down to {smallest}: a sum "
        "of such zeros is 0, and 0 / 0 is NaN. That is an underflow, not an overflow."
    ),
    "trace.nonfinite_underflow": (
        "The 0 comes from {where}, {text}: np.exp of a number below about -745 is exactly 0, and that line "
        "reads numbers down to {smallest}. That is an underflow, not an overflow."
    ),
    "trace.factor_ratio": (
        "Its values are the expected ones times {factor} = {a}/{b}: {a} is {read_a} and {b} is {read_b}, so it "
        "divides by {b} where {a} belongs (or multiplies by {a} where {b} belongs)."
    ),
    "trace.differs": (
        "Same shape {shape}; {wrong} of its {size} entries differ (the largest difference is about {error})."
    ),
    "trace.no_counterpart": "Its shape is {got_shape}.",
    "trace.self_product": "{shape} is what {name} {name_shape} gives times its own transpose.",
    "trace.fits": "With the arrays this line reads, {expressions} has the expected shape {want_shape}.",
    "trace.axis": (
        "That is {name} summed over axis {other}; summed over axis {axis} (keepdims=True) it has the expected shape "
        "{want_shape}: check the axis of the sum or mean."
    ),
    "trace.keepdims": (
        "{name} summed over axis {axis} without keepdims=True gives the rank-1 shape {got_shape}; keepdims=True "
        "keeps the expected {want_shape}."
    ),
    "trace.all_axes": (
        "That is {name} summed over every axis; summed over axis {axis} only (keepdims=True) it has the expected "
        "shape {want_shape}."
    ),
    "trace.order": (
        "Your {function} returns the right values, in another order: {moves}. Return them in the order the "
        "exercise asks for."
    ),
    "trace.order_move": "item {got} holds what belongs in item {want}",
    "trace.order_line": "Your return is on line {line}:  {text}",
    "diagnosis.trace.order": "the right values returned in another order",
    "diagnosis.line.dot": "a matrix product of arrays whose shapes do not align",
    "diagnosis.line.broadcast": "an element-wise operation on shapes that do not broadcast",
    "diagnosis.line.broadcast_inplace": "an in-place operation whose result would change the array's shape",
    "diagnosis.line.unpack_array": "an array unpacked as if it were a tuple",
    "diagnosis.line.unpack_sequence": "a tuple unpacked into the wrong number of names",
    "diagnosis.line.unpack_count": "a result unpacked into the wrong number of names",
    "diagnosis.line.unpack_none": "None unpacked (a function that returns nothing)",
    "diagnosis.line.key": "a key that the dict does not have",
    "diagnosis.line.index": "an index past the end of a list or array",
    "diagnosis.line.unpack_number": "one number unpacked into several names",
    "diagnosis.line.inplace_operands": "an in-place update with a value of another shape",
    "diagnosis.line.dot_blocks": "a matrix product of an array that was not flattened",
    "diagnosis.line.index_axis": "indexes that pick along the wrong axis",
    "diagnosis.line.element_sequence": "an array stored into one entry of an array",
    "diagnosis.line.text_number": "text joined with a number",
}
