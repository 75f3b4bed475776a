"""English catalog: what the commands themselves print and refuse (grader/cli/, the ``%grade`` magic of
grader/jupyter/, the course server's client and its JSON errors, grader/grading.py), apart from the views.

A sentence with a count has one id per form (``.one`` and ``.many``), chosen by the code, so that each
language writes its own whole sentence.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- every command ----------------------------------------------------------------------------------
    "commands.error": "grade: error: {message}",
    "commands.interrupted": "grade: interrupted ({signal}): {kept}",
    "commands.next_steps": (
        "dl-grader: nothing to do yet. Try one of:\n"
        "\n"
        "  grade list                                   the exercises and their graded functions\n"
        "  grade submit exercises/week2                 grade your work in the exercise folder\n"
        "  grade submit exercises/week2 --file nb.ipynb grade a notebook or .py file of yours\n"
        "  grade quiz week2                             take the week-2 quiz in the terminal\n"
        "  grade --help                                 every command and option\n"),
    "commands.cannot_write": "{path}: cannot write ({reason})",
    "commands.cannot_read": "{path}: cannot be read ({reason})",
    "commands.token_needs_server": "--token is for --server",
    "commands.seed_range": "--seed must be between 0 and {largest} (2**64 - 1); got {seed}",
    "commands.files.empty_folder": "{path}: folder has no .py or .ipynb file",
    "commands.files.missing": "{path}: no such file",
    "commands.files.not_submittable": "{path}: not a .py file or a .ipynb notebook",

    # -- grade submit -------------------------------------------------------------------------------------
    "commands.submit.recorded": "the grade was recorded",
    "commands.submit.not_recorded": "grading stopped before the end: no grade was recorded",
    "commands.submit.book_failed": "the grade was not recorded: {problem}",
    "commands.remote.local_only": "{options} cannot be used with --server: the course's server sets them",
    "commands.remote.waiting": "Submitted {files} to {server}: waiting for the grade...",
    "commands.remote.late": "Submitted {days:.1f} days after the due date: the course's late penalty makes it {score}.",
    "commands.remote.recorded": "Recorded by the course server as submission {id}.",

    # -- grade validate, list, doctor ---------------------------------------------------------------------
    "commands.validate.one_or_all": "give one EXERCISE or --all",
    "commands.validate.validating": "validating {exercise}...",
    "commands.validate.problems": "{count} problem(s)",
    "commands.validate.ready": "ready",
    "commands.list.title": "Exercises",
    "commands.list.exercise": "exercise",
    "commands.list.exercise_title": "title",
    "commands.list.functions": "graded functions",
    "commands.list.aliases": "{name} (or {aliases})",
    "commands.doctor.active": "active",
    "commands.doctor.inactive": "INACTIVE",

    # -- grade new, release -------------------------------------------------------------------------------
    "commands.new.created": "created {exercise} and {solutions}:",
    "commands.new.next": (
        "next: write the exercise in {source} and its checks, then\n"
        "  grade release {exercise} --build        rebuild the starter, notebook and reference\n"
        "  grade validate {exercise}\n"
        "  grade release {exercise} --out release/  the learners' copy"),
    "commands.release.out_or_build": "give --out DIR to release, or --build to rebuild from the instructor sources",
    "commands.release.rebuilt": "rebuilt {files}",
    "commands.release.up_to_date": "generated files are up to date",
    "commands.release.released": ("released {exercise} to {folder}: {files} files, {calls} reference results recorded "
                                  "for {points:g} public points ({seconds:g} s)"),
    "commands.release.generated": "  generated from the instructor sources: {files}",
    "commands.release.learners_grade": ("  learners grade it with: grade submit {folder} (the {count} hidden checks, "
                                        "{points:g} points, run when they submit to you)"),
    "commands.release.quiz_practice": "  its quiz, keys included, for practice: grade quiz {folder}",
    "commands.release.quiz_forms": ("  its quiz has no keys: learners write their form with grade quiz {folder} "
                                    "--blank and submit it; grade it here with grade quiz {exercise} --answers FORM"),

    # -- grade batch --------------------------------------------------------------------------------------
    "commands.batch.progress": "grading",
    "commands.batch.rate": "{speed:.1f} learners/s",
    "commands.batch.stopped.one": ("1 learner graded and recorded in {book}, {left} not graded; run the same "
                                   "command again to resume (recorded learners are not graded again)"),
    "commands.batch.stopped.many": ("{count} learners graded and recorded in {book}, {left} not graded; run the same "
                                    "command again to resume (recorded learners are not graded again)"),
    "commands.batch.stopped_early": "nothing more was recorded in {book}; run the same command again to resume",
    "commands.batch.summary": "graded {graded}, already up to date {skipped}, no grade {failed}",
    "commands.batch.summary_ignored": ("graded {graded}, already up to date {skipped}, no grade {failed}, "
                                       "ignored {ignored} entries"),
    "commands.batch.feedback_pages": "feedback pages in {folder}/",
    "commands.batch.lookalikes": ("warning: learner ids that differ only by case, Unicode form or invisible "
                                  "characters, each graded as a learner of its own: {ids}"),

    # -- grade similar ------------------------------------------------------------------------------------
    "commands.similar.shared": "shared wrong answer",
    "commands.similar.more": "... and {count} more (see --json or --html)",
    "commands.similar.summary.one_learner": "compared 1 learner: 0 pairs with a score of at least {min_score:g}",
    "commands.similar.summary.one_pair": "compared {learners} learners: 1 pair with a score of at least {min_score:g}",
    "commands.similar.summary.one_pair_high": ("compared {learners} learners: 1 pair with a score of at least "
                                               "{min_score:g}, 1 of {cutoff:g} or more"),
    "commands.similar.summary.many": ("compared {learners} learners: {pairs} pairs with a score of at least "
                                      "{min_score:g}"),
    "commands.similar.summary.many_high": ("compared {learners} learners: {pairs} pairs with a score of at least "
                                           "{min_score:g}, {high} of {cutoff:g} or more"),
    "commands.similar.refused.one": "not compared: 1 learner (one id for several entries): {ids}",
    "commands.similar.refused.many": "not compared: {count} learners (one id for several entries): {ids}",
    "commands.similar.unreadable.one": "not compared: 1 learner (files that cannot be read): {ids}",
    "commands.similar.unreadable.many": "not compared: {count} learners (files that cannot be read): {ids}",
    "commands.similar.empty.one": "1 learner handed in nothing of their own (the starter only)",
    "commands.similar.empty.many": "{count} learners handed in nothing of their own (the starter only)",
    "commands.similar.json_written": "pairs (JSON) in {path}",
    "commands.similar.page_written": "page in {path}",
    "commands.similar.stopped": "nothing was written",

    # -- grade quiz ---------------------------------------------------------------------------------------
    "commands.quiz.valid": "{path}: {summary}; every question is well formed for 200 seeds",
    "commands.quiz.recorded": "the quiz was graded and recorded",
    "commands.quiz.not_recorded": "nothing was recorded",
    "commands.quiz.no_answer": "no answer was given: nothing was kept or recorded",
    "commands.quiz.not_kept": "your answers could not be kept ({reason}); nothing was recorded",
    "commands.quiz.kept.one": ("1 answer kept, nothing recorded; run {again} to go on from there "
                               "(--restart starts over)"),
    "commands.quiz.kept.many": ("{count} answers kept, nothing recorded; run {again} to go on from there "
                                "(--restart starts over)"),

    # -- grade report, export -----------------------------------------------------------------------------
    "commands.export.no_email": ("no learner of {exercise} has an email address to find them by in Moodle: "
                                 "use --identifier username, or --course DIR (the course's emails)"),
    "commands.export.no_email_course": ("no learner of {exercise} has an email address to find them by in Moodle: "
                                        "use --identifier username"),
    "commands.export.left_out.one": ("grade: left out 1 learner without an email address (Moodle would refuse the "
                                     "file): {ids}"),
    "commands.export.left_out.many": ("grade: left out {count} learners without an email address (Moodle would refuse "
                                      "the file): {ids}"),
    "commands.db_needs_course": "--db is for --course",
    "commands.gradebook_or_course": "give --gradebook or --course, not both",
    "commands.course_needs_extra": "--course needs the server extra: pip install -e \".[server]\"",
    "commands.report.no_feedback": "{folder}: not a folder of feedback pages",
    "commands.report.written.one": "{path}: 1 learner",
    "commands.report.written.many": "{path}: {count} learners",
    "commands.report.nothing_graded": "{course}: no graded submission of {exercise} in the course",
    "commands.report.no_exercise": "{course}: the course has no exercise {exercise!r}",

    # -- grade course, serve, login -----------------------------------------------------------------------
    "commands.server_extra": "the course server needs its optional extra: pip install -e \".[server]\"",
    "commands.course.created": ("Created {path}: edit the dates and rules, then add accounts with "
                                "`grade course learners add {folder} --id ID` and start "
                                "`grade serve --course {folder}`."),
    "commands.role.learner": "learner",
    "commands.role.ta": "TA",
    "commands.role.instructor": "instructor",
    "commands.course.added": "Added {role} {login}. Give them this token (it is shown only now):",
    "commands.course.imported.one": "Added 1 account; its token is in {path}.",
    "commands.course.imported.many": "Added {count} accounts; their tokens are in {path}.",
    "commands.course.new_token": "New token for {login} (shown only now):",
    "commands.course.no_exercise": "the course has no exercise {exercise!r}",
    "commands.course.extended": "{login}: {exercise} extended by {days:g} days.",
    "commands.serve.demo_title": "dl-grader demo course",
    "commands.serve.course_or_demo": "give --course DIR, or --demo for a demo course",
    "commands.serve.bad_port": "--port {port} is not a port (1-65535)",
    "commands.serve.demo": "Demo course in {folder}. Sign in at http://{host}:{port}/ with a token:",
    "commands.serve.lease": "--lease-seconds is 1 to 3600",
    "commands.serve.serving": "Serving {title!r} at http://{host}:{port}/ (Ctrl-C stops).",
    "commands.login.prompt": "Token",
    "commands.login.signed_in": "Signed in to {url} as {login}.",
    "commands.lti.registered": ("Registered {issuer} (client id {client_id}). In the LMS, give this tool (SERVER is "
                                "where `grade serve` answers):"),
    "commands.lti.url": "  {what:<26} {server}{path}",
    "commands.lti.login_url": "login initiation URL",
    "commands.lti.launch_url": "redirect / launch URL",
    "commands.lti.jwks_url": "public key set (JWKS) URL",
    "commands.lti.deep_linking_url": "deep linking URL",
    "commands.lti.platform": "{issuer}\tclient {client_id}\tdeployments {deployments}",

    # -- talking to a course server (grader/server/client.py) -------------------------------------------
    "commands.client.not_an_address": "{url!r} is not a server address (write http://HOST:PORT or https://HOST)",
    "commands.client.needs_httpx": "talking to a course server needs httpx: pip install -e \".[server]\"",
    "commands.client.unreachable": "cannot reach the course server at {url} ({error})",
    "commands.client.refused": "the course server refused ({status}): {message}",
    "commands.client.no_token": "no token for {url}: give --token, set $DL_GRADER_TOKEN, or run `grade login {url}`",
    "commands.client.failed": "the server could not grade this submission: {reason}",
    "commands.client.no_reason": "no reason given",
    "commands.client.too_long": "no grade after {seconds:.0f} s; it is still {status}: see it later with the id {id}",

    # -- the %grade magic (grader/jupyter/) ------------------------------------------------------------
    "commands.magic.bad_line": "{problem}; usage: {usage}",
    "commands.magic.which_exercise": "which exercise? usage: {usage}",
    "commands.magic.server_or_local": "give --server URL or --local, not both",
    "commands.magic.server_grades_all": "the course server grades every function: leave out {names}",
    "commands.magic.server_grades_all_or_local": ("the course server grades every function: leave out {names} "
                                                  "(or add --local to grade them here)"),
    "commands.magic.no_cell": ("Nothing to grade: no cell has run in this kernel yet. Run the cells with your "
                               "definitions, then %grade {exercise} again."),
    "commands.magic.no_definition": ("Nothing to grade: none of {cells} defines a function. Run the cells with your "
                                     "definitions, then %grade {exercise} again."),
    "commands.magic.cells.none": "no cell you ran in this kernel",
    "commands.magic.cells.one": "the 1 cell you ran in this kernel (In[{first}])",
    "commands.magic.cells.many": "the {count} cells you ran in this kernel (In[{first}]..In[{last}])",
    "commands.magic.graded": "Graded {cells}, as they are now (unsaved edits included), not the file on disk.",
    "commands.magic.submitted": "Submitted {cells} to {server} as {file}, as they are now (unsaved edits included).",
    "commands.magic.one_py_file": "one .py file",
    "commands.magic.unreadable_answer": "the course server's answer could not be read",
    "commands.magic.no_report": "grading gave no report",
    "commands.magic.interrupted": "interrupted: grading stopped, nothing was recorded",
    "commands.magic.exit_status": "grading ended with exit status {status}",
    "commands.magic.remote_usage": "usage: python -m grader.jupyter.remote URL EXERCISE NOTEBOOK",
    "commands.magic.remote_interrupted": "grade: interrupted: the submission may still be graded on the server",
    "commands.magic.not_found": "Not found in the cells you ran.",
    "commands.magic.skipped": "What the grader skipped in the cells you ran ({count})",
    "commands.magic.seed": "Seed {seed} · submission {sha}",
}
