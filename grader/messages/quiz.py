"""English catalog: The quiz: answers, forms, the terminal session, feedback and results (grader/quiz/).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- quizzes -------------------------------------------------------------------------------
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
    "quiz.file.answers_file": "answers file",
    "quiz.file.quiz_file": "quiz file",
    "quiz.file.not_utf8": "not UTF-8 text",
    "quiz.file.other_learner": "the form names the learner {learner!r}: grade it with --learner ID",
    "quiz.file.seed": (
        "this form was made for another variant of the quiz (seed {form_seed}) than the one of learner {learner} "
        "(seed {seed}): every learner answers their own variant, picked from the exercise and the learner id. "
        "Grade the form with the --learner its first line names, or write a form for {learner} with --blank"
    ),
    "quiz.feedback.answer": "Your answer: {answer}",
    "quiz.feedback.skipped": "(skipped)",
    "quiz.feedback.key": "Key: {key}",
    "quiz.feedback.tolerance": "{key} (answers within {tolerance} count)",
    "quiz.feedback.or": " or ",
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
