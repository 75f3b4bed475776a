"""English catalog: What reading the submitted files says: notebooks that cannot be read, files without code
(grader/ingest/).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- reading the submitted files -----------------------------------------------------------
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
    # -- reading a file a learner gave (grader/ingest/reading.py) ----------------------------------
    "file.too_large": "{path}: file is larger than {limit} MB",
    "file.cannot_read": "{path}: cannot read ({reason})",
    "file.missing": "{path}: no such file",
    "file.symlink": "{path}: is a symbolic link; submit the file itself",
    "file.directory": "{path}: is a directory",
    "file.not_regular": "{path}: is not a regular file (a device, FIFO or socket); submit a .py or .ipynb file",
    "file.binary": "{path}: is a binary file, not Python source or a notebook",
    "file.not_utf8": "{path}: is not UTF-8 text (bad byte at offset {offset}); save it as UTF-8",
    "source.cell_skipped": "cell does not parse and was skipped: {error}",
    "source.block_skipped": "a block does not parse and was skipped: {error}",
    # where a graded function's definition does not parse (said after its file's name, in error.unparsed)
    "source.unparsed_in_cell": "cell {cell}, line {line} does not parse: {reason}",
    "source.unparsed": "line {line} does not parse: {reason}",
    "source.deadline": (
        "the submission could not be read within {seconds:g} s (far too many definitions or cells): split it or "
        "remove what is not needed"
    ),
}
