"""Reference solution for week 2, part 2: logistic regression as a neural network.

Notation: X has shape (n_x, m) (one example per column), Y has shape (1, m),
w has shape (n_x, 1) and b is a scalar. No function loops over the examples.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Element-wise sigmoid 1 / (1 + exp(-z)), numerically stable.

    Arguments:
    z -- a scalar or numpy array of any size

    Returns:
    s -- sigmoid(z), same shape as z
    """
    z = np.asarray(z, dtype=float)
    # exp(-|z|) never overflows; pick the algebraically equal form for each sign.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def initialize_with_zeros(dim: int) -> tuple[np.ndarray, float]:
    """Create a zero weight column vector and a zero bias.

    Arguments:
    dim -- size of the w vector we want (the number of features n_x)

    Returns:
    w -- initialized vector of shape (dim, 1), float
    b -- initialized scalar (the bias), a Python float
    """
    return np.zeros((dim, 1)), 0.0


def propagate(
    w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray
) -> tuple[dict[str, np.ndarray | float], float]:
    """Forward pass (cost) and backward pass (gradients) of logistic regression.

    Arguments:
    w -- weights, a numpy array of shape (n_x, 1)
    b -- bias, a scalar
    X -- data of shape (n_x, m)
    Y -- true "label" vector (0 or 1) of shape (1, m)

    Returns:
    grads -- dictionary with "dw" (shape (n_x, 1), like w) and "db" (a scalar, like b)
    cost -- negative log-likelihood cost for logistic regression, a scalar
    """
    m = X.shape[1]
    Z = np.dot(w.T, X) + b
    A = sigmoid(Z)
    # -[y log(a) + (1-y) log(1-a)] equals log(1 + e^z) - y z; logaddexp evaluates
    # that without ever taking log(0), even when a rounds to exactly 0 or 1.
    cost = np.sum(np.logaddexp(0.0, Z) - Y * Z) / m
    dZ = A - Y
    dw = np.dot(X, dZ.T) / m
    db = np.sum(dZ) / m
    return {"dw": dw, "db": db}, float(cost)


def optimize(
    w: np.ndarray,
    b: float,
    X: np.ndarray,
    Y: np.ndarray,
    num_iterations: int = 100,
    learning_rate: float = 0.009,
    print_cost: bool = False,
) -> tuple[dict, dict, list[float]]:
    """Learn w and b by batch gradient descent.

    Arguments:
    w -- weights, a numpy array of shape (n_x, 1)
    b -- bias, a scalar
    X -- data of shape (n_x, m)
    Y -- true "label" vector (0 or 1) of shape (1, m)
    num_iterations -- number of iterations of the optimization loop
    learning_rate -- learning rate of the gradient descent update rule
    print_cost -- True to print the cost every 100 steps

    Returns:
    params -- dictionary containing the weights "w" and bias "b"
    grads -- dictionary with the gradients "dw" and "db" of the last iteration
    costs -- list of the costs computed every 100 iterations (at i = 0, 100, ...)
    """
    costs = []
    grads: dict = {}
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        # Rebinding (not -=) leaves the caller's array untouched.
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))
    return {"w": w, "b": b}, grads, costs


def predict(w: np.ndarray, b: float, X: np.ndarray) -> np.ndarray:
    """Predict 0/1 labels with learned logistic regression parameters.

    Arguments:
    w -- weights, a numpy array of shape (n_x, 1)
    b -- bias, a scalar
    X -- data of shape (n_x, m)

    Returns:
    Y_prediction -- numpy array of shape (1, m) of 0.0/1.0: 1.0 where A > 0.5
    """
    A = sigmoid(np.dot(w.reshape(-1, 1).T, X) + b)
    return (A > 0.5).astype(float)


def model(
    X_train: np.ndarray,
    Y_train: np.ndarray,
    X_test: np.ndarray,
    Y_test: np.ndarray,
    num_iterations: int = 2000,
    learning_rate: float = 0.5,
    print_cost: bool = False,
) -> dict:
    """Build the logistic regression model from the functions above.

    Arguments:
    X_train -- training set, a numpy array of shape (n_x, m_train)
    Y_train -- training labels, a numpy array of shape (1, m_train)
    X_test -- test set, a numpy array of shape (n_x, m_test)
    Y_test -- test labels, a numpy array of shape (1, m_test)
    num_iterations -- number of gradient descent iterations
    learning_rate -- learning rate used in the update rule of optimize()
    print_cost -- True to print the cost every 100 iterations

    Returns:
    d -- dictionary with "costs", "Y_prediction_test", "Y_prediction_train",
         "w", "b", "learning_rate" and "num_iterations"
    """
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(
        w, b, X_train, Y_train, num_iterations, learning_rate, print_cost
    )
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)

    # Accuracy = 100% minus the percentage of wrong 0/1 predictions.
    train_accuracy = 100 - np.mean(np.abs(Y_prediction_train - Y_train)) * 100
    test_accuracy = 100 - np.mean(np.abs(Y_prediction_test - Y_test)) * 100
    print("train accuracy: {} %".format(train_accuracy))
    print("test accuracy: {} %".format(test_accuracy))

    return {
        "costs": costs,
        "Y_prediction_test": Y_prediction_test,
        "Y_prediction_train": Y_prediction_train,
        "w": w,
        "b": b,
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }
