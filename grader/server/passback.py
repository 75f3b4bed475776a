"""LTI Assignment and Grade Services: each learner's score goes to their LMS line item.

When grading records a submission of a learner who came from an LMS, the same transaction adds
a row to the ``lti_outbox``. This thread sends, for each row, the learner's best score of that
exercise (after late penalties) to ``{lineitem}/scores``, with an access token from the platform's
token endpoint (OAuth 2 client credentials, the tool authenticating with a JWT it signs). A row
stays until the LMS accepts it: tried again after 5 s, 10 s, 20 s... (at most an hour apart).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import datetime, timezone

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from grader.course import lti
from grader.course.store import submissions

log = logging.getLogger("grader.server")
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


def best_score(engine: Engine, account_id: int, exercise: str) -> tuple[float, float] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(func.max(submissions.c.points), func.max(submissions.c.max_points))
            .where(and_(submissions.c.account_id == account_id, submissions.c.exercise == exercise,
                        submissions.c.status == "done"))).first()
    return None if row is None or row[0] is None else (float(row[0]), float(row[1] or 0.0))


def scores_url(lineitem: str) -> str:
    path, question, query = lineitem.partition("?")
    return f"{path.rstrip('/')}/scores" + (question + query if question else "")


class Passback:
    def __init__(self, engine: Engine, poll_seconds: float = 1.0, retry_seconds: float = 5.0) -> None:
        self.engine, self.poll_seconds, self.retry_seconds = engine, poll_seconds, retry_seconds
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="dl-grader-lti-passback", daemon=True)
        self.tokens: dict[int, tuple[float, str]] = {}

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(timeout=15)

    def _loop(self) -> None:
        while not self.stopping.wait(self.poll_seconds):
            try:
                for row in lti.due_scores(self.engine, time.time()):
                    self.send(row)
            except Exception:
                log.exception("LTI score passback")

    def send(self, row) -> None:  # type: ignore[no-untyped-def]
        link = lti.lineitem_for(self.engine, row.account_id, row.exercise)
        platform = link and lti.platform_by_id(self.engine, link.platform_id)
        score = best_score(self.engine, row.account_id, row.exercise)
        if link is None or platform is None or score is None:
            lti.score_sent(self.engine, row.id)  # nothing to send any more
            return
        import httpx

        try:
            token = self._token(platform)
            response = httpx.post(scores_url(link.lineitem), timeout=20, json={
                "userId": link.sub, "scoreGiven": score[0], "scoreMaximum": score[1],
                "activityProgress": "Completed", "gradingProgress": "FullyGraded",
                "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            }, headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE})
            if response.status_code in (401, 403):
                self.tokens.pop(platform.id, None)
            response.raise_for_status()
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            lti.score_failed(self.engine, row.id, row.tries, f"{type(exc).__name__}: {exc}", self.retry_seconds)
            return
        lti.score_sent(self.engine, row.id)

    def _token(self, platform: lti.Platform) -> str:
        """An access token for the score scope (kept until a minute before it expires)."""
        cached = self.tokens.get(platform.id)
        if cached and cached[0] > time.time() + 60:
            return cached[1]
        import httpx
        import jwt

        now = int(time.time())
        assertion = jwt.encode({"iss": platform.client_id, "sub": platform.client_id, "aud": platform.token_url,
                                "iat": now, "exp": now + 300, "jti": secrets.token_urlsafe(16)},
                               lti.private_key_pem(self.engine), algorithm="RS256",
                               headers={"kid": lti.key_id(self.engine)})
        response = httpx.post(platform.token_url, timeout=20, data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion, "scope": SCORE_SCOPE})
        response.raise_for_status()
        body = response.json()
        self.tokens[platform.id] = (time.time() + float(body.get("expires_in", 3600)), body["access_token"])
        return body["access_token"]
