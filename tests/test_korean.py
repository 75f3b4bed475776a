"""The grader in Korean: its own sentences (grader/messages/ko/*.toml), the glossary they keep
(docs/glossary-ko.md), and what a learner sees with ``--lang ko``.

- every id of the English catalog has a Korean sentence with the same placeholders, the same
  line structure (the expected/received blocks), the same code; no Korean id English lacks;
  every Korean template formats;
- the glossary: a sentence whose English says a term of the table says the table's Korean term;
  no Korean sentence writes an alternative the glossary rules out;
- ``grade submit ... --lang ko`` shows Korean with the same points; an unknown language is English
  with a one-line note; ``LANG=ko_KR.UTF-8`` and ``DL_GRADER_LANG=ko`` choose Korean;
- the JSON report in Korean has the English one's points and diagnosis ids, its messages in Korean;
- the terminal view keeps to 80 columns, Hangul counting two;
- the HTML page says ``<html lang="ko">`` and Chromium draws its Hangul (a screenshot, no tofu).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import messages
from grader.messages import AREAS, EN, read_catalog, template_fields

ROOT = Path(__file__).resolve().parents[1]
KOREAN = ROOT / "grader" / "messages" / "ko"
GLOSSARY = ROOT / "docs" / "glossary-ko.md"
MISTAKES = ROOT / "tests" / "fixtures" / "week2" / "mistakes"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
ARTIFACTS = Path(os.environ.get("DL_GRADER_TEST_ARTIFACTS") or ROOT / "test-artifacts")


def korean_catalog() -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(KOREAN.glob("*.toml")):
        merged.update(read_catalog(path))
    return merged


KO = korean_catalog()


@pytest.fixture(autouse=True)
def english_afterwards():
    """A command run here may switch the process's language: the next test starts in English."""
    yield
    messages.set_language("en")


# -- the catalog ------------------------------------------------------------------------------------------


def test_every_english_id_has_a_korean_sentence():
    assert sorted(set(EN) - set(KO)) == []
    assert all(KO[i].strip() for i in EN), [i for i in EN if not KO[i].strip()]


def test_no_korean_id_that_english_lacks():
    assert sorted(set(KO) - set(EN)) == []


def test_one_file_per_area_with_that_areas_ids():
    for area, entries in AREAS.items():
        path = KOREAN / f"{area}.toml"
        assert path.is_file(), path
        assert set(read_catalog(path)) == set(entries), path
    assert {p.stem for p in KOREAN.glob("*.toml")} == set(AREAS)


def test_korean_sentences_have_the_english_placeholders():
    wrong = [f"{i}: {sorted(template_fields(KO[i]))} != {sorted(template_fields(t))}"
             for i, t in EN.items() if i in KO and template_fields(KO[i]) != template_fields(t)]
    assert wrong == []


def _specs(text: str) -> dict[str, tuple[str, str | None]]:
    return {field.split(".")[0].split("[")[0]: (spec, conversion)
            for _, field, spec, conversion in string.Formatter().parse(text) if field}


def test_korean_placeholders_keep_their_format_spec_and_conversion():
    """{factor:g} stays {factor:g}, {got!r} stays {got!r}: the value is shown as in English."""
    wrong = [i for i, t in EN.items() if i in KO and _specs(KO[i]) != _specs(t)]
    assert wrong == []


def sample(spec: str, conversion: str | None) -> object:
    """A value like the one the grader passes: a number where the template formats a number."""
    return 1234.5 if spec else "x"


def test_every_korean_template_formats_with_sample_values():
    for message_id, text in KO.items():
        fields = {name: sample(*how) for name, how in _specs(text).items()}
        try:
            filled = text.format(**fields)
        except (KeyError, IndexError, ValueError) as exc:
            pytest.fail(f"{message_id}: {exc!r}")
        assert filled.strip(), message_id


