"""Self-check of the week-2 content: reference solutions, data, fixtures and starters.

Everything is loaded by file path, the way the grader sees it, and compared with
independent formulas (explicit loops, finite differences) on random inputs with
several features and several examples.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import math
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions" / "week2"
EXERCISES = ROOT / "exercises" / "week2"
FIXTURES = ROOT / "tests" / "fixtures" / "week2"

BASICS_GRADED = ["sigmoid", "sigmoid_derivative", "image2vector", "normalize_rows", "softmax", "L1", "L2"]
LR_GRADED = ["sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict", "model"]
ALTERNATIVES = ["matmul", "at_operator", "einsum", "stable_sigmoid", "reshape_not_keepdims", "looped"]


# --------------------------------------------------------------------------- helpers


def load(path: Path) -> ModuleType:
    """Import a module from its file path, under a name unique to that path."""
    name = "week2_" + "_".join(path.relative_to(ROOT).with_suffix("").parts)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quiet(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call fn with its printing (model's accuracy lines) captured."""
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def naive_sigmoid(x: float) -> float:
    """Independent scalar sigmoid, stable for either sign."""
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def naive_cost(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray) -> float:
    """Cross-entropy cost with an explicit loop over the examples."""
    m = X.shape[1]
    total = 0.0
    for i in range(m):
        a = naive_sigmoid(sum(w[k, 0] * X[k, i] for k in range(X.shape[0])) + b)
        total -= Y[0, i] * math.log(a) + (1 - Y[0, i]) * math.log(1 - a)
    return total / m


