"""English catalog: What the comparison helpers say about a learner's value: its type and shape, its values, inputs
changed in place, expected exceptions, gradient checks (grader/checks/compare.py, diagnose.py,
gradients.py, contract.py), with the short names of their diagnoses.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- shapes and types ----------------------------------------------------------------------
    "value.none": (
        "{name} is None. The placeholder `None` between ### START CODE HERE ### and "
        "### END CODE HERE ### is still there: replace it with your computation."
    ),
    "value.not_array": "{name} should be a numpy array of shape {want_shape}; received {got_type}.",
    "value.list": (
        "{name} is a Python {got_type}, expected a numpy array of shape {want_shape}. "
        "Build it with numpy operations (or wrap it in np.array(...))."
    ),
    "value.subclass": (
        "{name} is a {got_type}, expected a plain numpy ndarray. Return np.asarray(...) of your result."
    ),
    "value.not_scalar": "{name} should be a single number (a scalar); received {got}.",
    "value.array_of_dtype": "an array of dtype {dtype}",
    "value.long_integer": "{start}... (an integer of {digits} digits)",
    "value.array_summary": "<array of shape {shape}, dtype {dtype}>",
    "value.not_reduced": (
        "Likely mistake: the values were not added up into one number. Sum them with np.sum(...) "
        "(or np.dot for a sum of products)."
    ),
    "value.one_by_one": (
        "{name} is an array of shape {got_shape}, expected a scalar. Likely mistake: np.dot of a row "
        "and a column returns a (1, 1) array; turn it into a number with np.squeeze({name}) or float({name})."
    ),
    "value.not_float": (
        "{name} is {got} of type {got_type}; the exercise asks for a float. Write 0.0 rather than 0 "
        "(or float(...))."
    ),
    "value.huge_int": (
        "{name} is the integer {got}, beyond the range of any float (about 1.8e308 either way): no result of "
        "this function can be that large. Check what your function returns."
    ),
    "shape.mismatch": "{name} has the wrong shape.\n  expected: shape {want_shape}\n  received: shape {got_shape}",
    "shape.rank1": (
        "Likely mistake: a rank-1 array. Shape {got_shape} has a single axis, so it is neither a row nor a "
        "column and .T does nothing to it. Keep 2-D shapes: create it as {want_shape} "
        "(e.g. np.zeros((n, 1))) or use .reshape{want_shape_r}."
    ),
    "shape.transpose": (
        "Likely mistake: a transpose. You returned a {got_shape} array where a {want_shape} one is expected "
        "(a row instead of a column, or the reverse). Check the target shape of your reshape, and the order "
        "of the factors in np.dot (e.g. np.dot(X, dZ.T), not np.dot(dZ, X.T))."
    ),
    "shape.transpose_value": "Your values are right once transposed: only the orientation is off.",
    "shape.broadcast": (
        "Likely mistake: an accidental broadcast, or a square array. A ({m}, {m}) array came back where "
        "{want_shape} is expected: either a (1, {m}) and a ({m}, 1) array were combined element-wise (numpy "
        "broadcast them to ({m}, {m}): check where you used .T), or it was created square "
        "(np.zeros((n, n)) instead of np.zeros((n, 1)))."
    ),
    "shape.extra_values": (
        "Your result has {got_size} values where {want_size} are expected. Print the shapes of the intermediate "
        "arrays to see where the extra ones come from."
    ),
    "shape.extra_dims": (
        "Likely mistake: your result has {got_size} values where {want_size} are expected; an operation "
        "broadcast two arrays of different shapes. Print the shapes of the intermediate arrays."
    ),
    "dtype.integer": (
        "{name} has integer dtype {got_dtype} but must hold real numbers. Likely mistake: np.zeros(..., "
        "dtype=int) or integer arithmetic; use float arrays (np.zeros's default dtype is float)."
    ),
    # -- values --------------------------------------------------------------------------------
    "values.mismatch": (
        "{name} has the right shape but wrong values.\n  expected: {want}\n  received: {got}\n"
        "  largest difference at index {index}: expected {want_at}, received {got_at}"
    ),
    "scalar.mismatch": "{name} is wrong.\n  expected: {want}\n  received: {got}",
    "values.mismatch_hidden": (
        "{name} has the right shape but wrong values: {wrong} of {size} entries are off.\n  received: {got}\n"
        "  the largest error is at index {index}, where you have {got_at}: off by about {error}\n"
        "(This check's inputs are hidden and so are its expected values; the public check of this function "
        "shows expected values on an example.)"
    ),
    "scalar.mismatch_hidden": (
        "{name} is wrong.\n  received: {got}\n  off by about {error}\n"
        "(This check's inputs are hidden and so is its expected value; the public check of this function "
        "shows one on an example.)"
    ),
    "scalar.off_relative": "{percent}% of the expected value",
    "shape.size_for_size": (
        "Likely mistake: one size of the problem used for another. Axis {axis} has {got} entries where {want} are "
        "expected: {got} is {read_got}, and {want} is {read_want}."
    ),
    "shape.size_not_one": (
        "Likely mistake: a size taken from another array. Axis {axis} has {got} entries where 1 is expected, and "
        "{got} is {read_got}: the array got that size from another one (its shape copied, or a broadcast with it)."
    ),
    "values.sign": (
        "Likely mistake: a sign error. Your values are exactly the negative of the expected ones; "
        "check A - Y versus Y - A, and w - alpha * dw in the update."
    ),
    "values.factor_m": (
        "Likely mistake: a missing 1/m. Your values are {factor:g} times the expected ones, and "
        "m = {m} is the number of examples: average over the examples (multiply by 1/m, or use np.mean)."
    ),
    "values.over_m": (
        "Likely mistake: divided by m twice. Your values are 1/{m} of the expected ones (m = {m} examples)."
    ),
    "values.factor": "Your values are {factor:g} times the expected ones: a constant factor is off.",
    "values.factor_size": (
        "Likely mistake: a division or multiplication by {size} missing, doubled or misplaced. Your values are "
        "{factor:g} times the expected ones, and {size} is {read}, a size of this problem."
    ),
    "values.factor_two": (
        "Likely mistake: a factor of 2 missing or doubled. Your values are {factor:g} times the expected ones: "
        "look for a 1/2 convention (the 1/2 of a squared error or of L2 regularization) or the 2 of a "
        "derivative of a square."
    ),
    "values.factor_ratio": (
        "Likely mistake: a division by {b} where {a} belongs (or a product with {a} where {b} belongs). Your values "
        "are {factor:g} = {a}/{b} times the expected ones; {a} is {read_a} and {b} is {read_b}, two sizes of this "
        "problem."
    ),
    "values.factor_varies": (
        "Your values are {factor:g} times the expected ones here, but the checks of this function saw different "
        "factors ({seen}): no single constant is off. The factor follows the inputs: look for a size of the "
        "problem or a value computed from the inputs that multiplies or divides your result."
    ),
    "values.integer_division": (
        "Likely mistake: integer (floor) division. Your values are the expected ones rounded down to whole "
        "numbers; use / rather than //, and float arrays."
    ),
    "values.nonfinite": (
        "{name} contains {what} ({count} of {size} values) although every expected value is finite."
    ),
    "values.nonfinite_hint": "Likely mistake: {fix}",
    "values.nan_and_inf": "NaN and inf",
    "values.transposed_square": (
        "Your values match the expected ones transposed: rows and columns are swapped (wrong axis?)."
    ),
    "mutation.inplace": (
        "{function} modified its input {arg} in place: {change}. The caller's data must not change: "
        "compute a new array (x = x / n, not x /= n) or work on a copy (x.copy())."
    ),
    "mutation.changed_at": "{arg}{index} was {before} before the call and {after} after it",
    "mutation.changed": "it was {before} before the call and {after} after it",
    "length.mismatch": "{name} has {got} entries, expected {want}.",
    "keys.missing": "{name} is missing the key(s) {missing}; expected keys: {want}.",
    "keys.type": "{name} should be a dict with keys {want}; received {got_type}.",
    "tuple.mismatch": (
        "{function} should return {want} values ({names}); received {got}."
    ),
    "tuple.single": "a single {got_type}",
    "tuple.single_array": "a single array of shape {shape}",
    # -- expected exceptions -------------------------------------------------------------------
    "raises.none": "{call} returned {got}; it should raise {want}. {why}",
    "raises.other": "{call} raised {got}: {message}; it should raise {want}. {why}",
    "raises.assert": (
        "Write `raise {want}(\"...\")`: an assert raises AssertionError, which callers catching {want} would miss."
    ),
    # -- gradient checking ---------------------------------------------------------------------
    "gradient.mismatch": (
        "{name} fails the numeric gradient check: relative error {error:.2g} (threshold {threshold:.0e}; "
        "below 1e-7 is excellent, above 1e-2 means the gradient is wrong). {bad} of {size} entries are off; "
        "the worst is at index {index}: your analytic gradient {analytic}, the centred-difference estimate "
        "{numeric}. Re-derive {name} with the chain rule, one step at a time from the output back."
    ),
    "gradient.mismatch_hidden": (
        "{name} fails the numeric gradient check: relative error {error:.2g} (threshold {threshold:.0e}; "
        "below 1e-7 is excellent, above 1e-2 means the gradient is wrong). {bad} of {size} entries are off; "
        "the worst is at index {index}, where your analytic gradient is {analytic}. Re-derive {name} with the "
        "chain rule, one step at a time from the output back."
    ),
    # -- the structure a learner's value must have before the grader computes with it ----------
    "contract.extra_keys": (
        "{name} has the key(s) {extra}, which it should not have: expected exactly the keys {want}."
    ),
    "contract.unusable": (
        "{name} could not be used to go on with this check ({error_type} when the grader computed with it). "
        "Compare its type, shape and values with what the function's docstring asks for."
    ),
    # -- short names of the diagnoses, as the class report lists them --------------------------
    "diagnosis.shape.rank1": "a rank-1 array",
    "diagnosis.shape.transpose": "a transpose",
    "diagnosis.shape.broadcast": "an accidental broadcast, or a square array",
    "diagnosis.shape.extra_dims": "more values than expected (two shapes broadcast together)",
    "diagnosis.shape.extra_values": "more values than expected",
    "diagnosis.dtype.integer": "np.zeros(..., dtype=int) or integer arithmetic",
    "diagnosis.value.one_by_one": "np.dot of a row and a column returns a (1, 1) array",
    "diagnosis.value.not_reduced": "the values were not added up into one number",
    "diagnosis.values.sign": "a sign error",
    "diagnosis.values.factor_m": "a missing 1/m",
    "diagnosis.values.over_m": "divided by m twice",
    "diagnosis.shape.size_for_size": "one size of the problem used for another",
    "diagnosis.shape.size_not_one": "a size taken from another array",
    "diagnosis.values.factor": "a constant factor is off",
    "diagnosis.values.factor_size": "a division or multiplication by a size of the problem",
    "diagnosis.values.factor_two": "a factor of 2 missing or doubled",
    "diagnosis.values.factor_ratio": "one size of the problem used for another",
    "diagnosis.values.factor_varies": "off by a factor that follows the inputs",
    "diagnosis.values.integer_division": "integer (floor) division",
    "diagnosis.values.transposed_square": "rows and columns swapped (a wrong axis)",
    "diagnosis.values.nonfinite": "NaN or inf in the result",
    "diagnosis.mutation.inplace": "an input modified in place",
    "diagnosis.raises.assert": "assert where an exception should be raised",
}