def test_korean_is_korean():
    """A sentence with English words of its own is translated (labels made of code or symbols aside)."""
    untranslated = [i for i, t in EN.items() if i in KO and HANGUL.search(t.replace("{", " {")) is None
                    and re.search(r"[A-Za-z]{3,}", _prose(t)) and not HANGUL.search(KO[i])]
    assert untranslated == []


def _prose(text: str) -> str:
    """``text`` without its placeholders, code spans, calls and options (what is left is words)."""
    text = re.sub(r"\{[^{}]*\}|`[^`]*`|--?[\w-]+|\b\w+\([^()]*\)|\bnp\.\w+|\b[\w.]+\.(py|ipynb|toml|txt)\b", " ", text)
    return re.sub(r"\b(NaN|inf|dl-grader|numpy|ndarray|dtype|float|int|UTF-8|JSON|MB|KB|ms|ok)\b", " ", text)


def test_line_structure_is_kept():
    """The same line breaks and indentation: an expected/received block lines up as in English."""
    wrong = [i for i, t in EN.items()
             if re.findall(r"\n *", t) != re.findall(r"\n *", KO[i])
             or t[:1].isspace() != KO[i][:1].isspace() or t[-1:].isspace() != KO[i][-1:].isspace()]
    assert wrong == []


def test_expected_and_received_labels():
    for message_id, text in EN.items():
        korean = KO[message_id]
        assert text.count("\n  expected: ") == korean.count("\n  기댓값: "), message_id
        assert text.count("\n  received: ") == korean.count("\n  받은 값: "), message_id


def test_likely_mistake_is_said_one_way():
    """"Likely mistake:" is "흔한 실수:" (the glossary), where the English sentence says it."""
    for message_id, text in EN.items():
        korean = KO[message_id]
        assert text.count("Likely mistake:") == korean.count("흔한 실수:"), message_id
        assert text.startswith("Likely mistake:") == korean.startswith("흔한 실수:"), message_id


CODE = re.compile(r"`[^`]+`|\bnp\.[\w.]+(?:\([^()]*\))?|\bkeepdims=True\b|\baxis=\d\b|###[A-Z ]+###|\.T\b",
                  re.ASCII)  # ASCII: a Korean particle right after code is not part of it


def test_code_is_left_as_it_is():
    """Code spans, numpy calls, keyword arguments and the starter's markers are copied, not translated."""
    wrong = [(i, sorted(set(CODE.findall(t)) - set(CODE.findall(KO[i])))) for i, t in EN.items()
             if set(CODE.findall(t)) - set(CODE.findall(KO[i]))]
    assert wrong == []


def test_html_labels_used_in_attributes_have_no_double_quote():
    for path in sorted((ROOT / "grader" / "views" / "templates").glob("*.j2")):
        for found in re.finditer(r'="\{\{ t\("([\w.]+)"', path.read_text(encoding="utf-8")):
            assert '"' not in KO[found.group(1)], found.group(1)


def test_html_lang_is_ko():
    assert KO["html.lang"] == "ko"


# -- the glossary ----------------------------------------------------------------------------------------


def glossary_table(section: str) -> list[list[str]]:
    """The rows (cells) of the table under ``## section`` in docs/glossary-ko.md."""
    text = GLOSSARY.read_text(encoding="utf-8")
    assert f"## {section}\n" in text, section
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in body.splitlines():
        if line.startswith("|") and not re.match(r"\|\s*(---|English\s*\|)", line):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _listed(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(",") if part.strip()]


HELD = [(_listed(row[0]), row[1], _listed(row[2])) for row in glossary_table("Terms the tests hold")]
MORE = glossary_table("More terms")
FORBIDDEN = sorted({word for _, _, nots in HELD for word in nots} | {word for row in MORE for word in _listed(row[2])})

# Sentences that rightly say a term otherwise: (id, English term) -> why.
PHRASED_OTHERWISE = {
    ("values.mismatch_hidden", "example"): "an example input of the public check (예시 입력), not a training example",
    ("scalar.mismatch_hidden", "example"): "an example input of the public check (예시 입력), not a training example",
}


