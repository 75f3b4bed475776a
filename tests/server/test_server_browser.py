"""The course server in a real browser (headless Chromium from Debian, driven by Selenium with
Debian's chromedriver): a learner signs in, uploads a notebook and watches the feedback page fill
in; an instructor reads the dashboard and one learner's submissions. Screenshots are kept in
test-artifacts/ (or $DL_GRADER_TEST_ARTIFACTS) for a person to look at."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, start_server

ARTIFACTS = Path(os.environ.get("DL_GRADER_TEST_ARTIFACTS", ROOT / "test-artifacts"))


def _driver(tmp_path: Path):  # type: ignore[no-untyped-def]
    from browser import chromium

    binary = chromium()
    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        pytest.fail("chromedriver is missing: apt-get install -y chromium-driver (.ci/run installs it)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,1400", f"--user-data-dir={tmp_path / 'profile'}",
                 "--disable-background-networking", "--no-first-run"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    return driver


def _sign_in(driver, url: str, token: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver.get(url + "/")
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.ID, "signin").click()


def _shot(driver, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def solution_notebook(folder: Path) -> Path:
    from grader.authoring.notebooks import percent_to_notebook

    path = folder / "python_basics.ipynb"
    source = (ROOT / "solutions" / "week2" / "python_basics.py").read_text()
    nbformat.write(percent_to_notebook(source), path)
    return path


@pytest.mark.slow
def test_a_learner_uploads_a_notebook_and_an_instructor_reads_the_dashboard(course, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    server = start_server(course.folder, tmp_path / "server.log", "--workers", "1")
    driver = _driver(tmp_path)
    try:
        wait = WebDriverWait(driver, 120)
        _sign_in(driver, server.url, course.tokens["alice"])
        wait.until(until.presence_of_element_located((By.ID, "exercises")))
        assert "alice (learner)" in driver.find_element(By.TAG_NAME, "header").text
        driver.find_element(By.LINK_TEXT, "week2").click()
        wait.until(until.presence_of_element_located((By.ID, "upload")))
        driver.find_element(By.ID, "files").send_keys(str(solution_notebook(tmp_path)))
        driver.find_element(By.ID, "submit").click()
        # The script uploads, goes to the submission's page, and that page fills in by itself.
        wait.until(until.url_contains("/submissions/"))
        wait.until(until.text_to_be_present_in_element((By.ID, "status"), "done"))
        frame = driver.find_element(By.ID, "feedback")
        wait.until(lambda d: frame.is_displayed())
        score = driver.find_element(By.ID, "score").text
        assert score.startswith("18") or "/" in score
        driver.switch_to.frame(frame)
        wait.until(until.presence_of_element_located((By.TAG_NAME, "body")))
        assert "sigmoid" in driver.find_element(By.TAG_NAME, "body").text
        driver.switch_to.default_content()
        _shot(driver, "server-learner-feedback.png")

        # Bob cannot open Alice's submission page.
        mine = driver.current_url
        driver.delete_all_cookies()
        _sign_in(driver, server.url, course.tokens["bob"])
        wait.until(until.presence_of_element_located((By.ID, "exercises")))
        driver.get(mine)
        assert "no such submission" in driver.find_element(By.TAG_NAME, "body").text

        driver.delete_all_cookies()
        _sign_in(driver, server.url, course.tokens["prof"])
        wait.until(until.presence_of_element_located((By.ID, "exercises")))
        driver.find_element(By.LINK_TEXT, "Dashboard").click()
        wait.until(until.presence_of_element_located((By.ID, "queue")))
        assert "1 done" in driver.find_element(By.ID, "queue").text
        _shot(driver, "server-dashboard.png")
        # Regrade everything: the submission goes back to the queue and the queue line follows it live.
        driver.find_element(By.CSS_SELECTOR, "#queue button[type=submit]").click()
        wait.until(until.presence_of_element_located((By.ID, "queue-counts")))
        wait.until(until.text_to_be_present_in_element((By.ID, "queue-counts"), "0 queued, 0 grading, 1 done"))
        driver.find_element(By.ID, "learners").find_element(By.LINK_TEXT, "alice").click()
        wait.until(until.presence_of_element_located((By.ID, "learner-history")))
        rows = driver.find_element(By.ID, "learner-history").text
        assert "week2" in rows and "done" in rows
        _shot(driver, "server-learner-drilldown.png")
        driver.get(server.url + "/class/exercises/week2")
        assert "week2" in driver.page_source.lower()
        _shot(driver, "server-class-report.png")
    finally:
        driver.quit()
        server.stop()
