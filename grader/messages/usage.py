"""English catalog: usage errors, a command that cannot do what it was asked (the CLI prints them and exits
2): raise ``grader.errors.usage_error(id, **fields)``.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- grading only some functions (--only) ---------------------------------------------------
    "usage.unknown_language": "note: no {language!r} translation ({known} are available): showing English.",
    "usage.only_not_recorded": "Graded only {functions} (--only): a partial grade, not recorded in the gradebook.",
    "usage.only_unknown": (
        "--only: {names} is not a graded function of {exercise} (its functions: {functions})"
    ),
    # -- quizzes -------------------------------------------------------------------------------
    "quiz.nothing_to_submit": (
        "{exercise} has no graded functions: there is nothing to submit there. It is a quiz: take it with "
        "`grade quiz {exercise}`."
    ),
    "quiz.no_quiz": "{folder}: this exercise has no quiz (no quiz.toml in its folder)",
    "quiz.modes": "--answers, --blank and --validate are different modes: use one at a time",
    "usage.cannot_read": "{path}: cannot read the {what} ({reason})",
    "usage.too_large": "{path}: the {what} is larger than {kb} KB: not read",
    "usage.quiz_question": "{path}:{line}: question {id!r}: {problem}",
    # -- making a learners' copy of a quiz (grade release) ---------------------------------------
    "usage.release.practice": (
        "quiz.toml: could not mark it as a practice quiz: write its [quiz] table with one key per line (or leave "
        "released out of it)"
    ),
    "usage.release.value": "cannot write {value!r} into a learners' copy of a quiz",
    "usage.release.fails": "the learners' copy fails on seed {seed}: {error}",
    "usage.release.differs": "the learners' copy shows another text or other choices than the quiz on seed {seed}",
    "usage.release.computed_choices": (
        "its code computes other choices for other learners; a learners' copy lists them without the code: make "
        "them fixed"
    ),
    "usage.release.shown_depends": (
        "what its text shows ({shown}) depends on line {line}, which sets the key: compute what the text shows "
        "in statements of their own"
    ),
    # -- grading a class (grade batch, grade similar, exports) ---------------------------------------
    "usage.not_submissions_folder": "{folder}: not a folder of submissions",
    "usage.similar.no_functions": "{exercise} has no graded functions: there is no code to compare (it is a quiz)",
    "usage.similar.too_large": "too large or too deeply nested to compare",
    "usage.dask.extra": "--dask needs the optional extra: pip install 'dl-grader[dask]'",
    "usage.dask.unreachable": "cannot reach the Dask scheduler at {address} ({error})",
    "usage.export.id_column": "--id-column must be one of {choices}; got {given!r}",
    "usage.export.canvas_id": "a Canvas assignment id is a number (the one in the assignment's address); got {given!r}",
    "usage.export.identifier": "--identifier must be one of {choices}; got {given!r}",
    "usage.cannot_write": "{path}: cannot write ({reason})",
    # -- exercises on disk (grader/model/) ---------------------------------------------------------
    "usage.exercise.unknown": "unknown exercise {spec!r} (no exercise.toml there); known exercises: {known}",
    "usage.exercise.none_known": "none",
    "usage.exercise.unreadable": "{path}: {error}",
    "usage.exercise.reference_value": "{path}: reference = {reference!r}: expected \"recorded\" or nothing",
    "usage.exercise.malformed": "{path}: missing or malformed entry {entry}",
    "usage.exercise.preamble_missing": "{path}: preamble file {name} is missing",
    "usage.exercise.learner_file_missing": "{root}: learner file {stem}.py / {stem}.ipynb is missing",
    "usage.exercise.reference_missing": "{path}: reference solution is missing",
    "usage.recorded.missing": (
        "{path}: the recorded reference results are missing; release the exercise again (grade release)"
    ),
    "usage.recorded.unreadable": (
        "{path}: unreadable recorded reference results ({error}); release the exercise again (grade release)"
    ),
    "usage.recorded.format": (
        "{path}: not a {format} file of version {version}; release the exercise again (grade release)"
    ),
    "usage.recorded.malformed": (
        "{path}: malformed recorded reference results; release the exercise again (grade release)"
    ),
    # -- authoring: a new exercise, instructor sources, a release (grade new, grade release) ----------
    "usage.new.bad_name": (
        "{name!r}: an exercise name is lower-case letters, digits and _, starting with a letter (its check "
        "modules are named after it)"
    ),
    "usage.new.module_name": "{name!r} is the name of a Python module: the learner's file {name}.py would hide it",
    "usage.new.title_line": "the title must be a single line",
    "usage.new.exists": "{folder} already exists: choose another name",
    "usage.source.nested": "{path}:{line}: {begin} inside the region opened at line {opened}",
    "usage.source.unopened": "{path}:{line}: {end} without a {begin} before it",
    "usage.source.marker_alone": "{path}:{line}: write the marker alone on its line, exactly {begin!r} or {end!r}",
    "usage.source.unclosed": "{path}:{line}: {begin} is never closed by {end}",
    "usage.source.no_region": "{path}: no {begin} ... {end} region: nothing would be left for learners to write",
    "usage.source.outside_function": (
        "{path}:{line}: this region would not be inside a function: regions belong in function bodies, their "
        "markers indented like the code they enclose"
    ),
    "usage.source.syntax": "{path}: this file does not parse: {reason} (line {line})",
    "usage.source.starter_syntax": "{path}: the starter made from this file does not parse: {reason} (line {line})",
    "usage.release.already_copy": "{root} is already a learner's copy: release the instructor's exercise",
    "usage.release.stale": "{path} is out of date with its instructor source: run grade release {exercise} --build",
    "usage.release.no_sources": (
        "{exercise} has no instructor source (solutions/{exercise}/source/*.py): nothing to build"
    ),
    "usage.release.overwrite": "{out}: the copy would overwrite {protected}; choose another --out folder",
    "usage.release.exists": "{target} already exists: remove it, or pass --force to replace an earlier release",
    "usage.release.not_a_copy": "{target} is not a learner's copy made by grade release: not replacing it",
    "usage.release.validate": "{exercise}: {problems}; run grade validate {exercise}",
    "usage.release.reference_fails": "the reference fails the public check {check} ({status})",
    "usage.release.outside_link": "{path} links outside the exercise folder: a release copies learner files only",
    "usage.release.config": (
        "exercise.toml: could not rewrite it for the learner's copy: write the [exercise] table's keys one per "
        "line, arrays closed on their own line"
    ),
    "usage.release.leak": (
        "{path} would give learners {count} line(s) of solutions/, e.g. {line!r}: release stopped"
    ),
    "usage.release.points_differ": "the copy's public checks are worth {copy:g} points, {exercise:g} in the exercise",
    "usage.release.self_test": "the learner's copy of {exercise} would not grade right: {problems}",
    # -- checking an exercise (grade validate) -------------------------------------------------------
    "usage.validate.reference_missing": "reference file(s) missing: {files}",
    "usage.validate.reference_fails": "the reference fails {check} ({status}): {message}",
    "usage.validate.not_deterministic": "grading is not deterministic: two runs with seed {seed} differ on {checks}",
    "usage.validate.check_list": "the check list",
    "usage.validate.unlisted_function": "check {check} is about {function!r}, which exercise.toml does not list",
    "usage.validate.no_public": "{function} has no public check worth points",
    "usage.validate.no_hidden": "{function} has no hidden check worth points",
    "usage.validate.no_points": "the checks are worth no points in total",
    "usage.validate.starter_missing": "starter {stem}.py / {stem}.ipynb is missing",
    "usage.validate.starter_earns": "the starter {file} earns points on {checks}",
    "usage.validate.starters_differ": (
        "{py} and {notebook} define different graded functions: only in {py}: {only_py}, only in {notebook}: "
        "{only_notebook}"
    ),
    "usage.validate.no_quiz_support": "a quiz file exists but this grader has no quiz support",
    "usage.validate.quiz": "quiz: {problem}",
    # -- the class report (grade report) ----------------------------------------------------------
    "usage.no_gradebook": "{gradebook}: no such gradebook (grade submissions first: grade batch, grade submit)",
    "usage.no_submissions": "{gradebook}: no submissions of {exercise} (neither code nor quiz)",
    # -- the gradebook (grader/classroom/gradebook.py) ---------------------------------------------
    "usage.gradebook.folder": "cannot create the folder for the gradebook {path}: {error}",
    "usage.gradebook.cannot_open": "cannot open the gradebook {path}: {error}",
    "usage.gradebook.not_sqlite": "{path} is not a dl-grader gradebook (SQLite says: {error})",
    "usage.gradebook.closed": "the gradebook {path} is closed",
    "usage.gradebook.other_tables": (
        "{path} is an SQLite database but not a dl-grader gradebook (it has the tables {tables})"
    ),
    "usage.gradebook.other_database": "{path} is an SQLite database but not a dl-grader gradebook",
    "usage.gradebook.newer": (
        "{path} is a version {version} gradebook, written by a newer dl-grader (this one reads up to version {known})"
    ),
    "usage.gradebook.cannot_write": "cannot write to the gradebook {path}: {error}",
    "usage.gradebook.cannot_read": "cannot read the gradebook {path}: {error}",
    "usage.gradebook.unreadable_submission": "{path}: submission {id} cannot be read back: {error}",
    "usage.gradebook.seed_secret": "cannot keep the seed secret in the gradebook {path}: {error}",
    # -- a course (grade course ...: course.toml, accounts, LTI platforms, the database) --------------
    "usage.course.not_a_course": (
        "{folder} is not a course folder (no {config}; create one with `grade course init {folder}`)"
    ),
    "usage.course.unreadable": "{path}: cannot be read: {error}",
    "usage.course.exists": "{path} exists already: edit it, or choose another folder",
    "usage.course.problem": "{path}: {where}: {problem}",
    "usage.course.where_number": "exercise {number}",
    "usage.course.where_name": "exercise {name!r}",
    "usage.course.where_opens": "{where} opens",
    "usage.course.where_due": "{where} due",
    "usage.course.timezone": "{zone!r} is not a time zone (e.g. \"Asia/Seoul\")",
    "usage.course.no_exercises": "the course lists no exercise",
    "usage.course.needs_name": "needs a name",
    "usage.course.bad_name": "a name is letters, digits, '-' and '_' (at most 64)",
    "usage.course.twice": "is listed twice",
    "usage.course.no_exercise": "no exercise at {root} (give `path` to its folder)",
    "usage.course.due_before_opens": "is due before it opens",
    "usage.course.not_a_date": "{value!r} is not a date (write e.g. \"2026-09-14T23:59\")",
    "usage.course.not_a_table": "must be a table of settings",
    "usage.course.unknown_setting": "unknown setting {name!r} (known: {known})",
    "usage.course.late_penalty": "late_penalty_per_day must be a number from 0 to 1 (a share of the score)",
    "usage.course.cutoff": "cutoff_days must be a number of days, 0 or more",
    "usage.course.attempts": "attempts_per_day must be a whole number, 1 or more",
    "usage.course.hidden_feedback": "hidden_feedback must be one of {choices}",
    "usage.account.bad_id": (
        "{login!r} is not a usable id: letters, digits, '.', '_', '@' and '-', starting with a letter or digit, "
        "at most 64"
    ),
    "usage.account.bad_role": "{role!r} is not a role (one of {roles})",
    "usage.account.bad_email": "{email!r} is not an email address",
    "usage.account.exists": (
        "{login!r} has an account already (give it a new token with `grade course learners token DIR --id {login}`)"
    ),
    "usage.account.unknown": "no account {login!r}",
    "usage.account.extension": "an extension is 0 to 365 days",
    "usage.roster.header": "the roster needs a header row with an `id` column (and optionally `email`, `role`)",
    "usage.roster.line": "roster line {line}: {problem}",
    "usage.roster.twice": "roster line {line}: {login!r} is listed twice",
    "usage.lti.not_https": "{what} {value!r} is not an https URL",
    "usage.lti.needs_issuer": "an LTI platform needs --issuer and --client-id",
    "usage.lti.key_set": "give the platform's key set as --jwks-url or --jwks-file (one of them)",
    "usage.lti.deployment": "give at least one --deployment id (the LMS shows it when the tool is installed)",
    "usage.lti.not_jwks": "the key set is not a JWKS ({{\"keys\": [...]}})",
    "usage.lti.registered": "the platform {issuer} with client id {client_id} is registered already",
    "usage.course.opens_at": "{exercise} opens at {when}",
    "usage.course.closed_at": "{exercise} closed at {when}: no more submissions are accepted",
    "usage.queue.gave_up": (
        "grading stopped twice before it finished (the grading process died): submit again, and tell your "
        "instructor if it happens again"
    ),
    "usage.database.unusable": "cannot use the database {url}: {error}",
    "usage.database.unopenable": "cannot open the database {url}: {error}",
}