def english_word(word: str) -> re.Pattern[str]:
    """``word`` as a whole word of prose: not part of a longer word, a name (learning_rate_x) or a
    keyword argument (``axis=1``)."""
    return re.compile(r"(?<![\w.-])" + re.escape(word) + r"(?![\w=-])", re.IGNORECASE)


def _without_longer_terms(text: str, variants: list[str]) -> str:
    """``text`` with the longer glossary terms that hold one of ``variants`` taken out ("gradient descent"
    when looking for "gradient")."""
    for others, _, _ in HELD:
        for other in others:
            if other not in variants and any(english_word(v).search(other) for v in variants):
                text = english_word(other).sub(" ", text)
    return text


def test_the_glossary_is_read():
    english = {v for variants, _, _ in HELD for v in variants}
    assert {"weight", "bias", "gradient descent", "learning rate", "Likely mistake", "rank-1 array"} <= english
    assert len(HELD) >= 30 and {"웨이트", "바이어스", "그래디언트", "기대값"} <= set(FORBIDDEN)
    assert all(korean and HANGUL.search(korean) for _, korean, _ in HELD)


def test_the_glossary_lists_every_catalog_area():
    """Its table of areas (under "Adding or changing a translation") names each area of the grader's
    catalogs, and no other: a new area is described there."""
    text = GLOSSARY.read_text(encoding="utf-8").split("## Adding or changing a translation\n", 1)[1]
    listed = re.findall(r"^\s*\| `(\w+)` \|", text, re.M)
    assert sorted(listed) == sorted(AREAS)


def glossary_misses(english: dict[str, str], korean: dict[str, str]) -> list[str]:
    misses = []
    for variants, term, _ in HELD:
        for message_id, text in english.items():
            if message_id not in korean or any((message_id, v) in PHRASED_OTHERWISE for v in variants):
                continue
            prose = _without_longer_terms(text, variants)
            if any(english_word(v).search(prose) for v in variants) and term not in korean[message_id]:
                misses.append(f"{message_id}: says {variants[0]!r} but not {term!r}")
    return misses


def test_a_sentence_that_says_a_glossary_term_says_its_korean_term():
    assert glossary_misses(EN, KO) == []


def test_the_glossary_check_finds_a_wrong_term():
    english = {"a.b": "Likely mistake: the weights and the bias.", "a.c": "Use gradient descent.",
               "a.d": "np.sum(x, axis=1)"}
    korean = {"a.b": "흔한 실수: 웨이트와 편향.", "a.c": "경사 하강법을 쓰세요.", "a.d": "np.sum(x, axis=1)"}
    assert glossary_misses(english, korean) == ["a.b: says 'weight' but not '가중치'"]


def test_the_exceptions_are_still_needed():
    """An exception whose sentence no longer says the term (or now says it the glossary's way) goes."""
    terms = {v: term for variants, term, _ in HELD for v in variants}
    for (message_id, word), _why in PHRASED_OTHERWISE.items():
        assert english_word(word).search(EN[message_id]), (message_id, word)
        assert terms[word] not in KO[message_id], (message_id, word)


def korean_catalogs() -> list[Path]:
    """The grader's Korean catalogs and the exercises' (``messages.ko.toml``), as they are added."""
    return sorted(KOREAN.glob("*.toml")) + sorted(ROOT.glob("exercises/*/checks/messages.ko.toml"))


def test_no_korean_sentence_writes_a_word_the_glossary_rules_out():
    found = [f"{path.relative_to(ROOT)}: {message_id}: {word}"
             for path in korean_catalogs() for message_id, text in read_catalog(path).items()
             for word in FORBIDDEN if word in text]
    assert found == []


