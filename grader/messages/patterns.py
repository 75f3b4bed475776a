"""English catalog: the common check patterns of grader/checks/patterns.py (bias columns, a caller's
dictionary left unchanged, random initialization), with the short names of their diagnoses.
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
    # -- the caller's dictionary of arrays, unchanged -------------------------------------------
    "unchanged.dict_changed": "{function} changed the caller's {name}: {change}.",
    "unchanged.replaced": "{arg} was replaced by {after}",
}