def lr_problem(seed: int, n: int = 4, m: int = 7) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Random (w, b, X, Y) with both labels present."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(n, 1))
    b = float(rng.normal())
    X = rng.normal(size=(n, m))
    Y = np.array([[1, 0] * (m // 2) + [1] * (m % 2)])
    return w, b, X, Y[:, rng.permutation(m)]


@contextlib.contextmanager
def strict_numerics() -> Iterator[None]:
    """Turn overflow, NaN-producing and division warnings into errors (underflow is fine)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            yield


def assert_scalar(value: Any) -> None:
    """Scalar in the sense of the grading contract: Python/numpy scalar or 0-d array."""
    assert np.ndim(value) == 0, f"expected a scalar, got shape {np.shape(value)}"


@pytest.fixture(scope="module")
def basics() -> ModuleType:
    return load(SOLUTIONS / "python_basics.py")


@pytest.fixture(scope="module")
def lr() -> ModuleType:
    return load(SOLUTIONS / "logistic_regression.py")


@pytest.fixture(scope="module")
def lr_utils() -> ModuleType:
    return load(EXERCISES / "lr_utils.py")


# ------------------------------------------------------------ reference: python basics


def test_reference_basic_sigmoid(basics: ModuleType) -> None:
    for x in (-3.0, 0.0, 2.5, -1000.0, 1000.0):
        assert math.isclose(basics.basic_sigmoid(x), naive_sigmoid(x), rel_tol=1e-12, abs_tol=1e-300)


@pytest.mark.parametrize("module_name", ["python_basics", "logistic_regression"])
def test_reference_sigmoid_matches_formula_and_is_stable(module_name: str) -> None:
    sigmoid = load(SOLUTIONS / f"{module_name}.py").sigmoid
    x = np.random.default_rng(1).normal(scale=4, size=(3, 5))
    expected = np.vectorize(naive_sigmoid)(x)
    np.testing.assert_allclose(sigmoid(x), expected, rtol=1e-12)
    assert sigmoid(x).shape == (3, 5)
    extreme = np.array([[-1e4, -1000.0, -30.0, 0.0, 30.0, 1000.0, 1e4]])
    with strict_numerics():
        s = sigmoid(extreme)
    assert np.all(np.isfinite(s)) and s.shape == extreme.shape
    np.testing.assert_allclose(s, np.vectorize(naive_sigmoid)(extreme), rtol=1e-12, atol=1e-300)


def test_reference_sigmoid_derivative_matches_finite_differences(basics: ModuleType) -> None:
    x = np.random.default_rng(2).normal(scale=3, size=(3, 5))
    h = 1e-6
    numeric = (np.vectorize(naive_sigmoid)(x + h) - np.vectorize(naive_sigmoid)(x - h)) / (2 * h)
    ds = basics.sigmoid_derivative(x)
    assert ds.shape == x.shape
    np.testing.assert_allclose(ds, numeric, rtol=1e-6, atol=1e-10)


def test_reference_image2vector_is_a_column_in_c_order(basics: ModuleType) -> None:
    image = np.random.default_rng(3).random((4, 3, 2))
    v = basics.image2vector(image)
    assert v.shape == (24, 1)
    expected = [image[i, j, k] for i in range(4) for j in range(3) for k in range(2)]
    assert v[:, 0].tolist() == expected


def test_reference_normalize_rows(basics: ModuleType) -> None:
    x = np.random.default_rng(4).normal(size=(3, 5))
    original = x.copy()
    out = basics.normalize_rows(x)
    assert out.shape == (3, 5) and out is not x
    np.testing.assert_array_equal(x, original)  # input untouched
    for i in range(3):
        norm = math.sqrt(sum(v * v for v in x[i]))
        np.testing.assert_allclose(out[i], x[i] / norm, rtol=1e-12)


def test_reference_softmax(basics: ModuleType) -> None:
    x = np.random.default_rng(5).normal(scale=3, size=(3, 5))
    s = basics.softmax(x)
    assert s.shape == (3, 5)
    for i in range(3):
        exps = [math.exp(v) for v in x[i]]
        np.testing.assert_allclose(s[i], [e / sum(exps) for e in exps], rtol=1e-12)
    with strict_numerics():
        big = basics.softmax(x + 1000.0)
    np.testing.assert_allclose(big, s, rtol=1e-9)


def test_reference_losses_are_scalar_sums(basics: ModuleType) -> None:
    rng = np.random.default_rng(6)
    yhat, y = rng.random(8), (rng.random(8) > 0.5).astype(float)
    l1, l2 = basics.L1(yhat, y), basics.L2(yhat, y)
    assert_scalar(l1)
    assert_scalar(l2)
    assert math.isclose(l1, sum(abs(a - b) for a, b in zip(y, yhat)), rel_tol=1e-12)
    assert math.isclose(l2, sum((a - b) ** 2 for a, b in zip(y, yhat)), rel_tol=1e-12)
    # The notebook's worked example.
    yhat, y = np.array([0.9, 0.2, 0.1, 0.4, 0.9]), np.array([1, 0, 0, 1, 1])
    assert math.isclose(basics.L1(yhat, y), 1.1) and math.isclose(basics.L2(yhat, y), 0.43)


# ------------------------------------------------------- reference: logistic regression


def test_reference_initialize_with_zeros(lr: ModuleType) -> None:
    w, b = lr.initialize_with_zeros(7)
    assert type(w) is np.ndarray and w.shape == (7, 1) and w.dtype == np.float64
    assert not w.any()
    assert isinstance(b, float) and b == 0.0


def test_reference_propagate_against_loop_and_finite_differences(lr: ModuleType) -> None:
    w, b, X, Y = lr_problem(7)
    inputs = [a.copy() for a in (w, X, Y)]
    grads, cost = lr.propagate(w, b, X, Y)
    for before, after in zip(inputs, (w, X, Y)):
        np.testing.assert_array_equal(before, after)
    assert_scalar(cost)
    assert_scalar(grads["db"])
    assert grads["dw"].shape == (4, 1)
    assert math.isclose(cost, naive_cost(w, b, X, Y), rel_tol=1e-10)
    h = 1e-6
    for k in range(4):
        step = np.zeros_like(w)
        step[k, 0] = h
        numeric = (naive_cost(w + step, b, X, Y) - naive_cost(w - step, b, X, Y)) / (2 * h)
        assert math.isclose(grads["dw"][k, 0], numeric, rel_tol=1e-5, abs_tol=1e-8)
    numeric_db = (naive_cost(w, b + h, X, Y) - naive_cost(w, b - h, X, Y)) / (2 * h)
    assert math.isclose(grads["db"], numeric_db, rel_tol=1e-5, abs_tol=1e-8)


def test_reference_propagate_cost_is_finite_for_saturated_units(lr: ModuleType) -> None:
    w, b, X, Y = lr_problem(8)
    with strict_numerics():
        grads, cost = lr.propagate(w * 1000, b, X, Y)
    assert math.isfinite(cost) and np.all(np.isfinite(grads["dw"]))


def test_reference_optimize(lr: ModuleType) -> None:
    w, b, X, Y = lr_problem(9)
    w_before = w.copy()
    params, grads, costs = lr.optimize(w, b, X, Y, num_iterations=250, learning_rate=0.1)
    np.testing.assert_array_equal(w, w_before)
    # Independent gradient descent with the loop cost's analytic gradient.
    w_ref, b_ref, recorded = w.copy(), b, []
    for i in range(250):
        A = 1 / (1 + np.exp(-(w_ref.T @ X + b_ref)))
        if i % 100 == 0:
            recorded.append(naive_cost(w_ref, b_ref, X, Y))
        last_dw, last_db = X @ (A - Y).T / X.shape[1], float(np.mean(A - Y))
        w_ref, b_ref = w_ref - 0.1 * last_dw, b_ref - 0.1 * last_db
    assert len(costs) == 3
    for c in costs:
        assert_scalar(c)
    np.testing.assert_allclose(costs, recorded, rtol=1e-10)
    np.testing.assert_allclose(params["w"], w_ref, rtol=1e-10)
    assert math.isclose(params["b"], b_ref, rel_tol=1e-10)
    np.testing.assert_allclose(grads["dw"], last_dw, rtol=1e-10)
    assert math.isclose(grads["db"], last_db, rel_tol=1e-10)


def test_reference_predict_is_strict_and_float(lr: ModuleType) -> None:
    w, _, X, _ = lr_problem(10, n=3, m=9)
    b = 0.1  # small, so that both labels occur
    pred = lr.predict(w, b, X)
    assert pred.shape == (1, 9) and pred.dtype == np.float64
    expected = [1.0 if naive_sigmoid(float(w[:, 0] @ X[:, i]) + b) > 0.5 else 0.0 for i in range(9)]
    assert pred[0].tolist() == expected
    assert 0 < sum(expected) < 9  # the case really mixes both labels
    # A == 0.5 exactly must give 0 (strict inequality).
    assert not lr.predict(np.zeros((3, 1)), 0.0, X).any()


@pytest.fixture(scope="module")
def course_run(lr: ModuleType, lr_utils: ModuleType) -> tuple[dict, str, tuple]:
    """The notebook's run: reference model on the flattened, /255 data, 2000 iterations, lr 0.005."""
    train_x, train_y, test_x, test_y, _ = lr_utils.load_dataset()
    X_train = train_x.reshape(train_x.shape[0], -1).T / 255
    X_test = test_x.reshape(test_x.shape[0], -1).T / 255
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        d = lr.model(X_train, train_y, X_test, test_y, num_iterations=2000, learning_rate=0.005)
    return d, out.getvalue(), (train_y, test_y)


def test_reference_model_reaches_accuracy_targets(course_run: tuple[dict, str, tuple]) -> None:
    d, printed, (train_y, test_y) = course_run
    assert set(d) == {"costs", "Y_prediction_test", "Y_prediction_train", "w", "b",
                      "learning_rate", "num_iterations"}
    train_acc = 100 * np.mean(d["Y_prediction_train"] == train_y)
    test_acc = 100 * np.mean(d["Y_prediction_test"] == test_y)
    assert train_acc >= 95
    assert 70 <= test_acc < 100
    assert "train accuracy" in printed and "test accuracy" in printed
    assert len(d["costs"]) == 20 and all(np.diff(d["costs"]) < 0)
    assert d["w"].shape == (64 * 64 * 3, 1)
    assert d["learning_rate"] == 0.005 and d["num_iterations"] == 2000


# ------------------------------------------------------------------------------ data


def test_lr_utils_shapes_and_types(lr_utils: ModuleType) -> None:
    train_x, train_y, test_x, test_y, classes = lr_utils.load_dataset()
    assert train_x.shape == (209, 64, 64, 3) and train_x.dtype == np.uint8
    assert test_x.shape == (50, 64, 64, 3) and test_x.dtype == np.uint8
    assert train_y.shape == (1, 209) and test_y.shape == (1, 50)
    assert np.issubdtype(train_y.dtype, np.integer) and np.issubdtype(test_y.dtype, np.integer)
    assert set(np.unique(train_y)) == {0, 1} and set(np.unique(test_y)) == {0, 1}
    assert classes.tolist() == [b"non-cat", b"cat"]
    assert train_x.std() > 20  # real pictures, not a constant array


def test_lr_utils_is_deterministic_and_fast(lr_utils: ModuleType) -> None:
    first = lr_utils.load_dataset()
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        again = lr_utils.load_dataset()
        best = min(best, time.perf_counter() - start)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert best < 0.2, f"load_dataset took {best:.3f} s"


def test_lr_utils_docstring_says_synthetic(lr_utils: ModuleType) -> None:
    assert "synthetic" in (lr_utils.__doc__ or "").lower()


# ---------------------------------------------------------------------- alternatives


def compare_function(name: str, alt: ModuleType, basics: ModuleType, lr: ModuleType) -> None:
    """Assert that alt.<name> gives the reference's results on fresh random inputs."""
    rng = np.random.default_rng(sum(map(ord, name)))
    close = dict(rtol=1e-9, atol=1e-12)
    if name in ("sigmoid", "sigmoid_derivative", "normalize_rows", "softmax"):
        x = rng.normal(scale=3, size=(3, 5))
        np.testing.assert_allclose(getattr(alt, name)(x), getattr(basics, name)(x), **close)
        if name in ("sigmoid", "softmax"):
            big = np.array([[-1000.0, 0.0, 1000.0], [999.0, 1000.0, 1001.0]])
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")  # the plain formula may warn; its value counts
                got = getattr(alt, name)(big)
            assert np.all(np.isfinite(got))
            np.testing.assert_allclose(got, getattr(basics, name)(big), **close)
    elif name == "image2vector":
        image = rng.random((5, 4, 3))
        got = alt.image2vector(image)
        assert got.shape == (60, 1)
        np.testing.assert_array_equal(got, basics.image2vector(image))
    elif name in ("L1", "L2"):
        yhat, y = rng.random(9), (rng.random(9) > 0.5).astype(float)
        got = getattr(alt, name)(yhat, y)
        assert_scalar(got)
        assert math.isclose(got, getattr(basics, name)(yhat, y), rel_tol=1e-12)
    elif name == "initialize_with_zeros":
        w, b = alt.initialize_with_zeros(6)
        assert w.shape == (6, 1) and w.dtype == np.float64 and not w.any()
        assert isinstance(b, float) and b == 0.0
    elif name == "propagate":
        w, b, X, Y = lr_problem(11, n=5, m=8)
        (grads, cost), (ref_grads, ref_cost) = alt.propagate(w, b, X, Y), lr.propagate(w, b, X, Y)
        assert_scalar(cost)
        assert_scalar(grads["db"])
        assert grads["dw"].shape == (5, 1)
        assert math.isclose(cost, ref_cost, rel_tol=1e-10)
        np.testing.assert_allclose(grads["dw"], ref_grads["dw"], **close)
        assert math.isclose(grads["db"], ref_grads["db"], rel_tol=1e-9, abs_tol=1e-12)
    elif name == "optimize":
        w, b, X, Y = lr_problem(12, n=3, m=6)
        got, ref = alt.optimize(w, b, X, Y, 250, 0.05), lr.optimize(w, b, X, Y, 250, 0.05)
        np.testing.assert_allclose(got[0]["w"], ref[0]["w"], **close)
        assert math.isclose(got[0]["b"], ref[0]["b"], rel_tol=1e-9)
        np.testing.assert_allclose(got[1]["dw"], ref[1]["dw"], **close)
        assert len(got[2]) == 3
        np.testing.assert_allclose(got[2], ref[2], rtol=1e-10)
    elif name == "predict":
        w, b, X, _ = lr_problem(13, n=4, m=10)
        got = alt.predict(w, b, X)
        assert got.shape == (1, 10) and got.dtype == np.float64
        np.testing.assert_array_equal(got, lr.predict(w, b, X))
        np.testing.assert_array_equal(alt.predict(np.zeros((4, 1)), 0.0, X), np.zeros((1, 10)))
    elif name == "model":
        _, _, X, Y = lr_problem(14, n=4, m=12)
        _, _, X_test, Y_test = lr_problem(15, n=4, m=6)
        got = quiet(alt.model, X, Y, X_test, Y_test, num_iterations=300, learning_rate=0.1)
        ref = quiet(lr.model, X, Y, X_test, Y_test, num_iterations=300, learning_rate=0.1)
        assert set(got) == set(ref)
        for key in ("Y_prediction_test", "Y_prediction_train", "w"):
            np.testing.assert_allclose(got[key], ref[key], **close)
        np.testing.assert_allclose(got["costs"], ref["costs"], rtol=1e-10)
        assert math.isclose(got["b"], ref["b"], rel_tol=1e-9)
        assert (got["learning_rate"], got["num_iterations"]) == (0.1, 300)
    else:  # pragma: no cover - a new graded function needs a comparison here
        raise AssertionError(f"no comparison for {name}")


@pytest.mark.parametrize("function", list(dict.fromkeys(BASICS_GRADED + LR_GRADED)))
@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_alternative_agrees_with_reference(
    alternative: str, function: str, basics: ModuleType, lr: ModuleType
) -> None:
    alt = load(FIXTURES / "alternatives" / f"{alternative}.py")
    compare_function(function, alt, basics, lr)


def function_source(path: Path, name: str) -> ast.FunctionDef:
    """The AST of one top-level function of a file."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise AssertionError(f"{name} not defined in {path.name}")


def code_without_docstrings(path: Path) -> str:
    """The source of a module with its docstrings removed (they may name other styles)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    return ast.unparse(tree)


def test_alternatives_use_the_style_they_claim() -> None:
    alt_dir = FIXTURES / "alternatives"
    code = {name: code_without_docstrings(alt_dir / f"{name}.py") for name in ALTERNATIVES}
    assert "np.matmul" in code["matmul"] and "np.dot" not in code["matmul"]
    assert " @ " in code["at_operator"] and "np.dot" not in code["at_operator"]
    assert "np.einsum" in code["einsum"] and "np.dot" not in code["einsum"]
    assert "keepdims" not in code["reshape_not_keepdims"] and "reshape(-1, 1)" in code["reshape_not_keepdims"]
    for name in ("propagate", "predict"):
        loops = [n for n in ast.walk(function_source(alt_dir / "looped.py", name)) if isinstance(n, ast.For)]
        assert loops, f"looped.{name} should loop over the examples"


@pytest.mark.parametrize("alternative", ["at_operator", "einsum", "stable_sigmoid"])
def test_stable_alternatives_never_overflow(alternative: str, basics: ModuleType) -> None:
    alt = load(FIXTURES / "alternatives" / f"{alternative}.py")
    extreme = np.array([[-1e4, -1000.0, -1.0, 0.0, 1.0, 1000.0, 1e4]])
    with strict_numerics():
        s = alt.sigmoid(extreme)
        soft = alt.softmax(extreme)
    np.testing.assert_allclose(s, basics.sigmoid(extreme), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(soft, basics.softmax(extreme), rtol=1e-12, atol=1e-300)


# -------------------------------------------------------------------------- mistakes

# id -> (faulty graded function, helpers it may define alongside)
MISTAKES: dict[str, tuple[str, set[str]]] = {
    "rank1_initialize": ("initialize_with_zeros", set()),
    "int_zeros": ("initialize_with_zeros", set()),
    "transpose_dw": ("propagate", {"sigmoid"}),
    "broadcast_predict": ("predict", {"sigmoid"}),
    "missing_1_over_m": ("propagate", {"sigmoid"}),
    "sign_error": ("propagate", {"sigmoid"}),
    "integer_division": ("propagate", {"sigmoid"}),
    "cost_1x1": ("propagate", {"sigmoid"}),
    "unstable_sigmoid": ("sigmoid", set()),
    "unstable_softmax": ("softmax", set()),
    "math_exp": ("sigmoid", set()),
    "wrong_axis_normalize": ("normalize_rows", set()),
    "missing_keepdims_softmax": ("softmax", set()),
    "predict_ge": ("predict", {"sigmoid"}),
    "inplace_normalize": ("normalize_rows", set()),
    "costs_every_iteration": ("optimize", {"propagate", "sigmoid"}),
    "model_drops_learning_rate": ("model", {"optimize", "propagate", "predict", "sigmoid", "initialize_with_zeros"}),
    "looped_propagate": ("propagate", {"sigmoid"}),
    "wrong_shape_image2vector": ("image2vector", set()),
    "l2_sqrt": ("L2", set()),
    "loss_not_summed": ("L1", set()),
    "softmax_cached_by_id": ("softmax", set()),
    "propagate_cached_by_shape": ("propagate", set()),
    "softmax_inplace_shift": ("softmax", set()),
    "optimize_inplace": ("optimize", set()),
}


def mistake(name: str) -> ModuleType:
    return load(FIXTURES / "mistakes" / f"{name}.py")


def test_mistake_files_are_exactly_the_catalogue() -> None:
    assert {p.stem for p in (FIXTURES / "mistakes").glob("*.py")} == set(MISTAKES)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_mistake_defines_only_its_function_and_names_it(name: str) -> None:
    tree = ast.parse((FIXTURES / "mistakes" / f"{name}.py").read_text())
    doc = ast.get_docstring(tree)
    assert doc and "\n" not in doc.strip() and doc.startswith("Mistake")
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    faulty, helpers = MISTAKES[name]
    assert defined == {faulty} | helpers


def test_mistake_model_drops_learning_rate(lr: ModuleType) -> None:
    _, Y, X, _ = lr_problem(25, n=4, m=9)
    got = mistake("model_drops_learning_rate").model(X, Y, X, Y, num_iterations=101, learning_rate=0.5)
    default = lr.model(X, Y, X, Y, num_iterations=101, learning_rate=0.009)
    np.testing.assert_allclose(got["costs"], default["costs"])
    assert not np.allclose(got["costs"], lr.model(X, Y, X, Y, num_iterations=101, learning_rate=0.5)["costs"])


def test_mistake_rank1_initialize() -> None:
    w, b = mistake("rank1_initialize").initialize_with_zeros(5)
    assert w.shape == (5,) and b == 0.0


def test_mistake_int_zeros() -> None:
    w, b = mistake("int_zeros").initialize_with_zeros(5)
    assert w.shape == (5, 1) and np.issubdtype(w.dtype, np.integer)
    assert type(b) is int


def test_mistake_transpose_dw(lr: ModuleType) -> None:
    w, b, X, Y = lr_problem(20, n=4, m=7)
    grads, _ = mistake("transpose_dw").propagate(w, b, X, Y)
    assert grads["dw"].shape == (1, 4)
    np.testing.assert_allclose(grads["dw"].T, lr.propagate(w, b, X, Y)[0]["dw"])


def test_mistake_broadcast_predict(lr: ModuleType) -> None:
    w, b, X, _ = lr_problem(21, n=4, m=7)
    assert mistake("broadcast_predict").predict(w, b, X).shape == (7, 7)
    assert lr.predict(w, b, X).shape == (1, 7)


def test_mistake_missing_1_over_m(lr: ModuleType) -> None:
    w, b, X, Y = lr_problem(22, n=4, m=7)
    (grads, cost), (ref, ref_cost) = mistake("missing_1_over_m").propagate(w, b, X, Y), lr.propagate(w, b, X, Y)
    np.testing.assert_allclose(grads["dw"], 7 * ref["dw"])
    assert math.isclose(grads["db"], 7 * ref["db"]) and math.isclose(cost, ref_cost)


def test_mistake_sign_error(lr: ModuleType) -> None:
    w, b, X, Y = lr_problem(23, n=4, m=7)
    (grads, cost), (ref, ref_cost) = mistake("sign_error").propagate(w, b, X, Y), lr.propagate(w, b, X, Y)
    np.testing.assert_allclose(grads["dw"], -ref["dw"])
    assert math.isclose(grads["db"], -ref["db"]) and math.isclose(cost, ref_cost)


def test_mistake_integer_division(lr: ModuleType) -> None:
    w, b, X, Y = lr_problem(24, n=4, m=7)
    grads, _ = mistake("integer_division").propagate(w, b, X, Y)
    ref_db = lr.propagate(w, b, X, Y)[0]["db"]
    assert grads["db"] == math.floor(ref_db * 7) // 7 and not math.isclose(grads["db"], ref_db)


def test_mistake_cost_1x1(lr: ModuleType) -> None:
    w, b, X, Y = lr_problem(25, n=4, m=7)
    _, cost = mistake("cost_1x1").propagate(w, b, X, Y)
    assert isinstance(cost, np.ndarray) and cost.shape == (1, 1)
    assert math.isclose(cost[0, 0], lr.propagate(w, b, X, Y)[1])


def test_mistake_unstable_sigmoid(lr: ModuleType) -> None:
    sigmoid = mistake("unstable_sigmoid").sigmoid
    x = np.random.default_rng(26).normal(size=(3, 5))
    np.testing.assert_allclose(sigmoid(x), lr.sigmoid(x))  # fine for moderate inputs
    with np.errstate(all="ignore"):
        assert np.isnan(sigmoid(np.array([1000.0]))).all()


def test_mistake_unstable_softmax(basics: ModuleType) -> None:
    softmax = mistake("unstable_softmax").softmax
    x = np.random.default_rng(27).normal(size=(3, 5))
    np.testing.assert_allclose(softmax(x), basics.softmax(x))
    with np.errstate(all="ignore"):
        assert np.isnan(softmax(x + 1000.0)).any()


def test_mistake_math_exp() -> None:
    sigmoid = mistake("math_exp").sigmoid
    assert math.isclose(sigmoid(0.0), 0.5)
    with pytest.raises(TypeError):
        sigmoid(np.array([1.0, 2.0, 3.0]))


def test_mistake_wrong_axis_normalize(basics: ModuleType) -> None:
    x = np.random.default_rng(28).normal(size=(3, 5))
    got = mistake("wrong_axis_normalize").normalize_rows(x)
    np.testing.assert_allclose(np.linalg.norm(got, axis=0), 1.0)
    assert not np.allclose(got, basics.normalize_rows(x))


def test_mistake_missing_keepdims_softmax(basics: ModuleType) -> None:
    softmax = mistake("missing_keepdims_softmax").softmax
    with pytest.raises(ValueError):  # (3, 5) / (3,) cannot broadcast
        softmax(np.random.default_rng(29).normal(size=(3, 5)))
    square = np.random.default_rng(30).normal(size=(4, 4))
    assert not np.allclose(softmax(square), basics.softmax(square))  # silently wrong


def test_mistake_predict_ge(lr: ModuleType) -> None:
    predict = mistake("predict_ge").predict
    w, b, X, _ = lr_problem(31, n=4, m=7)
    np.testing.assert_array_equal(predict(w, b, X), lr.predict(w, b, X))
    zero_w = np.zeros((4, 1))
    assert predict(zero_w, 0.0, X).all() and not lr.predict(zero_w, 0.0, X).any()


def test_mistake_inplace_normalize(basics: ModuleType) -> None:
    x = np.random.default_rng(32).normal(size=(3, 5))
    original = x.copy()
    got = mistake("inplace_normalize").normalize_rows(x)
    np.testing.assert_allclose(got, basics.normalize_rows(original))
    assert got is x and not np.array_equal(x, original)


def test_mistake_costs_every_iteration(lr: ModuleType) -> None:
    w, b, X, Y = lr_problem(33, n=3, m=6)
    params, _, costs = mistake("costs_every_iteration").optimize(w, b, X, Y, 250, 0.05)
    ref_params, _, ref_costs = lr.optimize(w, b, X, Y, 250, 0.05)
    assert len(costs) == 250 and len(ref_costs) == 3
    np.testing.assert_allclose(costs[::100], ref_costs)
    np.testing.assert_allclose(params["w"], ref_params["w"])


def test_mistake_looped_propagate_is_right_but_loops(lr: ModuleType) -> None:
    w, b, X, Y = lr_problem(34, n=4, m=7)
    (grads, cost), (ref, ref_cost) = mistake("looped_propagate").propagate(w, b, X, Y), lr.propagate(w, b, X, Y)
    np.testing.assert_allclose(grads["dw"], ref["dw"])
    assert math.isclose(grads["db"], ref["db"]) and math.isclose(cost, ref_cost)
    fn = function_source(FIXTURES / "mistakes" / "looped_propagate.py", "propagate")
    assert any(isinstance(n, ast.For) for n in ast.walk(fn))


def test_mistake_wrong_shape_image2vector(basics: ModuleType) -> None:
    image = np.random.default_rng(35).random((4, 3, 2))
    got = mistake("wrong_shape_image2vector").image2vector(image)
    assert got.shape == (1, 24)
    np.testing.assert_array_equal(got.T, basics.image2vector(image))


def test_mistake_l2_sqrt(basics: ModuleType) -> None:
    rng = np.random.default_rng(36)
    yhat, y = rng.random(8), (rng.random(8) > 0.5).astype(float)
    got = mistake("l2_sqrt").L2(yhat, y)
    assert math.isclose(got**2, basics.L2(yhat, y)) and not math.isclose(got, basics.L2(yhat, y))


def test_mistake_loss_not_summed(basics: ModuleType) -> None:
    rng = np.random.default_rng(37)
    yhat, y = rng.random(8), (rng.random(8) > 0.5).astype(float)
    got = mistake("loss_not_summed").L1(yhat, y)
    assert np.shape(got) == (8,)
    assert math.isclose(np.sum(got), basics.L1(yhat, y))


# -------------------------------------------------------------------------- starters


def starter_cells(path: Path) -> dict[str, str]:
    """Graded function name -> source of its cell, from the percent-format starter."""
    graded = {}
    for cell in path.read_text().split("\n# %%"):
        body = cell.split("\n", 1)[1].strip() if "\n" in cell else ""
        if body.startswith("# GRADED FUNCTION:"):
            graded[body.split("\n", 1)[0].split(":", 1)[1].strip()] = body
    return graded


def starter_functions(path: Path) -> dict[str, Callable[..., Any]]:
    """Only the function definitions of a starter, as the grader takes them."""
    tree = ast.parse(path.read_text())
    defs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    namespace: dict[str, Any] = {"np": np, "math": math}
    exec(compile(ast.Module(body=defs, type_ignores=[]), str(path), "exec"), namespace)
    return {node.name: namespace[node.name] for node in defs}


@pytest.mark.parametrize(
    ("stem", "graded"), [("python_basics", BASICS_GRADED), ("logistic_regression", LR_GRADED)]
)
def test_starter_graded_cells_follow_the_course_layout(stem: str, graded: list[str]) -> None:
    cells = starter_cells(EXERCISES / f"{stem}.py")
    assert list(cells) == graded
    for name, source in cells.items():
        fn = ast.parse(source).body[0]
        assert isinstance(fn, ast.FunctionDef) and fn.name == name
        doc = ast.get_docstring(fn) or ""
        assert "Arguments:" in doc and "Returns:" in doc
        assert source.count("### START CODE HERE ###") == source.count("### END CODE HERE ###") >= 1
        assert "= None" in source


def test_basic_sigmoid_is_an_ungraded_warm_up() -> None:
    source = (EXERCISES / "python_basics.py").read_text()
    assert "def basic_sigmoid(x)" in source
    assert "GRADED FUNCTION: basic_sigmoid" not in source
    assert "basic_sigmoid" in starter_functions(EXERCISES / "python_basics.py")


def leaves(value: Any) -> Iterator[Any]:
    """Every non-container value inside nested tuples, lists and dicts."""
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from leaves(item)
    else:
        yield value


def test_starter_python_basics_returns_placeholders() -> None:
    fns = starter_functions(EXERCISES / "python_basics.py")
    x = np.random.default_rng(40).normal(size=(3, 5))
    calls = {
        "sigmoid": (x,),
        "sigmoid_derivative": (x,),
        "image2vector": (np.zeros((4, 3, 2)),),
        "normalize_rows": (x,),
        "softmax": (x,),
        "L1": (x[0], x[1]),
        "L2": (x[0], x[1]),
    }
    assert set(calls) == set(BASICS_GRADED)
    for name, args in calls.items():
        assert fns[name](*args) is None, name


def test_starter_logistic_regression_returns_placeholders() -> None:
    fns = starter_functions(EXERCISES / "logistic_regression.py")
    w, b, X, Y = lr_problem(41)
    results = {
        "sigmoid": fns["sigmoid"](X),
        "initialize_with_zeros": fns["initialize_with_zeros"](4),
        "propagate": fns["propagate"](w, b, X, Y),
        "optimize": fns["optimize"](w, b, X, Y, num_iterations=250),
        "predict": fns["predict"](w, b, X),
        "model": quiet(fns["model"], X, Y, X, Y, num_iterations=50),
    }
    assert set(results) == set(LR_GRADED)
    for name, result in results.items():
        if name == "model":
            # learning_rate / num_iterations are echoed arguments, not computed values.
            result = {k: v for k, v in result.items() if k not in ("learning_rate", "num_iterations")}
        values = list(leaves(result))
        assert values and all(v is None for v in values), f"{name} returned {result!r}"