def test_no_placeholder_is_followed_by_a_fixed_particle_that_may_not_fit():
    """After a value the grader fills in, a particle that depends on its last sound is written both ways
    (을(를), 이(가), 은(는)) or the sentence puts a noun in between ({function} 함수를)."""
    fixed = re.compile(r"\}(을|를|이|가|은|는|과|와)(?![\w(])")
    found = [f"{i}: {m.group(0)}" for i, t in KO.items() for m in fixed.finditer(t)]
    assert found == []


# -- the command line ------------------------------------------------------------------------------------

runner = CliRunner()
PLAIN_ENV = {"DL_GRADER_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8", "COLUMNS": "100"}


def grade(*args: str, book: Path, **env: str | None):
    from grader.cli import app

    result = runner.invoke(app, list(args), env={**PLAIN_ENV, "DL_GRADER_GRADEBOOK": str(book), **env})
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def total_of(output: str) -> str:
    found = re.search(r"(?:Total|총점): (\d+(?:\.\d+)? / \d+(?:\.\d+)?)", output)
    assert found, output
    return found.group(1)


SUBMIT = ("submit", "exercises/week2", "--file", "solutions/week2", "--seed", "5")


@pytest.mark.slow
def test_submit_in_korean_shows_korean_and_the_english_points(tmp_path: Path):
    english = grade(*SUBMIT, "--lang", "en", book=tmp_path / "book.sqlite").stdout
    korean = grade(*SUBMIT, "--lang", "ko", book=tmp_path / "book.sqlite").stdout
    assert not HANGUL.search(english)
    assert HANGUL.search(korean) and "총점: " in korean and "검사 3개 모두 통과" in korean
    assert total_of(korean) == total_of(english) == "37 / 37"
    assert "--seed 5" in korean


@pytest.mark.slow
def test_an_unknown_language_is_english_with_a_one_line_note(tmp_path: Path):
    result = grade(*SUBMIT, "--lang", "xx", book=tmp_path / "book.sqlite")
    note = result.stderr.strip().splitlines()
    assert len(note) == 1 and "'xx'" in note[0] and "ko" in note[0], result.stderr
    assert not HANGUL.search(result.stdout) and total_of(result.stdout) == "37 / 37"
    assert "Total: " in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("env", [{"LANG": "ko_KR.UTF-8"}, {"DL_GRADER_LANG": "ko"}, {"LC_ALL": "ko_KR.UTF-8"}],
                         ids=["LANG", "DL_GRADER_LANG", "LC_ALL"])
def test_the_environment_chooses_korean(tmp_path: Path, env: dict[str, str]):
    result = grade(*SUBMIT, book=tmp_path / "book.sqlite", **env)
    assert HANGUL.search(result.stdout) and total_of(result.stdout) == "37 / 37"
    assert result.stderr.strip() == ""


@pytest.mark.slow
def test_the_option_wins_over_the_environment(tmp_path: Path):
    result = grade(*SUBMIT, "--lang", "en", book=tmp_path / "book.sqlite", DL_GRADER_LANG="ko", LANG="ko_KR.UTF-8")
    assert not HANGUL.search(result.stdout)


# -- the JSON report -------------------------------------------------------------------------------------


def _fragments() -> list[str]:
    """Runs of a core template's own words (no placeholder), long enough to be that template's."""
    found = set()
    for text in EN.values():
        for before, _, _, _ in string.Formatter().parse(text):
            words = before.replace("Likely mistake:", "").strip(" .:;,()\n")
            if len(words) >= 24 and re.search(r"[a-z]{4,} [a-z]{3,}", words):
                found.add(words)
    return sorted(found)


FRAGMENTS = _fragments()


def json_report(tmp_path: Path, file: Path, lang: str) -> dict:
    out = tmp_path / f"{file.stem}.{lang}.json"
    grade("submit", "exercises/week2", "--file", str(file), "--seed", "11", "--json", str(out), "--lang", lang, "-q",
          book=tmp_path / "book.sqlite")
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("file", [ROOT / "solutions" / "week2", MISTAKES / "missing_1_over_m.py",
                                  MISTAKES / "transpose_dw.py", MISTAKES / "math_exp.py",
                                  MISTAKES / "rank1_initialize.py", MISTAKES / "int_zeros.py",
                                  MISTAKES / "inplace_normalize.py", MISTAKES / "sign_error.py"],
                         ids=lambda p: p.stem)
