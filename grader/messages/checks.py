"""English catalog: What the check runner says: the learner's errors and their hints, state kept between calls,
caches, grader errors, vectorization, and the notes for the instructor (grader/checks/*, grader/grading.py),
with the short names of their diagnoses.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- learner errors ------------------------------------------------------------------------
    "error.raised": "{function} raised {error_type}: {message}",
    "error.traceback": "Where it happened (your code):\n{traceback}",
    "error.stdout": "Your function printed:\n{stdout}",
    "error.stdout_cut": "... (the rest of the output was dropped)",
    "error.not_found": (
        "{function} was not found in your files (looked for: {names}). Define it with exactly this name; "
        "grading continues with the other functions."
    ),
    "advice.matrix": (
        "{function} returned a numpy.matrix ({parts}); it was graded as the 2-d array it holds. Use plain "
        "arrays (np.array, np.dot or @): np.matrix is deprecated, and for it * is a matrix product, not "
        "an element-wise one."
    ),
    # -- state between calls, caches, grader errors (the check runner) -------------------------
    "state.stale": (
        "{function} gave exactly the same {what} to two different inputs ({inputs}) in one run, although the "
        "right values differ: its answer to the later call does not come from that call's own input."
    ),
    "state.part_whole": "answer",
    "state.part_index": "returned value number {position}",
    "state.part_key": "entry {key} of the dictionary it returns",
    "state.stale_hint": (
        "Likely mistake: a value kept between calls (a global, a default argument that is a list/dict, a cache "
        "keyed by shape or by id(...)), or an answer written for one particular input. Compute the answer from "
        "the arguments of each call, every time."
    ),
    "state.inputs_same_shapes": "arrays of the same shapes, other values",
    "state.inputs_sizes": "inputs of other sizes",
    "state.keyed_on_id": (
        "{function} keeps values keyed on id(...) of its input. Python gives the id of an array that is gone to "
        "the next new one, so a later, different input gets the answer kept for an earlier one (in a notebook, "
        "running a cell again is enough)."
    ),
    "diagnosis.state.stale": "a value kept between calls (a global, a mutable default, a cache)",
    "cache.own_used": (
        "(Graded with the cache your own {forward} returned, since your {backward} raised an error with the "
        "template's cache layout.)"
    ),
    "check.grader_error": (
        "The grader could not run this check: its own code raised {error_type}. This is not your mistake. "
        "Tell your instructor, naming the check {check} (seed {seed}); its {points:g} point(s) could not be "
        "graded, so your total is incomplete until your work is graded again."
    ),
    "check.grader_error_collection": (
        "The grader could not load this check: its check file raised {error_type}. This is not your mistake. "
        "Tell your instructor, naming the check {check}; its {points:g} point(s) could not be graded, so your "
        "total is incomplete until your work is graded again."
    ),
    "note.grader_error": (
        "grader error in {check} ({function}, {points:g} point(s) not graded, seed {seed}): {error}"
    ),
    "note.grader_error_collection": (
        "grader error: {path} could not be loaded ({error}); its {count} check(s) ({points:g} point(s)) were "
        "not graded"
    ),
    "note.grader_error_unread": (
        "grader error: {path} could not be loaded ({error}) nor read for its checks: an unknown number of points "
        "is missing from the total"
    ),
    "note.more": "... and {count} more notes of this kind",
    "note.protocol": "the submission {reason}{times}",
    "note.borrowed": (
        "uses {names} from {source} without importing it: the files were graded as one namespace, as the "
        "cells of one notebook run (in a .py file of its own, import what it uses)"
    ),
    "error.unparsed": (
        "{function} could not be graded: {where}. Python stops reading a definition at its first syntax "
        "error, so the whole function was skipped; fix that line (the rest of your file was graded)."
    ),
    "error.not_implemented": (
        "{function} is still the starter stub (NotImplementedError): replace the lines `# YOUR CODE HERE` and "
        "`raise NotImplementedError(...)` with your code."
    ),
    "error.stub": "Replace this line with your code.",
    "error.not_recorded": (
        "This check needs the instructor's reference solution: reference.{function} was not recorded for "
        "these inputs when this copy of the exercise was released. It is graded when you submit to your "
        "instructor; the other checks are not affected."
    ),
    "error.timeout": (
        "{function} timed out after {seconds:g} s and was stopped. Likely an infinite loop (a while loop "
        "whose condition never changes) or far too much work for a small input."
    ),
    "error.died": "{function} stopped the sandbox: it {reason}.",
    "error.memory": (
        "MemoryError usually means the code asked for more memory than the sandbox allows ({limit}): "
        "an accidental (m, m) broadcast, or an array far larger than the problem needs."
    ),
    "error.protocol": (
        "{function} could not be graded: the submission {reason}. Its code interfered with the messages "
        "between the sandbox and the grader (by writing into the grader's pipes, or by patching what the "
        "sandbox answers with); no result of this call is believed."
    ),
    "error.unsupported": (
        "{function} returned a value that cannot be graded: {message}. Return numpy arrays, numbers, "
        "and lists/tuples/dicts of them."
    ),
    "hint.math_exp": (
        "Likely mistake: math.exp (or another math function) applied to a numpy array. The math module "
        "works on single numbers only; use np.exp, which works element-wise on whole arrays."
    ),
    "hint.broadcast_keepdims": (
        "Likely mistake: a sum or norm over one axis dropped that axis, so it no longer lines up with the "
        "matrix. Pass keepdims=True (np.sum(x, axis=1, keepdims=True)) or reshape the result to (n, 1)."
    ),
    "hint.broadcast": (
        "The shapes in one operation do not line up. Print the shapes of the arrays on that line."
    ),
    "hint.dot_shapes": (
        "The inner dimensions of a matrix product do not match: in np.dot(A, B) (or A @ B), the last axis of A "
        "must have the size of the first axis of B. Print the shapes on that line; often a .T is missing or extra."
    ),
    "hint.none_placeholder": (
        "Likely mistake: a placeholder `None` is still in your code (an operation received None)."
    ),
    "hint.name_error": (
        "{function} uses the name {missing!r}, which your submission does not define. Define it (or import "
        "it) in the same file; the grader takes imports, functions and constants from every cell."
    ),
    "hint.python2_name": (
        "Likely mistake: this is Python 2 code. {name} does not exist in Python 3 (the grader runs Python 3): "
        "write {fix} instead."
    ),
    "hint.python2_division": (
        "Likely mistake: Python 2 code. In Python 3, / always gives a float, even for two integers, and a "
        "size must be an integer: write n // 2 (or int(n / 2)) where a size or an index is computed."
    ),
    "hint.python2_syntax": "Likely mistake: this is Python 2 code (the grader runs Python 3): {fix}.",
    "hint.python2_import": (
        "This is Python 2 code: the module {module!r} exists only for Python 2 (or in the `future` package, "
        "not installed here). In Python 3 remove the import: range, input and the other built-ins it "
        "provided are already there."
    ),
    "hint.sys_exit": "Your code called exit()/sys.exit(): remove it, grading needs the function to return.",
    "hint.recursion": "Your code recursed too deeply; use a loop or a vectorized expression instead.",
    # -- vectorization -------------------------------------------------------------------------
    "vector.slow": (
        "{function} loops over the examples in Python (line {line}: `{loop}`). On m = {m} examples it took "
        "{learner_ms:.1f} ms, about {ratio:.0f}x slower than a vectorized version ({reference_ms:.2f} ms). "
        "Replace the loop with whole-array operations (np.dot, +, -, np.sum(..., axis=...))."
    ),
    "vector.wrong_result": (
        "{function} loops in Python and returned a different result from the reference on the timing "
        "problem (m = {m} examples), so its speed could not be judged. Make it right first (the other "
        "checks of {function} say what is wrong), then replace the loop with numpy operations."
    ),
    "vector.ok": "{function} is vectorized: {learner_ms:.2f} ms on m = {m} examples.",
    "vector.no_loop": "{function} has no Python loop: vectorized.",
    # -- loader --------------------------------------------------------------------------------
    "check.message_cut": "... (the rest of this feedback was cut: it was too long)",
    "check.internal": (
        "This check could not run ({error_type}: {message}). Your result may have an unexpected structure; "
        "if it looks right to you, tell your instructor."
    ),
    "check.crashed": (
        "This check could not run: the grader's own code raised {error_type} on your result. Your result may "
        "have an unexpected type or structure: compare it with the function's docstring. If it looks right "
        "to you, tell your instructor."
    ),
    # -- short names of the diagnoses, as the class report lists them --------------------------
    "diagnosis.hint.math_exp": "math.exp (or another math function) applied to a numpy array",
    "diagnosis.hint.broadcast_keepdims": "a sum or norm over one axis dropped that axis (keepdims)",
    "diagnosis.hint.broadcast": "shapes that do not line up in an operation",
    "diagnosis.hint.dot_shapes": "the inner dimensions of a matrix product do not match",
    "diagnosis.hint.none_placeholder": "a placeholder `None` is still in the code",
    "diagnosis.hint.name_error": "a name the submission does not define",
    "diagnosis.hint.sys_exit": "exit() or sys.exit() in the code",
    "diagnosis.hint.recursion": "recursion too deep",
    "diagnosis.vector.slow": "a Python loop over the examples (not vectorized)",
}
