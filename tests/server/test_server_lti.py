"""LTI 1.3 against a simulated LMS: launches of a learner and an instructor, a submission whose
score reaches the LMS (retried until it is accepted), deep linking, and tampered launches refused."""

from __future__ import annotations

import time

import jwt
import pytest
from conftest import free_port, make_course, wait_for, week2_files
from cryptography.hazmat.primitives.asymmetric import rsa
from lms import CLAIM, Platform, Served, User, auto_post_form

from grader.course.lti import add_platform


@pytest.fixture
def lms(tmp_path):  # type: ignore[no-untyped-def]
    """A course whose server knows the simulated LMS, the LMS, and the tool's test client."""
    from fastapi.testclient import TestClient

    from grader.server.app import create_app

    platform = Platform()
    platform.users = {"hint-ada": User("sub-ada-1", "Ada Lovelace", "ada@example.test", [CLAIM.replace(
        "claim/", "vocab/lis/v2/membership#Learner")]),
        "hint-prof": User("sub-prof-1", "Prof X", "prof@example.test",
                          ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"])}
    served = Served(platform, free_port())
    course = make_course(tmp_path / "course")
    add_platform(course.engine, issuer=platform.issuer, client_id=platform.client_id,
                 auth_login_url=f"{platform.url}/auth", token_url=f"{platform.url}/token",
                 jwks_url=f"{platform.url}/jwks", jwks_json=None, deployments=[platform.deployment], allow_http=True)
    with TestClient(create_app(course.folder, workers=1, lti_retry_seconds=0.2)) as client:
        platform.tool_jwks = client.get("/lti/jwks").json()
        yield platform, client, course
    served.stop()


def login(platform: Platform, client, hint: str):  # type: ignore[no-untyped-def]
    """The LMS starts a login; returns the state and nonce the tool chose (from its redirect)."""
    started = client.get("/lti/login", params={"iss": platform.issuer, "login_hint": hint,
                                               "target_link_uri": platform.tool_launch, "client_id": platform.client_id,
                                               "lti_message_hint": "link-1"}, follow_redirects=False)
    assert started.status_code == 302, started.text
    from urllib.parse import parse_qs, urlparse

    location = started.headers["location"]
    assert location.startswith(platform.url + "/auth?")
    query = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    return location, query


def full_launch(platform: Platform, client, hint: str):  # type: ignore[no-untyped-def]
    import httpx

    location, _query = login(platform, client, hint)
    action, fields = auto_post_form(httpx.get(location).raise_for_status().text)
    assert action == platform.tool_launch
    return client.post("/lti/launch", data=fields, follow_redirects=False)


def test_a_learner_launches_submits_and_the_score_reaches_the_lms(lms):
    platform, client, course = lms
    platform.fail_scores = 2  # the LMS refuses twice: the tool tries again until it accepts
    launched = full_launch(platform, client, "hint-ada")
    assert launched.status_code == 303 and launched.headers["location"] == "/exercises/week2"
    assert client.get("/api/v1/me").json() == {"id": "ada", "role": "learner", "lang": "en"}
    csrf = client.get("/exercises/week2").text.split('data-csrf="')[1].split('"')[0]
    public = client.post("/api/v1/exercises/week2/submissions", files=week2_files(),
                         headers={"X-CSRF-Token": csrf}).json()["id"]
    assert wait_for(client, {}, public)["points"] == 37
    deadline = time.monotonic() + 60
    while not platform.scores and time.monotonic() < deadline:
        time.sleep(0.1)
    assert platform.scores, "no score reached the LMS"
    score = platform.scores[-1]
    assert score["userId"] == "sub-ada-1" and score["scoreGiven"] == 37 and score["scoreMaximum"] == 37
    assert score["gradingProgress"] == "FullyGraded" and score["activityProgress"] == "Completed"
    # The same user launching again is the same account.
    assert full_launch(platform, client, "hint-ada").status_code == 303
    assert client.get("/api/v1/me").json()["id"] == "ada"


def test_an_instructor_launch_and_deep_linking(lms):
    platform, client, course = lms
    assert full_launch(platform, client, "hint-prof").status_code == 303
    assert client.get("/api/v1/me").json() == {"id": "prof-2", "role": "instructor", "lang": "en"}  # "prof" is taken
    platform.message_type = "LtiDeepLinkingRequest"
    launched = full_launch(platform, client, "hint-prof")
    assert launched.headers["location"] == "/lti/deeplink"
    page = client.get("/lti/deeplink")
    assert 'value="week2"' in page.text and 'value="week2/quiz"' in page.text
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    answer = client.post("/lti/deeplink", data={"csrf": csrf, "exercise": ["week2", "week2/quiz"]})
    assert answer.status_code == 200
    assert f'action="{platform.url}/deep-link-return"' in answer.text
    assert platform.url in answer.headers["content-security-policy"]  # the form may go back to the LMS
    token = answer.text.split('name="JWT" value="')[1].split('"')[0]
    key = jwt.PyJWK(platform.tool_jwks["keys"][0]).key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=platform.issuer)
    assert claims["iss"] == platform.client_id and claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-123"
    items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [i["custom"]["exercise"] for i in items] == ["week2", "week2/quiz"]


def test_a_learner_cannot_deep_link(lms):
    platform, client, _ = lms
    platform.message_type = "LtiDeepLinkingRequest"
    assert full_launch(platform, client, "hint-ada").status_code == 403


OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize("changes, problem", [
    ({"_key": OTHER_KEY}, "does not verify"),
    ({"aud": "another-tool"}, "audience"),
    ({"iss": "https://evil.example"}, "issuer"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "expired"),
    ({CLAIM + "deployment_id": "deployment-unknown"}, "deployment"),
    ({CLAIM + "version": "1.1"}, "1.3.0"),
    ({CLAIM + "message_type": "LtiSubmissionReviewRequest"}, "message type"),
    ({"nonce": "not-the-logins"}, "nonce"),
    ({"aud": ["dl-grader-client", "x"], "azp": "x"}, "azp"),
    ({"sub": None}, "does not verify"),
    ({"_alg": "HS256", "_key": "a-shared-secret-that-is-long-enough-for-hs256"}, "RS256"),
])
def test_tampered_launches_are_refused(lms, changes, problem):
    changes = dict(changes)
    platform, client, _ = lms
    _, query = login(platform, client, "hint-ada")
    nonce = changes.pop("nonce", query["nonce"])
    token = platform.id_token(platform.users["hint-ada"], nonce, **changes)
    refused = client.post("/lti/launch", data={"id_token": token, "state": query["state"]}, follow_redirects=False)
    assert refused.status_code == 400 and problem in refused.json()["error"], refused.text
    assert client.get("/api/v1/me").status_code == 401  # nobody signed in


def test_a_replayed_or_stateless_launch_is_refused(lms):
    platform, client, _ = lms
    _, query = login(platform, client, "hint-ada")
    token = platform.id_token(platform.users["hint-ada"], query["nonce"])
    first = client.post("/lti/launch", data={"id_token": token, "state": query["state"]}, follow_redirects=False)
    assert first.status_code == 303
    client.cookies.clear()
    again = client.post("/lti/launch", data={"id_token": token, "state": query["state"]}, follow_redirects=False)
    assert again.status_code == 400 and "used already" in again.json()["error"]
    unknown = client.post("/lti/launch", data={"id_token": token, "state": "made-up"}, follow_redirects=False)
    assert unknown.status_code == 400 and "unknown or expired" in unknown.json()["error"]
    assert client.post("/lti/launch", data={}).status_code == 400


def test_a_login_from_an_unregistered_platform_is_refused(lms):
    platform, client, _ = lms
    refused = client.get("/lti/login", params={"iss": "https://other.example", "login_hint": "x",
                                               "target_link_uri": platform.tool_launch}, follow_redirects=False)
    assert refused.status_code == 400 and "not registered" in refused.json()["error"]


def test_registration_mistakes_are_one_line(tmp_path):
    from grader.errors import UsageError

    course = make_course(tmp_path / "c")
    good = dict(issuer="https://lms.test", client_id="c", auth_login_url="https://lms.test/auth",
                token_url="https://lms.test/token", jwks_url="https://lms.test/jwks", jwks_json=None,
                deployments=["d"])
    add_platform(course.engine, **good)
    for change, problem in [({}, "registered already"), ({"client_id": "c2", "jwks_url": None}, "--jwks-url or"),
                            ({"client_id": "c3", "deployments": []}, "deployment"),
                            ({"client_id": "c4", "token_url": "http://lms.test/token"}, "https URL")]:
        with pytest.raises(UsageError, match=problem):
            add_platform(course.engine, **{**good, **change})