def test_the_korean_json_report_has_the_english_points_and_diagnoses(tmp_path: Path, file: Path):
    english, korean = json_report(tmp_path, file, "en"), json_report(tmp_path, file, "ko")
    assert korean["total"] == english["total"]
    assert [(c["name"], c["status"], c["points"], c["max_points"]) for c in korean["checks"]] == [
        (c["name"], c["status"], c["points"], c["max_points"]) for c in english["checks"]]
    assert [[d["id"] for d in c.get("diagnoses", [])] for c in korean["checks"]] == [
        [d["id"] for d in c.get("diagnoses", [])] for c in english["checks"]]
    said = 0
    for en_check, ko_check in zip(english["checks"], korean["checks"]):
        core = [f for f in FRAGMENTS if f in en_check["message"]]
        if core:
            said += 1
            assert HANGUL.search(ko_check["message"]), (ko_check["name"], core[:2], ko_check["message"][:300])
            assert not [f for f in core if f in ko_check["message"]], (ko_check["name"], ko_check["message"][:300])
        for en_d, ko_d in zip(en_check.get("diagnoses", []), ko_check.get("diagnoses", [])):
            if en_d["id"] in EN and f"diagnosis.{en_d['id']}" in EN:
                assert HANGUL.search(ko_d["text"]), ko_d
    if file.suffix:  # a mistake: some feedback is the grader's own
        assert said > 0


def test_the_fragments_are_the_core_catalogs():
    assert "has the right shape but wrong values" in FRAGMENTS and len(FRAGMENTS) > 150


# -- the terminal view, 80 columns -----------------------------------------------------------------------


def grade_80(*args: str, scratch: Path) -> str:
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb", "DL_GRADER_GRADEBOOK": str(scratch / "book.sqlite"),
           "DL_GRADER_LANG": "ko"}
    done = subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["transpose_dw", "missing_1_over_m", "math_exp", "int_zeros",
                                     "wrong_shape_image2vector", "looped_propagate"])
def test_the_korean_terminal_view_keeps_to_80_columns(tmp_path: Path, fixture: str):
    from rich.cells import cell_len

    output = grade_80("submit", "exercises/week2", "--file", f"tests/fixtures/week2/mistakes/{fixture}.py",
                      "--seed", "7", "-v", scratch=tmp_path)
    lines = [line.rstrip() for line in output.splitlines()]
    assert HANGUL.search(output) and "총점: " in output
    wide = [(cell_len(line), line) for line in lines if cell_len(line) > 80]
    assert wide == [], "\n".join(line for _, line in wide)
    hidden = [line for line in lines if "(숨김)" in line]
    assert hidden and all(re.search(r"[A-Za-z0-9_] \(숨김\)", line) for line in hidden)  # with its check's name


# -- the HTML page ---------------------------------------------------------------------------------------

HANGUL_FONTS = ("Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic")


@pytest.mark.parametrize("template", ["report.html.j2", "class_report.html.j2"])
def test_the_pages_fonts_cover_hangul(template: str):
    text = (ROOT / "grader" / "views" / "templates" / template).read_text(encoding="utf-8")
    body = re.search(r"body \{[^}]*\bfont: [^;]*;", text)
    assert body, template
    stack = body.group(0)
    for font in HANGUL_FONTS:
        assert f'"{font}"' in stack, (template, font)
    assert stack.index(HANGUL_FONTS[0]) < stack.index("sans-serif")


