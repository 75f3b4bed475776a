"""English catalog: the learner's views of one report (terminal and HTML), the class report's page, the
exports and a learners' copy (grader/views/, grader/classroom/, grader/model/recorded.py).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "views.likely_mistake": "Likely mistake:",
    # -- what a course server shows a learner of a report before the due date (grader/course/policy.py) --
    "view.hidden.after_due": "A hidden check: its feedback is shown after the due date.",
    "view.hidden.score_only": "A hidden check: only its score is shown.",
    "view.hidden.description": "hidden check",
    "view.quiz.right": "Right.",
    "view.quiz.wrong_after_due": "Not right: the key and the explanation are shown after the due date.",
    "view.quiz.wrong": "Not right.",
    "class.similar_link": "similar submissions",  # how a diagnosis paragraph starts (said once for several checks)
    # -- the learner's views (terminal and HTML) -----------------------------------------------
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
    # -- the terminal view's labels (grader/views/terminal.py) ----------------------------------------
    "view.status.passed": "✓ passed",
    "view.status.failed": "✗ failed",
    "view.status.error": "! error",
    "view.status.timeout": "⏱ timeout",
    "view.status.unknown": "? {status}",
    "view.advice.ok": "ok",
    "view.advice.advice": "advice",
    "view.column.status": "Status",
    "view.column.points": "Points",
    "view.column.check": "Check",
    "view.column.feedback": "Feedback",
    "view.hidden_tag": " (hidden)",
    "view.defined_in": "defined in {where}",
    "view.not_found": "not found",
    "view.no_checks": "no checks",
    "view.all_passed": "all {count} checks passed",
    "view.notes_title": "What the grader skipped in your files",
    "view.total": "Total: ",
    "view.total_points": "{points} / {max_points} ({percent:.1f}%)",
    "view.no_graded_checks": "no graded checks",
    "view.seed": "Seed {seed}",
    "view.reproduce": " (reproduce with --seed {seed})",
    "view.inactive_line": "Inactive protections: ",
    # -- the HTML page of one report (grader/views/html.py, templates/report.html.j2) -------------------
    # Its texts are HTML: &, < and > are escaped, quotes are not (an attribute's text has none).
    "html.lang": "en",
    "html.score": "Score",
    "html.seed": "Seed",
    "html.reproduce_with": "reproduce with",
    "html.submission": "Submission",
    "html.graded_at": "Graded at",
    "html.files": "Files",
    "html.topics": "Topics",
    "html.functions": "Functions",
    "html.topic": "Topic",
    "html.function": "Function",
    "html.checks": "Checks",
    "html.points": "Points",
    "html.status": "Status",
    "html.not_found_in_files": "not found in your files",
    "html.defined_in": "defined in",
    "html.hidden_title": "This check's inputs are not shown in the notebook",
    "html.hidden": "hidden",
    "html.advice_title": "Advice checks are worth no points",
    "html.no_points": "no points",
    "html.seconds": "{seconds} s",
    "html.your_answer": "Your answer",
    "html.key": "Key",
    "html.explanation": "Explanation",
    "html.no_checks_ran": "No checks ran for this function.",
    "html.protections": "Protections",
    "html.none_reported": "None reported.",
    "html.timings": "Timings",
    "html.unknown_version": "(unknown version)",
    "html.report_schema": "report schema",
    "html.label.passed": "passed",
    "html.label.failed": "failed",
    "html.label.error": "error",
    "html.label.timeout": "timeout",
    "html.label.ok": "ok",
    "html.label.advice": "advice",
    "html.function.not_found": "not found",
    "html.function.no_graded_checks": "no graded checks",
    "html.function.complete": "complete",
    "html.function.partial": "partial",
    "html.function.no_points_yet": "no points yet",
    "html.count.passed": "{count} passed",
    "html.count.failed": "{count} failed",
    "html.count.error": "{count} error",
    "html.count.timeout": "{count} timeout",
    "html.count.advice": "{count} advice",
    "html.count.none": "none",
    # -- the class report's page (grader/classroom/class_html.py, templates/class_report.html.j2) ------
    "class.title": "{title} · class report",
    "class.subtitle": "Class report",
    "class.mean_score": "mean code score",
    "class.learners": "Learners",
    "class.code_submissions": "Code submissions",
    "class.median": "Median",
    "class.range": "Range",
    "class.quiz_takers": "Quiz takers",
    "class.distribution": "Score distribution",
    "class.distribution_lead": "Learners per band of the code score (latest submission of each learner).",
    "class.histogram_title": "Histogram of code scores in 10% bands",
    "class.score_axis": "score (%)",
    "class.bar_title": "{count} learners scored {low}% to under {high}%",
    "class.bar_title_one": "1 learner scored {low}% to under {high}%",
    "class.bar_title_last": "{count} learners scored {low}% to {high}%",
    "class.bar_title_last_one": "1 learner scored {low}% to {high}%",
    "class.mistakes": "Most common mistakes",
    "class.mistakes_lead": (
        'Failed checks grouped by the mistake their feedback names ("Likely mistake: ..."), per function; '
        "each learner counts once."
    ),
    "class.of_learners": "of learners",
    "class.count_of": "({count} of {size})",
    "class.in": "in",
    "class.who": "who",
    "class.functions": "Graded functions",
    "class.functions_lead": "Share of learners with full marks on each function, and the mean points.",
    "class.function": "Function",
    "class.full_marks": "Full marks",
    "class.mean_points": "Mean points",
    "class.checks": "Checks",
    "class.checks_lead": (
        "Share of learners whose check passed. Hidden checks run on fresh random inputs; advice checks are worth "
        "no points."
    ),
    "class.check": "Check",
    "class.passed": "Passed",
    "class.hidden": "hidden",
    "class.advice": "advice",
    "class.quiz_items": "Quiz items",
    "class.quiz_lead": (
        "Difficulty: the share of learners who earned all of an item's points (higher is easier).\n"
        "    Discrimination: the correlation of the item's credit with the rest of the quiz score (point-biserial "
        "for all-or-nothing items);\n    below 0.2 the item barely separates strong from weak learners."
    ),
    "class.item": "Item",
    "class.topic": "Topic",
    "class.correct": "Correct",
    "class.mean_credit": "Mean credit",
    "class.discrimination": "Discrimination",
    "class.flags": "Flags",
    "class.flag.easy": "easy",
    "class.flag.hard": "hard",
    "class.flag.weak": "weak discrimination",
    "class.learners_lead": "Latest code submission and quiz of each learner{linked}.",
    "class.learners_linked": "; a name opens the learner's feedback page",
    "class.learner": "Learner",
    "class.code": "Code",
    "class.score": "Score",
    "class.quiz": "Quiz",
    "class.submitted": "Submitted",
    "class.generated": "Generated by dl-grader at {time} from each learner's latest submission in the gradebook.",
    # -- exports -------------------------------------------------------------------------------
    "gradescope.summary": (
        "{exercise}: {points} / {max_points} ({percent:.1f}%). Hidden checks run on fresh random inputs "
        "(seed {seed}); their results appear here once your instructor publishes the grades."
    ),
    # -- a learners' copy (grade release) ------------------------------------------------------
    "copy.hidden_not_run": (
        "This is a learners' copy: the hidden checks{worth} are not run here, and the total counts the public "
        "checks only. The hidden checks run when you submit to {submit_to}."
    ),
    "copy.hidden_worth": " ({count} checks, {points:g} points)",
    "copy.submit_to": "your instructor",
}
