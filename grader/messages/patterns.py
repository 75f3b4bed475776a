"""English catalog: the common check patterns of grader/checks/patterns.py (bias columns, random
initialization, a caller's dictionary left unchanged), with the short names of their diagnoses.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- a bias (or the gradient of one): a column of one value per unit ------------------------
    "bias.single_number": "{name} is the single number {got}, expected an array of shape {want_shape}.",
    "bias.summed": (
        "Likely mistake: {short} was summed over all its entries (or squeezed) into one number. "
        "It needs one value per unit: {what}."
    ),
    "bias.square": (
        "Likely mistake: a square ({n}, {n}) bias. A bias has one entry per unit of the layer, as a "
        "column: {what}."
    ),
    "bias.rank1": (
        "Likely mistake: a rank-1 array. Summing over axis=1 drops that axis; keep it as a column "
        "with keepdims=True: {what}."
    ),
    "diagnosis.bias.summed": "{short} was summed over all its entries (or squeezed) into one number",
    "diagnosis.bias.square": "a square ({n}, {n}) bias",
    "diagnosis.bias.rank1": "a rank-1 array",
    # -- random initialization, judged by statistics ---------------------------------------------
    "init.zeros": "{name} is all zeros.",
    "init.zeros_hint": (
        "Likely mistake: zero initialization. With equal weights every unit of a layer computes the same "
        "thing and receives the same gradient, so the units stay identical forever (symmetry is never "
        "broken). Use {formula}."
    ),
    "init.constant": "{name} has every entry equal to {value}.",
    "init.constant_hint": (
        "Likely mistake: constant initialization does not break symmetry: every unit would learn the same "
        "thing. Use random values: {formula}."
    ),
    "init.nonnegative": "every entry of {name} is >= 0 (the smallest is {smallest}).",
    "init.nonnegative_hint": (
        "Likely mistake: np.random.rand draws uniformly from [0, 1); the course uses np.random.randn "
        "(a standard normal, centred on 0): {formula}."
    ),
    "init.too_large": "{name} has entries as large as {largest:.4g}; {draw} stays within about +-{bound:.2g}.",
    "init.shifted": (
        "the entries of {name} average {mean:.4g}; {draw} averages 0 (|mean| < {bound:.2g} for {count} entries)."
    ),
    "init.shifted_hint": "Likely mistake: the weights are shifted; use {short}, without an offset.",
    "init.spread": "the entries of {name} have standard deviation {std:.4g}; {draw} gives about {target:.2g}.",
    "init.no_factor": (
        "Likely mistake: the factor {factor} is missing: W = {formula}. Large initial weights push the "
        "sigmoid output into its flat region, where learning is slow."
    ),
    "init.xavier": (
        "Likely mistake: you divided by np.sqrt({fan_in}) (the scaling of the course's later application "
        "notebook); this exercise asks for {asks}."
    ),
    "init.he": "Likely mistake: you used He initialization (np.sqrt(2 / {fan_in})); this exercise asks for {asks}.",
    "init.tenth": "Likely mistake: the scale is 0.1; this exercise asks for {asks}.",
    "init.hundredth": "Likely mistake: the scale is 0.01 (the course's first networks); this exercise asks for {asks}.",
    "init.use": "Use W = {formula}.",
    "diagnosis.init.zeros_hint": "zero initialization",
    "diagnosis.init.constant_hint": "constant initialization does not break symmetry",
    "diagnosis.init.nonnegative_hint": "np.random.rand draws uniformly from [0, 1)",
    "diagnosis.init.shifted_hint": "the weights are shifted",
    "diagnosis.init.no_factor": "the factor {factor} is missing",
    "diagnosis.init.xavier": "you divided by np.sqrt({fan_in}) (the scaling of the course's later application notebook)",
    "diagnosis.init.he": "you used He initialization (np.sqrt(2 / {fan_in}))",
    "diagnosis.init.tenth": "the scale is 0.1",
    "diagnosis.init.hundredth": "the scale is 0.01 (the course's first networks)",
    # -- the caller's dictionary of arrays, unchanged -------------------------------------------
    "unchanged.dict_changed": "{function} changed the caller's {name}: {change}.",
    "unchanged.replaced": "{arg} was replaced by {after}",
}