def test_ci_installs_a_hangul_font():
    assert "fonts-noto-cjk" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def hangul_font() -> None:
    """A font with Hangul for Chromium (installing Debian's fonts-noto-cjk when missing and we may), else skip."""
    def have() -> bool:
        return bool(shutil.which("fc-list")) and bool(
            subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True).stdout.strip())

    if have():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("no font with Hangul, and fonts-noto-cjk cannot be installed here (needs root and apt-get)")
    subprocess.run("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk", shell=True,
                   capture_output=True, timeout=900)
    if not have():
        pytest.skip("no font with Hangul: `apt-get install -y fonts-noto-cjk` failed")


def _tofu_probe(tmp_path: Path, name: str, text: str) -> bytes:
    from browser import screenshot

    page = tmp_path / f"{name}.html"
    template = (ROOT / "grader" / "views" / "templates" / "report.html.j2").read_text(encoding="utf-8")
    font = re.search(r"body \{[^}]*\bfont: ([^;]*);", template).group(1)  # type: ignore[union-attr]
    page.write_text(f'<!DOCTYPE html><html lang="ko"><meta charset="utf-8"><body style="margin:0;background:#fff;'
                    f'font: {font}; font-size: 64px">{text}</body></html>', encoding="utf-8")
    png = tmp_path / f"{name}.png"
    screenshot(page, png, tmp_path, size=(800, 200))
    return png.read_bytes()


@pytest.mark.slow
def test_chromium_draws_hangul_glyphs_not_tofu(tmp_path: Path):
    """Two different Hangul words of the same length render differently (missing glyphs draw the same
    box for every character), and differently from an empty page."""
    hangul_font()
    first, second = _tofu_probe(tmp_path, "a", "가중치와 편향"), _tofu_probe(tmp_path, "b", "학습률과 비용")
    blank = _tofu_probe(tmp_path, "blank", "")
    assert first != second and first != blank and second != blank


@pytest.mark.slow
def test_the_korean_feedback_page_in_chromium(tmp_path: Path):
    from browser import dump_dom, parse_dom, screenshot

    hangul_font()
    page = tmp_path / "feedback-ko.html"
    grade("submit", "exercises/week2", "--file", str(MISTAKES / "transpose_dw.py"), "--seed", "7", "--html", str(page),
          "--lang", "ko", "-q", book=tmp_path / "book.sqlite")
    html = page.read_text(encoding="utf-8")
    assert '<html lang="ko">' in html
    dom = parse_dom(dump_dom(page, tmp_path))
    assert dom.find_all("html")[0].attrs.get("lang") == "ko"
    text = dom.find_all("body")[0].full_text
    for said in ("흔한 실수: 전치입니다", "기댓값: 형태 (2, 1)", "받은 값: 형태 (1, 2)", "샌드박스 보호 기능과 소요 시간"):
        assert said in text, said
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "feedback-ko.png"
    assert screenshot(page, shot, tmp_path) == (1200, 1600)
    assert shot.stat().st_size > 30_000  # a blank page compresses to a few kB
    (ARTIFACTS / "feedback-ko.html").write_text(html, encoding="utf-8")


@pytest.mark.slow
def test_one_process_grades_in_each_language_it_is_asked_for():
    """Check modules make some sentences when first imported: after a Korean grading, an English one
    in the same process must not keep them (the runner imports them again in the new language)."""
    from grader.grading import grade_submission
    from grader.messages import set_language

    mistake = [ROOT / "tests" / "fixtures" / "week2" / "mistakes" / "costs_every_iteration.py"]

    def hangul(report) -> bool:  # type: ignore[no-untyped-def]
        return any("\uac00" <= ch <= "\ud7a3" for check in report.checks for ch in check.message)

    try:
        set_language("ko")
        korean = grade_submission(ROOT / "exercises" / "week2", mistake)
        set_language("en")
        english = grade_submission(ROOT / "exercises" / "week2", mistake)
        set_language("ko")
        again = grade_submission(ROOT / "exercises" / "week2", mistake)
    finally:
        set_language("en")
    assert hangul(korean) and not hangul(english) and hangul(again)
    assert korean.points == english.points == again.points
