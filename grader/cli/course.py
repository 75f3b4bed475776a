"""`grade course ...` (a course folder and its accounts), `grade serve` and `grade login`.

Every import of the server's libraries (FastAPI, SQLAlchemy, uvicorn, httpx) happens inside a
command, so `grade submit` never loads them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli.app import app, reports_usage_errors
from grader.errors import usage_error
from grader.messages import say

course_app = typer.Typer(help="Make a course folder and its accounts (learners, TAs, instructors).",
                         no_args_is_help=True)
learners_app = typer.Typer(help="Add accounts and give out their sign-in tokens.", no_args_is_help=True)
course_app.add_typer(learners_app, name="learners")
app.add_typer(course_app, name="course")


def _store(folder: Path, db: str | None = None):  # type: ignore[no-untyped-def]
    try:
        from grader.course.config import load_course
        from grader.course.store import open_store
    except ImportError:
        raise usage_error("commands.server_extra") from None
    course = load_course(folder)
    return course, open_store(db or course.database_url)


Folder = Annotated[Path, typer.Argument(help="The course folder (holding course.toml).")]
Db = Annotated[Optional[str], typer.Option("--db", help="Database URL (default: the folder's course.sqlite); "
                                                       "e.g. postgresql://user:pass@host/dbname.")]


@course_app.command("init")
@reports_usage_errors
def init(folder: Annotated[Path, typer.Argument(help="Where to create the course (a new or empty folder).")],
         title: Annotated[Optional[str], typer.Option(help="The course's title.")] = None,
         quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False) -> None:
    """Create a course folder: course.toml listing every bundled exercise with dates a week apart."""
    from grader.course.config import init_course

    path = init_course(folder, title=title)
    _store(folder)
    if not quiet:
        typer.echo(say("commands.course.created", path=path, folder=folder))


@learners_app.command("add")
@reports_usage_errors
def add(folder: Folder,
        login: Annotated[str, typer.Option("--id", help="The account's id (letters, digits, . _ @ -).")],
        email: Annotated[Optional[str], typer.Option(help="Their email address.")] = None,
        role: Annotated[str, typer.Option(help="learner, ta or instructor.")] = "learner",
        db: Db = None) -> None:
    """Create an account and print its sign-in token (shown this once; the last word printed)."""
    from grader.course.accounts import add_account

    _course, engine = _store(folder, db)
    token = add_account(engine, login, role=role, email=email)
    typer.echo(say("commands.course.added", role=say(f"commands.role.{role}"), login=login))
    typer.echo(token)


@learners_app.command("import")
@reports_usage_errors
def import_roster(folder: Folder,
                  roster: Annotated[Path, typer.Argument(help="CSV with a header: id (required), email, role.")],
                  out: Annotated[Optional[Path], typer.Option(help="Write id,role,token rows to this file "
                                                                   "(readable only by you) instead of printing.")] = None,
                  db: Db = None) -> None:
    """Create an account per roster row and print (or write) each one's token."""
    import csv
    import io

    from grader.course.accounts import add_account, roster as read_roster

    try:
        text = roster.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise usage_error("commands.cannot_read", path=roster, reason=exc) from None
    rows = read_roster(text)
    _course, engine = _store(folder, db)
    written = io.StringIO()
    writer = csv.writer(written)
    writer.writerow(["id", "role", "token"])
    for login, email, role in rows:
        writer.writerow([login, role, add_account(engine, login, role=role, email=email)])
    if out is None:
        typer.echo(written.getvalue(), nl=False)
    else:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(written.getvalue())
        typer.echo(say("commands.course.imported.one", path=out) if len(rows) == 1
                   else say("commands.course.imported.many", count=len(rows), path=out))


@learners_app.command("token")
@reports_usage_errors
def token(folder: Folder, login: Annotated[str, typer.Option("--id", help="Whose token to replace.")],
          db: Db = None) -> None:
    """Replace an account's token (the old one and its browser sessions stop working) and print it."""
    from grader.course.accounts import renew_token

    _course, engine = _store(folder, db)
    typer.echo(say("commands.course.new_token", login=login))
    typer.echo(renew_token(engine, login))


@learners_app.command("list")
@reports_usage_errors
def list_accounts(folder: Folder, db: Db = None) -> None:
    """List the course's accounts (never their tokens)."""
    from grader.course.accounts import all_accounts

    _course, engine = _store(folder, db)
    for found in all_accounts(engine):
        typer.echo(f"{found.login}\t{found.role}\t{found.email or ''}")


@course_app.command("extend")
@reports_usage_errors
def extend(folder: Folder, login: Annotated[str, typer.Option("--id", help="The learner.")],
           exercise: Annotated[str, typer.Option(help="The exercise's name.")],
           days: Annotated[float, typer.Option(help="Extra days (0 removes the extension).")], db: Db = None) -> None:
    """Give one learner more days for one exercise (due date and cut-off move together)."""
    from grader.course.accounts import set_extension

    course, engine = _store(folder, db)
    if course.exercise(exercise) is None:
        raise usage_error("commands.course.no_exercise", exercise=exercise)
    set_extension(engine, login, exercise, days)
    typer.echo(say("commands.course.extended", login=login, exercise=exercise, days=days))


