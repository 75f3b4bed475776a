"""Every learner-facing sentence of the grader, by id, so a translation can follow.

``say("shape.rank1", name="dw", ...)`` formats the template of the active
language.  English is the only catalog today; a ``--lang ko`` catalog is one more
dict with the same ids (``tests/test_messages.py`` checks the ids and fields match).
"""

from __future__ import annotations

import string

EN: dict[str, str] = {
    # -- shapes and types ------------------------------------------------
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
    "shape.extra_dims": (
        "Likely mistake: your result has {got_size} values where {want_size} are expected; an operation "
        "broadcast two arrays of different shapes. Print the shapes of the intermediate arrays."
    ),
    "dtype.integer": (
        "{name} has integer dtype {got_dtype} but must hold real numbers. Likely mistake: np.zeros(..., "
        "dtype=int) or integer arithmetic; use float arrays (np.zeros's default dtype is float)."
    ),
    # -- values ------------------------------------------------------------
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
    "values.integer_division": (
        "Likely mistake: integer (floor) division. Your values are the expected ones rounded down to whole "
        "numbers; use / rather than //, and float arrays."
    ),
    "values.nonfinite": (
        "{name} contains {what} ({count} of {size} values) although every expected value is finite."
    ),
    "values.nonfinite_hint": "Likely mistake: {fix}",
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
    # -- learner errors ----------------------------------------------------
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
    # -- state between calls, caches, grader errors (the check runner) -------------
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
    "usage.only_not_recorded": "Graded only {functions} (--only): a partial grade, not recorded in the gradebook.",
    "usage.only_unknown": (
        "--only: {names} is not a graded function of {exercise} (its functions: {functions})"
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
    # -- expected exceptions ---------------------------------------------------
    "raises.none": "{call} returned {got}; it should raise {want}. {why}",
    "raises.other": "{call} raised {got}: {message}; it should raise {want}. {why}",
    "raises.assert": (
        "Write `raise {want}(\"...\")`: an assert raises AssertionError, which callers catching {want} would miss."
    ),
    # -- gradient checking ----------------------------------------------------
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
    # -- the structure a learner's value must have before the grader computes with it ----
    "contract.extra_keys": (
        "{name} has the key(s) {extra}, which it should not have: expected exactly the keys {want}."
    ),
    "contract.unusable": (
        "{name} could not be used to go on with this check ({error_type} when the grader computed with it). "
        "Compare its type, shape and values with what the function's docstring asks for."
    ),
    # -- vectorization -------------------------------------------------------
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
    # -- loader ----------------------------------------------------------------
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
    # -- reading the submitted files ------------------------------------------------
    "notebook.json": (
        "{path}: not a valid notebook (JSON error at line {line}, column {column}: {reason}). If it was cut short "
        "while being saved or copied, save it again from Jupyter (File > Save Notebook) or submit an earlier copy "
        "(Jupyter keeps one in .ipynb_checkpoints/)"
    ),
    "notebook.too_deep": "{path}: not a valid notebook (its JSON is nested too deeply to read)",
    "notebook.not_object": "{path}: not a valid notebook (top level is not a JSON object)",
    "notebook.no_cells": "{path}: not a valid notebook (no 'cells' list): is it a Jupyter notebook?",
    "notebook.empty": (
        "{path}: not a valid notebook: the file is empty. If Jupyter still shows your work, save it again "
        "(File > Save Notebook); otherwise submit an earlier copy (Jupyter keeps one in .ipynb_checkpoints/)"
    ),
    "notebook.too_large": (
        "{path}: the notebook is larger than {limit} MB ({size} MB), most likely because of its outputs (plots, "
        "printed text). Clear them, save, and submit again: in Jupyter, Kernel > Restart & Clear Output "
        "(JupyterLab: Edit > Clear Outputs of All Cells), or in a terminal: jupyter nbconvert --clear-output "
        "--inplace {path}"
    ),
    "notebook.code_too_large": (
        "{path}: without its outputs the notebook still holds more than {limit} MB of code and text (data or "
        "images pasted into its cells?): take them out, save, and submit again"
    ),
    "source.empty": (
        "the file is empty: there is nothing in it to grade. Did you save your work before submitting, and is "
        "this the file you worked in?"
    ),
    "source.no_code": (
        "the notebook has no code: {cells}. Save it in Jupyter (File > Save Notebook) before you submit, and "
        "check that it is the notebook you worked in."
    ),
    "source.no_code_cells": "it has no code cell",
    "source.blank_code_cells": "its {count} code cells are empty",
    "source.blank_code_cell": "its only code cell is empty",
    # -- the learner's views (terminal and HTML) ------------------------------------
    "view.not_submitted": (
        "not submitted: {count} functions of {file} ({names}): {points}/{max_points} points. To grade them, "
        "submit your {file}.py or {file}.ipynb too."
    ),
    "view.not_in_file": (
        "not in your {path}: {count} functions of {file} ({names}): {points}/{max_points} points. Define them "
        "there (save the file first), or submit the file you wrote them in."
    ),
    "view.names_and_more": "{names} and {count} more",
    "view.functions_of": "{count} functions of {file}",
    "view.not_submitted_label": "not submitted",
    "view.sandbox_summary": "Sandbox protections and timings",
    "view.inactive_protections": "{count} inactive: {names}",
    "view.diagnosis_below": "Likely mistake: {title} (explained below the checks).",
    "view.diagnosis_shared": "The same likely mistake in {count} of these checks:",
    "view.array_shape": "shape {shape}, {dtype}",
    "view.array_more": "... ({count} more lines)",
    # -- short names of the diagnoses, as the class report lists them -------------
    "diagnosis.shape.rank1": "a rank-1 array",
    "diagnosis.shape.transpose": "a transpose",
    "diagnosis.shape.broadcast": "an accidental broadcast, or a square array",
    "diagnosis.shape.extra_dims": "more values than expected (two shapes broadcast together)",
    "diagnosis.dtype.integer": "np.zeros(..., dtype=int) or integer arithmetic",
    "diagnosis.value.one_by_one": "np.dot of a row and a column returns a (1, 1) array",
    "diagnosis.value.not_reduced": "the values were not added up into one number",
    "diagnosis.values.sign": "a sign error",
    "diagnosis.values.factor_m": "a missing 1/m",
    "diagnosis.values.over_m": "divided by m twice",
    "diagnosis.values.factor": "a constant factor is off",
    "diagnosis.values.integer_division": "integer (floor) division",
    "diagnosis.values.transposed_square": "rows and columns swapped (a wrong axis)",
    "diagnosis.values.nonfinite": "NaN or inf in the result",
    "diagnosis.mutation.inplace": "an input modified in place",
    "diagnosis.raises.assert": "assert where an exception should be raised",
    "diagnosis.hint.math_exp": "math.exp (or another math function) applied to a numpy array",
    "diagnosis.hint.broadcast_keepdims": "a sum or norm over one axis dropped that axis (keepdims)",
    "diagnosis.hint.broadcast": "shapes that do not line up in an operation",
    "diagnosis.hint.dot_shapes": "the inner dimensions of a matrix product do not match",
    "diagnosis.hint.none_placeholder": "a placeholder `None` is still in the code",
    "diagnosis.hint.name_error": "a name the submission does not define",
    "diagnosis.hint.sys_exit": "exit() or sys.exit() in the code",
    "diagnosis.hint.recursion": "recursion too deep",
    "diagnosis.vector.slow": "a Python loop over the examples (not vectorized)",
    # -- exports ---------------------------------------------------------------
    "gradescope.summary": (
        "{exercise}: {points} / {max_points} ({percent:.1f}%). Hidden checks run on fresh random inputs "
        "(seed {seed}); their results appear here once your instructor publishes the grades."
    ),
    # -- a learners' copy (grade release) -----------------------------------------
    "copy.hidden_not_run": (
        "This is a learners' copy: the hidden checks{worth} are not run here, and the total counts the public "
        "checks only. The hidden checks run when you submit to {submit_to}."
    ),
    "copy.hidden_worth": " ({count} checks, {points:g} points)",
    "copy.submit_to": "your instructor",
    # -- quizzes ---------------------------------------------------------------
    "quiz.nothing_to_submit": (
        "{exercise} has no graded functions: there is nothing to submit there. It is a quiz: take it with "
        "`grade quiz {exercise}`."
    ),
    "quiz.no_quiz": "{folder}: this exercise has no quiz (no quiz.toml in its folder)",
    "quiz.modes": "--answers, --blank and --validate are different modes: use one at a time",
    "quiz.points.one": "1 point",
    "quiz.points.many": "{points} points",
    "quiz.hint.single": "one letter, a to {last}",
    "quiz.hint.multiple": "one or more letters, a to {last}, e.g. a c",
    "quiz.hint.numeric": "a number such as 0.25, -3 or 1/3",
    "quiz.hint.text": "a word or a short phrase",
    "quiz.hint.shape": "a shape such as (3, 1); () for a scalar; error if numpy raises an error",
    "quiz.hint.skip": "? skips the question",
    "quiz.answer.invalid": "{got!r} is not a valid answer here: write {hint}",
    "quiz.answer.empty": "the answer is empty: write {hint} ({skip})",
    "quiz.answer.too_long": "an answer of {length:,} characters is too long (at most {limit:,}): write {hint}",
    "quiz.answer.control": "{got!r} holds a control character ({control!r}): write {hint}",
    "quiz.session.intro": (
        "{title}\nLearner {learner}, seed {seed}: {count} questions, {points}. "
        "Type your answer and press Enter ({skip})."
    ),
    "quiz.session.question": "Question {number} of {count} [{id}] ({points})",
    "quiz.session.prompt": "Your answer ({hint}): ",
    "quiz.session.retry": "{problem}. Try again.",
    "quiz.session.input_ended": "input ended before question {id!r} ({number} of {count}) was answered",
    "quiz.session.resume": (
        "This quiz was interrupted with {answered} of {count} questions answered. Go on from there? "
        "(Enter or y: go on; n: start over) "
    ),
    "quiz.session.resume_invalid": "Answer y (go on) or n (start over).",
    "quiz.session.resumed": "{answered} of {count} questions are answered already; here are the others.",
    "quiz.form.instructions": (
        "Write each answer after its \"=\" ({skip}), save, then grade the file with:\n  {command}"
    ),
    "quiz.form.instructions_submit": 'Write each answer after its "=" ({skip}), save, then submit the file to {submit_to}.',
    "quiz.form.question": "{number}. [{id}] ({points}), answer with {hint}",
    "quiz.copy.instructions": (
        "The questions of this quiz, without their keys (grade release). Write your answers into a form:\n"
        "  grade quiz <this folder> --blank > answers.txt\n"
        "fill it in, and submit answers.txt to {submit_to}: it is graded where the keys are."
    ),
    "quiz.no_keys": (
        "this learners' copy of the {exercise} quiz has no keys, so it grades no answers: write yours into your "
        "form ({command}) and submit that file to {submit_to}"
    ),
    "quiz.practice": (
        "A practice quiz: your instructor released its keys with your copy, for practice; this score is not a "
        "submission."
    ),
    "quiz.file.no_equals": "expected a line `question-id = answer`, found {got!r}",
    "quiz.file.unknown_id": "unknown question id {id!r}; this quiz's ids are {ids}",
    "quiz.file.twice": "question {id!r} is answered twice (first on line {first})",
    "quiz.file.empty": "no answer for {id!r}: write one after the = ({skip})",
    "quiz.file.missing": "no answer for {ids}: add a line `id = answer` for each ({skip})",
    "quiz.file.bad_answer": "question {id!r}: {problem}",
    "quiz.file.seed": (
        "this form was made for another variant of the quiz (seed {form_seed}) than the one of learner {learner} "
        "(seed {seed}): every learner answers their own variant, picked from the exercise and the learner id. "
        "Grade the form with the --learner its first line names, or write a form for {learner} with --blank"
    ),
    "quiz.feedback.answer": "Your answer: {answer}",
    "quiz.feedback.skipped": "(skipped)",
    "quiz.feedback.key": "Key: {key}",
    "quiz.feedback.tolerance": "{key} (answers within {tolerance} count)",
    "quiz.feedback.shape_error": "error (numpy raises an error)",
    "quiz.feedback.partial": (
        "Partial credit: you picked {right} of the {correct} right choices and {wrong} wrong: "
        "max(0, {right} - {wrong}) / {correct} of the points."
    ),
    "quiz.feedback.explanation": "Why: {explanation}",
    "quiz.results.title": "Results: {title}",
    "quiz.results.right": "right",
    "quiz.results.wrong": "wrong",
    "quiz.results.partial": "partly right",
    "quiz.results.skipped": "skipped",
    "quiz.results.total": "Score: {points} / {max_points} ({percent:.1f}%)",
    "quiz.results.seed": (
        "Learner {learner}, seed {seed}: the same learner always gets these questions "
        "(--seed {seed} reproduces them)."
    ),
}

_CATALOGS: dict[str, dict[str, str]] = {"en": EN}
_language = "en"


def set_language(code: str) -> None:
    """Switch the catalog; raises KeyError for a language without a catalog."""
    global _language
    if code not in _CATALOGS:
        raise KeyError(code)
    _language = code


def say(message_id: str, **fields: object) -> str:
    """The message ``message_id`` in the active language, filled with ``fields``."""
    template = _CATALOGS[_language].get(message_id) or EN[message_id]
    return template.format(**fields)


def fields_of(message_id: str) -> set[str]:
    """The placeholder names a template uses (for catalog consistency tests)."""
    return {f for _, f, _, _ in string.Formatter().parse(EN[message_id]) if f}
