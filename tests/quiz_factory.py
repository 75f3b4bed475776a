"""A small quiz with every kind of question, written into a temporary exercise folder.

``write_exercise(tmp_path)`` makes ``tmp_path/sample/`` with an exercise.toml and the
quiz ``SAMPLE_QUIZ`` (or the text given), and returns the folder; ``perfect_answers``
gives the answers form of a run filled in with the keys.
"""

from __future__ import annotations

from pathlib import Path

from grader.quiz import QuizRun
from grader.quiz.answers import key_as_answer

SAMPLE_QUIZ = """\
[quiz]
title = "Sample quiz"

[[questions]]
id = "single-q"
topic = "choices"
kind = "single"
shuffle = false
text = "Which is a rank-1 shape?"
choices = ["(5,)", "(5, 1)", "(1, 5)"]
answer = "(5,)"
explanation = "One axis only."

[[questions]]
id = "multi-q"
topic = "choices"
kind = "multiple"
shuffle = false
points = 3
text = "Which are element-wise numpy functions?"
choices = ["np.exp", "np.log", "math.exp", "np.abs"]
answer = ["np.exp", "np.log", "np.abs"]
explanation = "math works on single numbers."

[[questions]]
id = "num-q"
topic = "numbers"
kind = "numeric"
tolerance = 0.01
text = "What is 1/3 to two decimals?"
answer = 0.3333
explanation = "One third."

[[questions]]
id = "text-q"
topic = "words"
kind = "text"
text = "Name the activation max(0, z)."
answer = "ReLU"
accept = ["rectified linear unit"]
explanation = "The rectified linear unit."

[[questions]]
id = "shape-q"
topic = "numpy"
kind = "shape"
text = "What is the shape of np.dot(a.T, b) when a and b have shape (1, 5)?"
code = '''
a = np.ones((1, 5))
b = np.ones((1, 5))
answer = np.dot(a.T, b).shape
'''
explanation = "An outer product: {answer}."

[[questions]]
id = "param-q"
topic = "numbers"
kind = "numeric"
text = "Output width for W = {W}, F = {F}, S = {S}, P = {P}?"
code = '''
answer = (W - F + 2 * P) // S + 1
'''
explanation = "(W - F + 2P) / S + 1 = {answer}."
where = "(W - F + 2 * P) % S == 0"
[questions.params]
W = { min = 5, max = 64 }
F = [1, 3, 5]
S = [1, 2]
P = { min = 0, max = 2 }
"""

IDS = ["single-q", "multi-q", "num-q", "text-q", "shape-q", "param-q"]


def write_exercise(root: Path, quiz: str = SAMPLE_QUIZ, name: str = "sample") -> Path:
    """An exercise folder ``root/name`` holding ``quiz`` as its quiz.toml; returns the folder."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "exercise.toml").write_text(f'[exercise]\nname = "{name}"\ntitle = "Sample"\n', encoding="utf-8")
    (folder / "quiz.toml").write_text(quiz, encoding="utf-8")
    return folder


def keys_by_id(run: QuizRun) -> dict[str, str]:
    """The answer that earns full marks, per question id, for this run's variants."""
    return {v.id: key_as_answer(v) for v in run.variants}


def filled_form(run: QuizRun, answers: dict[str, str] | None = None) -> str:
    """The run's blank form with each ``id = `` line filled (keys unless ``answers`` says otherwise)."""
    chosen = {**keys_by_id(run), **(answers or {})}
    lines = []
    for line in run.blank_form().splitlines():
        qid = line.removesuffix(" = ").strip()
        lines.append(f"{qid} = {chosen[qid]}" if line.endswith(" = ") and qid in chosen else line)
    return "\n".join(lines) + "\n"