def _demo_course() -> tuple[Path, list[tuple[str, str, str]]]:
    from grader.course.accounts import add_account
    from grader.course.config import init_course

    folder = Path(tempfile.mkdtemp(prefix="dl-grader-demo-"))
    init_course(folder, title=say("commands.serve.demo_title"))
    _course, engine = _store(folder)
    people = [("instructor", "instructor"), ("ada", "learner"), ("grace", "learner")]
    return folder, [(login, role, add_account(engine, login, role=role)) for login, role in people]


@app.command()
@reports_usage_errors
def serve(course: Annotated[Optional[Path], typer.Option("--course", help="The course folder.")] = None,
          host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
          db: Db = None,
          workers: Annotated[int, typer.Option(help="Grading processes (default: the CPUs).")] = 0,
          dask: Annotated[Optional[str], typer.Option(help="Grade on the Dask cluster at this scheduler address.")] = None,
          demo: Annotated[bool, typer.Option(help="Serve a demo course (bundled exercises, an instructor and two "
                                                  "learners whose tokens are printed).")] = False,
          secure_cookies: Annotated[bool, typer.Option(help="Send session cookies over HTTPS only (behind TLS).")] = False,
          lease_seconds: Annotated[float, typer.Option(help="How long a submission this server grades stays its "
                                                            "own if the server stops (crashes) before renewing it.")] = 60.0,
          ) -> None:
    """Run the course server: learners submit over HTTP, grades stay with the course."""
    try:
        import uvicorn

        from grader.server.app import create_app
    except ImportError:
        raise usage_error("commands.server_extra") from None
    if demo == (course is not None):
        raise usage_error("commands.serve.course_or_demo")
    if not 0 < port < 65536:
        raise usage_error("commands.serve.bad_port", port=port)
    if demo:
        course, people = _demo_course()
        typer.echo(say("commands.serve.demo", folder=course, host=host, port=port))
        for login, role, secret in people:
            typer.echo(f"  {role:<10} {login:<10} {secret}")
    assert course is not None
    if not 1 <= lease_seconds <= 3600:
        raise usage_error("commands.serve.lease")
    application = create_app(course, db_url=db, workers=workers or (os.cpu_count() or 1), dask=dask,
                             secure_cookies=secure_cookies, lease_seconds=lease_seconds)
    typer.echo(say("commands.serve.serving", title=application.state.server.course.title, host=host, port=port))
    sys.stdout.flush()
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)


@app.command()
@reports_usage_errors
def login(url: Annotated[str, typer.Argument(help="The course server, e.g. https://grader.example.edu")],
          token_value: Annotated[Optional[str], typer.Option("--token", help="Your token (asked for if not given).")] = None,
          ) -> None:
    """Save your token for a course server, so `grade submit --server URL` needs no --token."""
    from grader.server.client import save_login

    secret = token_value or typer.prompt(say("commands.login.prompt"), hide_input=True)
    who = save_login(url, secret.strip())
    typer.echo(say("commands.login.signed_in", url=url, login=who))


lti_app = typer.Typer(help="Connect the course to an LMS with LTI 1.3 (docs/lms.md).", no_args_is_help=True)
course_app.add_typer(lti_app, name="lti")


@lti_app.command("add-platform")
@reports_usage_errors
def add_platform(folder: Folder,
                 issuer: Annotated[str, typer.Option(help="The platform's issuer, e.g. https://canvas.instructure.com.")],
                 client_id: Annotated[str, typer.Option(help="The client id the LMS gave this tool.")],
                 auth_login_url: Annotated[str, typer.Option(help="The platform's OIDC authorization endpoint.")],
                 token_url: Annotated[str, typer.Option(help="The platform's OAuth 2 token endpoint (for scores).")],
                 deployment: Annotated[list[str], typer.Option(help="A deployment id (repeatable).")],
                 jwks_url: Annotated[Optional[str], typer.Option(help="The platform's public key set URL.")] = None,
                 jwks_file: Annotated[Optional[Path], typer.Option(help="Its key set as a JWKS file instead.")] = None,
                 allow_http: Annotated[bool, typer.Option(help="Accept http:// URLs (a test platform only).")] = False,
                 db: Db = None) -> None:
    """Register an LMS (an LTI 1.3 platform); prints the URLs to give it."""
    from grader.course.lti import add_platform as register

    _course, engine = _store(folder, db)
    jwks_json = None
    if jwks_file is not None:
        try:
            jwks_json = jwks_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise usage_error("commands.cannot_read", path=jwks_file, reason=exc) from None
    register(engine, issuer=issuer, client_id=client_id, auth_login_url=auth_login_url, token_url=token_url,
             jwks_url=jwks_url, jwks_json=jwks_json, deployments=deployment, allow_http=allow_http)
    typer.echo(say("commands.lti.registered", issuer=issuer, client_id=client_id))
    for what, path in ((say("commands.lti.login_url"), "/lti/login"),
                       (say("commands.lti.launch_url"), "/lti/launch"),
                       (say("commands.lti.jwks_url"), "/lti/jwks"),
                       (say("commands.lti.deep_linking_url"), "/lti/launch")):
        typer.echo(say("commands.lti.url", what=what, server="SERVER", path=path))


@lti_app.command("list")
@reports_usage_errors
def list_platforms(folder: Folder, db: Db = None) -> None:
    """List the registered LMS platforms."""
    from grader.course.lti import platforms

    _course, engine = _store(folder, db)
    for found in platforms(engine):
        typer.echo(say("commands.lti.platform", issuer=found.issuer, client_id=found.client_id,
                       deployments=", ".join(found.deployments)))
