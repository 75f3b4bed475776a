"""Documented rules are checked: every rule an exercise README's "Grading contract" states has a check.

``RULES`` lists, per exercise, sentences of its README and what enforces each: checks (by name, the
test function without ``test_``, in the exercise's public or hidden check files), or for a rule about
how grading works, a test of this suite (``tests/<file>.py::<test>``). The tests fail when a sentence
is no longer in the README, when a listed check or test does not exist, and when a bullet of the
Grading contract has no listed sentence at all.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATE = "tests/test_state_between_calls.py::test_a_cache_keyed_by_shape_fails_with_the_diagnosis"

RULES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "week2": [
        ("Arrays must be plain ndarrays of exactly the expected shape",
         ("image2vector_random", "initialize_with_zeros_w", "propagate_gradients", "predict_random")),
        ("A rank-1 `(n,)` array, a row instead of a column, or an `(m, m)` array produced by accidental "
         "broadcasting is wrong.", ("initialize_with_zeros_w", "propagate_gradients", "predict_random")),
        ("Scalars (`cost`, `db`, `b`, the L1/L2 losses, each entry of `costs`) must be scalars",
         ("propagate_cost", "propagate_gradients", "initialize_with_zeros_b", "L1_random", "L2_random",
          "optimize_records_costs")),
        ("`initialize_with_zeros` returns a float `b` (`0.0`, not `0`) and a float `w`.",
         ("initialize_with_zeros_b", "initialize_with_zeros_w")),
        ("Inputs must not be modified in place",
         ("normalize_rows_keeps_input", "softmax_random", "propagate_keeps_inputs", "optimize_records_costs")),
        ("`softmax` must stay finite for rows of magnitude ~1000", ("softmax_large_rows",)),
        ("`sigmoid` must stay finite for |x| ~ 1000", ("sigmoid_large_inputs",)),
        ("`predict` returns 0/1 values of shape `(1, m)`", ("predict_random", "predict_example")),
        ("with 1 exactly when `A > 0.5` (strictly)", ("predict_threshold",)),
        ("`optimize` records the cost when `i % 100 == 0`", ("optimize_records_costs", "optimize_example")),
        ("returns the gradients of the last iteration", ("optimize_parameters",)),
        ("Each answer must come from the arguments of its own call.", (STATE,)),
        ("The `assert`s of the course's template",
         ("tests/test_week2_grading.py::test_correct_alternatives_earn_everything",)),
        ("Checks use fresh random inputs, seeded per submission",
         ("tests/test_week2_grading.py::test_hidden_inputs_change_with_the_seed",)),
        ("Correct but looped code earns full marks this week", (
            "propagate_vectorized", "predict_vectorized",
            "tests/test_week2_grading.py::test_looped_alternative_gets_advice_not_penalty")),
        ("`normalizeRows` is accepted as the older name of `normalize_rows`.",
         ("tests/test_week2_grading.py::test_older_name_normalizeRows_is_accepted",)),
        ("The functions are graded from their definitions without running the notebook top to bottom",
         ("tests/test_week2_grading.py::test_notebook_grades_like_the_equivalent_py",)),
    ],
    "week3": [
        ("Shapes: `W1` is `(n_h, n_x)`, `b1` is `(n_h, 1)`, `W2` is `(n_y, n_h)`, `b2` is `(n_y, 1)`",
         ("initialize_parameters_shapes", "initialize_parameters_example")),
        ("every gradient has the shape of its parameter", ("backward_propagation_gradient_check",
                                                            "backward_propagation_values")),
        ("A rank-1 `(n,)` array, a single number, or a square `(n_y, n_y)` bias is wrong.",
         ("initialize_parameters_shapes", "backward_propagation_values")),
        ("`forward_propagation`, `predict` and `nn_model` are checked with `n_y = 1`",
         ("tests/test_week3_grading.py::test_correct_alternatives_earn_everything",)),
        ("`initialize_parameters` is checked by statistics, never by exact values",
         ("initialize_parameters_statistics",)),
        ("You may seed inside the function.", ("tests/test_week3_grading.py::test_correct_alternatives_earn_everything",)),
        ("`forward_propagation` returns `A2, cache` in this order, with tanh in the hidden layer and sigmoid at the "
         "output", ("forward_propagation_A2", "forward_propagation_example")),
        ("`cache` holds the four arrays under the keys", ("forward_propagation_cache",)),
        ("`compute_cost` returns a number (Python or numpy scalar, or a 0-d array), not a `(1, 1)` array.",
         ("compute_cost_random", "compute_cost_example")),
        ("The older signature `compute_cost(A2, Y, parameters)` is accepted.",
         ("tests/test_week3_grading.py::test_older_compute_cost_signature_is_accepted",)),
        ("`backward_propagation` is graded with the cache a correct `forward_propagation` returns",
         ("backward_propagation_gradient_check", "backward_propagation_values",
          "tests/test_week3_grading.py::test_backward_functions_are_graded_with_the_learners_own_cache")),
        ("`backward_propagation` is checked against numeric gradients of the cost",
         ("backward_propagation_gradient_check",)),
        ("and against the reference's values", ("backward_propagation_values",)),
        ("`forward_propagation` and `backward_propagation` must be **vectorized**",
         ("forward_propagation_vectorized", "backward_propagation_vectorized")),
        ("No function modifies its inputs", (
            "forward_propagation_A2", "compute_cost_confident_predictions", "backward_propagation_values",
            "update_parameters_keeps_inputs", "predict_random")),
        ("`nn_model` uses its `n_h` argument", ("nn_model_uses_its_arguments",)),
        ("runs `num_iterations` iterations", ("nn_model_cost_decreases",)),
        ("It is checked by what it achieves", ("nn_model_learns_the_flower", "nn_model_cost_decreases")),
        ("`predict` returns 1 exactly where `A2 > 0.5`", ("predict_threshold", "predict_random")),
        ("Each answer must come from the arguments of its own call.", (STATE,)),
        ("Checks use fresh random inputs, seeded per submission",
         ("tests/test_week3_grading.py::test_hidden_inputs_change_with_the_seed",)),
        ("The functions are graded from their definitions without running the notebook top to bottom",
         ("tests/test_week3_grading.py::test_notebook_grades_like_the_equivalent_py",)),
    ],
    "week4": [
        ("**Initialization** is checked by its statistics, never by exact values", (
            "initialize_parameters_shapes", "initialize_parameters_scale", "initialize_parameters_deep_shapes",
            "initialize_parameters_deep_scale")),
        ("Zeros, a constant, `np.random.rand` (all positive) and a missing `* 0.01` each get their own diagnosis.",
         ("initialize_parameters_scale", "initialize_parameters_deep_scale",
          "tests/test_week4_grading.py::test_mistake_is_diagnosed")),
        ("**Caches** are checked by position", (
            "linear_forward_cache", "linear_activation_forward_cache", "L_model_forward_caches")),
        ("A backward function is graded with the template's cache first", (
            "linear_backward_gradient_dW_db", "linear_activation_backward_relu", "L_model_backward_gradient_dW_db",
            "tests/test_week4_grading.py::test_backward_functions_are_graded_with_the_learners_own_cache")),
        ("**Shapes**: arrays must be plain ndarrays of exactly the expected shape.", (
            "linear_backward_gradient_dW_db", "L_model_backward_gradient_dW_db")),
        ("The cost must be a scalar", ("compute_cost_random", "compute_cost_example")),
        ("**The 1/m convention** of the course", (
            "linear_backward_gradient_dW_db", "linear_backward_gradient_dA_prev")),
        ("**Gradient checking**: every backward function", (
            "linear_backward_gradient_dW_db", "linear_backward_gradient_dA_prev", "linear_activation_backward_relu",
            "linear_activation_backward_sigmoid", "L_model_backward_gradient_dW_db", "L_model_backward_gradient_dA")),
        ("**The template's asserts** hold on every input the checks use",
         ("tests/test_week4_grading.py::test_correct_alternatives_earn_everything",)),
        ("**The dA keys**", ("L_model_backward_gradient_dA",
                             "tests/test_week4_grading.py::test_old_dA_keys_lose_only_the_dA_checks")),
        ("**Vectorization is required** in the forward and backward passes", (
            "L_model_forward_vectorized", "L_model_backward_vectorized")),
        ("**`update_parameters`** is graded on the dictionary it returns.", (
            "update_parameters_random", "update_parameters_lowers_cost",
            "tests/test_week4_grading.py::test_older_template_is_accepted_as_it_is")),
        ("`compute_cost` is checked on a `(1, m)` row of predictions", ("compute_cost_random",)),
        ("Each answer must come from the arguments of its own call.", (STATE,)),
        ("Checks use fresh random inputs, seeded per submission",
         ("tests/test_week4_grading.py::test_hidden_inputs_change_with_the_seed",)),
        ("The functions are graded from their definitions without running the notebook top to bottom",
         ("tests/test_week4_grading.py::test_notebook_grades_like_the_equivalent_py",)),
    ],
    "week5": [
        ("The update functions may modify the dictionaries they receive in place",
         ("tests/test_week5_grading.py::test_in_place_updates_are_accepted",)),
        ("Every returned array is a plain ndarray of exactly the shape of its parameter", (
            "update_parameters_with_gd_random", "update_parameters_with_momentum_random",
            "update_parameters_with_adam_random", "update_parameters_with_rmsprop_random",
            "update_parameters_with_adagrad_random")),
        ("so every layer and every argument must be used", (
            "update_parameters_with_gd_random", "update_parameters_with_momentum_random",
            "update_parameters_with_adam_random", "update_parameters_with_rmsprop_random",
            "update_parameters_with_adagrad_random")),
        ("`epsilon` is added to the square root in the denominator", (
            "update_parameters_with_adam_epsilon", "update_parameters_with_rmsprop_epsilon",
            "update_parameters_with_adagrad_epsilon")),
        ("Adam: `t` is the number of Adam steps so far", (
            "update_parameters_with_adam_random", "update_parameters_with_adam_trains")),
        ("`v` and `s` are returned **uncorrected**.", ("update_parameters_with_adam_random",)),
        ("Mini-batches are graded by their properties", (
            "random_mini_batches_partial_batch", "random_mini_batches_exact_multiple", "random_mini_batches_examples",
            "random_mini_batches_seed")),
        ("`np.random.seed(seed)` + `np.random.permutation(m)`, a `RandomState(seed)` or a `default_rng(seed)` all "
         "earn full marks.", ("tests/test_week5_grading.py::test_correct_alternatives_earn_everything",)),
        ("the test set holds", ("train_test_split_sizes",)),
        ("every example lands in exactly one set, with its label", ("train_test_split_examples",)),
        ("the test set is random", ("train_test_split_shuffles", "train_test_split_seed")),
        ("with `stratify=True`", ("train_test_split_stratified", "train_test_split_stratified_example")),
        ("`Y` has shape `(1, m)` in every check",
         ("tests/test_week5_grading.py::test_correct_alternatives_earn_everything",)),
        ("Each answer must come from the arguments of its own call.", (STATE,)),
        ("Each update function is also run inside a short training loop", (
            "update_parameters_with_gd_trains", "update_parameters_with_momentum_trains",
            "update_parameters_with_adam_trains", "update_parameters_with_rmsprop_trains",
            "update_parameters_with_adagrad_trains")),
        ("Checks use fresh random inputs, seeded per submission",
         ("tests/test_week5_grading.py::test_hidden_inputs_change_with_the_seed",)),
        ("The functions are graded from their definitions without running the notebook top to bottom",
         ("tests/test_week5_grading.py::test_notebook_grades_like_the_equivalent_py",)),
    ],
    "week6": [
        ("`dW` must be a float array of the shape of `W`", (
            "svm_naive_dW", "svm_vectorized_dW", "softmax_naive_dW", "softmax_vectorized_dW")),
        ("`loss` a single number", ("svm_naive_loss", "svm_vectorized_loss", "softmax_naive_loss",
                                    "softmax_vectorized_loss")),
        ("The SVM margin is $\\Delta = 1$ and the sum skips the correct class", (
            "svm_naive_lecture_cat", "svm_vectorized_lecture_cat")),
        ("The loss is the **average** over the N examples plus the regularization.", (
            "svm_naive_loss", "svm_naive_data_loss", "softmax_naive_loss", "softmax_naive_data_loss")),
        ("Regularization convention: `reg * np.sum(W * W)`, whose gradient is `2 * reg * W`.", (
            "svm_naive_loss", "svm_naive_dW", "softmax_vectorized_loss", "softmax_vectorized_dW")),
        ("the checks with `reg = 0` still pass", ("svm_naive_data_loss", "softmax_naive_data_loss")),
        ("The cross-entropy uses the natural logarithm (`np.log`)", (
            "softmax_naive_lecture_cat", "tests/test_week6_grading.py::test_mistake_is_diagnosed")),
        ("must stay finite for scores of magnitude ~1000", (
            "softmax_naive_large_scores", "softmax_vectorized_large_scores")),
        ("Every `dW` is compared with the reference's and with a centred-difference gradient", (
            "svm_naive_gradient_check", "svm_vectorized_gradient_check", "softmax_naive_gradient_check",
            "softmax_vectorized_gradient_check")),
        ("The **vectorized versions must not loop over the examples**", (
            "svm_vectorized_is_vectorized", "softmax_vectorized_is_vectorized")),
        ("A short loop over the C classes is accepted.",
         ("tests/test_week6_grading.py::test_correct_alternatives_earn_everything",)),
        ("`W`, `X` and `y` must not be modified in place.", (
            "svm_naive_dW", "svm_vectorized_dW", "softmax_naive_dW", "softmax_vectorized_dW")),
        ("Each answer must come from the arguments of its own call.", (STATE,)),
        ("Checks use fresh random inputs, seeded per submission, with N, D and C all different",
         ("tests/test_week6_grading.py::test_reference_passes_the_gradient_check_for_many_seeds",)),
        ("The functions are graded from their definitions without running the notebook top to bottom",
         ("tests/test_week6_grading.py::test_notebook_grades_like_the_equivalent_py",)),
    ],
    "week7": [
        ("**Shapes**: `x` is `(N, C, H, W)`", (
            "conv_forward_stride1_pad1", "conv_forward_stride2_rectangular", "max_pool_forward_overlapping",
            "max_pool_forward_stride2")),
        ("Every gradient has exactly the shape of its variable", (
            "affine_backward_numeric", "conv_backward_stride1_pad0", "conv_backward_stride2_pad1",
            "max_pool_backward_overlapping")),
        ("**Padding** is applied to the two spatial axes only", ("conv_forward_stride1_pad1", "conv_forward_example")),
        ("**Caches** are those of the templates", (
            "affine_backward_numeric", "relu_backward_keeps_inputs", "conv_backward_stride2_pad1",
            "max_pool_backward_overlapping",
            "tests/test_week7_grading.py::test_backward_functions_are_graded_with_the_learners_own_cache")),
        ("Caches must be plain data", ("tests/test_sandbox_client.py::test_faults_become_messages",)),
        ("**Backward functions and derivatives are checked numerically**", (
            "sigmoid_derivative_numeric", "tanh_derivative_numeric", "relu_derivative_numeric",
            "leaky_relu_derivative_numeric", "affine_backward_numeric", "relu_backward_numeric",
            "conv_backward_stride1_pad0", "max_pool_backward_overlapping")),
        ("**At the kink x = 0**", (
            "relu_derivative_at_zero", "leaky_relu_derivative_at_zero", "relu_backward_at_zero")),
        ("**Derivatives take the input x**", ("tanh_derivative_numeric", "tanh_derivative_example")),
        ("**Max pooling backward** sends each upstream gradient to the maximum of its window only", (
            "max_pool_backward_overlapping", "max_pool_backward_gradient")),
        ("**conv_output_size** returns an `int`.", ("conv_output_size_examples",)),
        ("it raises `ValueError` (not an `assert`", (
            "conv_output_size_raises", "conv_output_size_raises_random", "conv_output_size_raises_filter_too_large")),
        ("give it a message that says what does not fit (advice, 0 points)", ("conv_output_size_error_message",)),
        ("**No in-place modification**", (
            "relu_random_keeps_input", "leaky_relu_alpha", "relu_forward_random_keeps_input",
            "relu_backward_keeps_inputs")),
        ("Every convolution and pooling input the checks use fits exactly",
         ("tests/test_week7_grading.py::test_correct_alternatives_earn_everything",)),
        ("Each answer must come from the arguments of its own call.", (STATE,)),
        ("**Loops are allowed** in the naive convolution and pooling",
         ("tests/test_week7_grading.py::test_correct_alternatives_earn_everything",)),
        ("Accepted other names: `sigmoid_prime`, `tanh_prime`, `relu_prime` and `leaky_relu_prime`",
         ("tests/test_week7_grading.py::test_other_names_of_the_derivatives_are_accepted",)),
        ("The course-1 helper `relu_backward(dA, cache)` with `cache = Z` is the same function",
         ("tests/test_week7_grading.py::test_course1_style_relu_backward_is_accepted",)),
        ("Checks use fresh random inputs, seeded per submission",
         ("tests/test_week7_grading.py::test_hidden_inputs_change_with_the_seed",)),
        ("The functions are graded from their definitions without running the notebook top to bottom",
         ("tests/test_week7_grading.py::test_notebook_grades_like_the_equivalent_py",)),
    ],
}


def _flat(text: str) -> str:
    return " ".join(text.split())


def contract_bullets(exercise: str) -> list[str]:
    """The top-level bullets of the README's Grading contract, each on one line."""
    text = (ROOT / "exercises" / exercise / "README.md").read_text(encoding="utf-8")
    contract = text.split("## Grading contract", 1)[1].split("\n## ", 1)[0]
    return [_flat(bullet) for bullet in re.split(r"\n- ", "\n" + contract.strip())[1:]]


