# Helpers the course gives learners for week 3 (it imports them from planar_utils).
import numpy as np

# The grader runs this before each learner module, so a notebook that calls
# sigmoid without defining it is graded as it runs in the course.


def sigmoid(x):
    """Element-wise sigmoid 1 / (1 + exp(-x)) of a scalar or numpy array."""
    return 1.0 / (1.0 + np.exp(-x))