def declared_checks(exercise: str) -> set[str]:
    """Names (without ``test_``) of the ``@check`` functions of the exercise's public and hidden check files."""
    files = [*(ROOT / "exercises" / exercise / "checks").glob("checks_*.py"),
             *(ROOT / "solutions" / exercise / "checks").glob("checks_*.py")]
    names = set()
    for path in files:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and any(
                    isinstance(d, ast.Call) and getattr(d.func, "id", getattr(d.func, "attr", "")) == "check"
                    for d in node.decorator_list):
                names.add(node.name.removeprefix("test_"))
    return names


def suite_test_exists(reference: str) -> bool:
    """Is ``tests/<file>.py::<test>`` a test function of this suite?"""
    path, name = reference.split("::")
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef) and node.name == name for node in tree.body)


@pytest.mark.parametrize("exercise", sorted(RULES))
def test_every_listed_rule_is_in_the_readme_and_has_its_checks(exercise):
    """Each listed sentence is in the README's Grading contract, and what enforces it exists."""
    bullets = " ".join(contract_bullets(exercise))
    checks = declared_checks(exercise)
    for sentence, enforced_by in RULES[exercise]:
        assert _flat(sentence) in bullets, f"{exercise}: not in the Grading contract: {sentence!r}"
        assert enforced_by, f"{exercise}: nothing enforces {sentence!r}"
        for name in enforced_by:
            if "::" in name:
                assert suite_test_exists(name), f"{exercise}: {sentence!r} names the missing test {name}"
            else:
                assert name in checks, f"{exercise}: {sentence!r} names the missing check {name}"


@pytest.mark.parametrize("exercise", sorted(RULES))
def test_every_bullet_of_the_grading_contract_is_listed(exercise):
    """No rule of the README goes unlisted: every bullet holds at least one sentence of ``RULES``."""
    sentences = [_flat(sentence) for sentence, _ in RULES[exercise]]
    unlisted = [bullet for bullet in contract_bullets(exercise) if not any(s in bullet for s in sentences)]
    assert unlisted == []


def test_every_exercise_with_checks_has_its_rules_listed():
    with_checks = sorted(p.parent.parent.name for p in (ROOT / "exercises").glob("*/checks/checks_*_public.py"))
    assert sorted(RULES) == with_checks
