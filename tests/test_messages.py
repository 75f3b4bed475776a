"""The message layer: every learner-facing sentence is in a catalog, by id, and the catalogs agree with
the code that says them.

- every id the code names (``say``, ``mistake``, ``usage_error``, ``t(...)`` in a template, the ids of
  shape hints and label tables) exists in a catalog; an id built with an f-string has catalog ids
  with its fixed prefix;
- ids are unique across all catalogs: the grader's areas and every exercise's ``messages.en.toml``
  (whose ids start with the exercise's name);
- every template formats with its placeholders, and a call that names its fields passes exactly
  the template's (a mismatch fails here, not in front of a learner);
- a translation (``messages.<language>.toml`` beside an English catalog) has the English ids and
  placeholders;
- no "Likely mistake" sentence is written out in an exercise's check files: they live in catalogs.
"""

from __future__ import annotations

import ast
import re
import string
import sys
from pathlib import Path

import pytest

from grader import messages
from grader.messages import AREAS, EN, read_catalog, template_fields

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_CATALOGS = sorted([*ROOT.glob("exercises/*/checks/messages.en.toml"), *ROOT.glob("solutions/*/checks/messages.en.toml")])
# Functions whose first argument is a message id.
SAYING = {"say", "mistake", "diagnosis", "known", "usage_error", "html_say", "t", "template", "fields_of"}
# Calls whose fields are all named (no **): they must pass exactly the template's.
EXACT = {"say", "mistake", "diagnosis", "known", "usage_error", "html_say", "t"}
ID = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+")  # looser than an id: a wrong one is found, not skipped


def all_catalogs() -> dict[str, str]:
    """Every English sentence by id: the grader's and every exercise's."""
    found = dict(EN)
    for path in EXERCISE_CATALOGS:
        found.update(read_catalog(path))
    return found


CATALOG = all_catalogs()


# The pages' templates, whose ``t("id")`` name ids of the catalog.
TEMPLATES = sorted([*(ROOT / "grader" / "views" / "templates").glob("*.j2"),
                    *(ROOT / "grader" / "classroom" / "templates").glob("*.j2")])


def source_files() -> list[Path]:
    files = [p for p in (ROOT / "grader").rglob("*.py")]
    files += [p for p in (ROOT / "exercises").glob("*/checks/*.py")]
    files += [p for p in (ROOT / "solutions").glob("*/checks/*.py")]
    return sorted(p for p in files if "__pycache__" not in p.parts)


def _function_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def id_uses(files: list[Path] | None = None) -> list[tuple[str, str, set[str] | None, str]]:
    """(where, id or f-string prefix + "*", the keywords passed or None when not all named, function) of every
    call that names a message id, in the grader's and the exercises' code (or in ``files``)."""
    uses = []
    for path in source_files() if files is None else files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _function_name(node) not in SAYING or not node.args:
                continue
            first, where = node.args[0], f"{path.name}:{node.lineno}"
            named = None if any(k.arg is None for k in node.keywords) or len(node.args) > 1 else {
                k.arg for k in node.keywords}
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and ID.fullmatch(first.value):
                uses.append((where, first.value, named, _function_name(node)))
            elif isinstance(first, ast.JoinedStr) and first.values and isinstance(first.values[0], ast.Constant):
                prefix = str(first.values[0].value)
                if re.fullmatch(r"[\w-]+(\.[\w-]+)*\.", prefix):
                    uses.append((where, prefix + "*", None, _function_name(node)))
    for path in TEMPLATES if files is None else []:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for found in re.finditer(r"""\bt\("([\w.]+)"(\s*\+[^)]*)?""", line):
                uses.append((f"{path.relative_to(ROOT)}:{number}", found.group(1) + ("*" if found.group(2) else ""),
                             None, "t"))
    return uses


def id_constants() -> list[tuple[str, str]]:
    """(where, id) of string constants that are ids outside a saying call: the first element of a shape
    hint ("week7.affine.db", {...}), label tables (terminal.STATUS_LABELS)."""
    namespaces = {"view", "html", "class"} | {p.parent.parent.name for p in EXERCISE_CATALOGS}
    found = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and ID.fullmatch(node.value)
                    and node.value.split(".")[0] in namespaces and not node.value.endswith((".py", ".toml"))):
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.value))
    return found


USES = id_uses()


def test_the_code_names_ids():
    """The scan sees the code's ids (a scan that found nothing would prove nothing)."""
    ids = {use[1] for use in USES}
    assert {"shape.rank1", "week4.caches.output_missing", "html.seed", "usage.no_gradebook"} <= ids
    assert len(ids) > 400


def test_every_id_used_exists():
    missing = [(where, message_id) for where, message_id, _, _ in USES
               if not message_id.endswith("*") and message_id not in CATALOG]
    missing += [(where, message_id) for where, message_id in id_constants() if message_id not in CATALOG]
    assert missing == []


def test_every_id_prefix_used_has_ids():
    """say(f"html.label.{status}"): some ids start with "html.label."."""
    missing = [(where, prefix) for where, prefix, _, _ in USES if prefix.endswith("*")
               and not any(i.startswith(prefix[:-1]) for i in CATALOG)]
    assert missing == []


def test_ids_are_unique_across_catalogs():
    seen: dict[str, str] = {}
    for area, entries in AREAS.items():
        for message_id in entries:
            assert message_id not in seen, f"{message_id} in grader/messages/{area}.py and {seen[message_id]}"
            seen[message_id] = f"grader/messages/{area}.py"
    for path in EXERCISE_CATALOGS:
        for message_id in read_catalog(path):
            assert message_id not in seen, f"{message_id} in {path.relative_to(ROOT)} and {seen[message_id]}"
            seen[message_id] = str(path.relative_to(ROOT))


def test_diagnosis_ids_are_what_a_report_allows():
    """A sentence's id is the id of the diagnosis it makes: the report's schema must accept every one."""
    import json

    schema = json.loads((ROOT / "grader" / "schema" / "grade-report.v2.json").read_text(encoding="utf-8"))
    pattern = re.compile(schema["$defs"]["diagnosis"]["properties"]["id"]["pattern"])
    refused = [i for i in CATALOG if not i.startswith("diagnosis.") and not pattern.match(i)]
    assert refused == []


def test_exercise_ids_start_with_the_exercise():
    for path in EXERCISE_CATALOGS:
        exercise = path.parent.parent.name
        wrong = [i for i in read_catalog(path) if not i.removeprefix("diagnosis.").startswith(f"{exercise}.")]
        assert wrong == [], f"{path.relative_to(ROOT)}: ids outside {exercise}.*"


class _Any:
    """A value that takes any format spec: a template formats with it whatever its {field:spec}."""

    def __format__(self, spec: str) -> str:
        return "x"

    def __repr__(self) -> str:
        return "'x'"


def test_every_template_formats_with_its_placeholders():
    """Filled with exactly its placeholders (any value, any format spec), every template formats."""
    for message_id, text in CATALOG.items():
        try:
            filled = text.format(**{field: _Any() for field in template_fields(text)})
        except (KeyError, IndexError, ValueError) as exc:
            pytest.fail(f"{message_id}: {exc!r}")
        assert filled.strip(), message_id


def test_a_diagnosis_title_uses_only_its_sentences_fields():
    """A title is filled with the fields of its sentence (``mistake(id, **fields)``)."""
    for message_id, title in CATALOG.items():
        if message_id.startswith("diagnosis."):
            sentence = CATALOG.get(message_id.removeprefix("diagnosis."))
            assert sentence is not None, f"{message_id}: a title without a sentence"
            assert template_fields(title) <= template_fields(sentence), message_id


def _expected_fields(message_id: str, function: str) -> set[str]:
    fields = template_fields(CATALOG[message_id])
    if function in ("mistake", "diagnosis", "known") and f"diagnosis.{message_id}" in CATALOG:
        fields |= template_fields(CATALOG[f"diagnosis.{message_id}"])
    return fields


def field_mismatches(uses: list[tuple[str, str, set[str] | None, str]]) -> list[str]:
    wrong = []
    for where, message_id, named, function in uses:
        if named is None or function not in EXACT or message_id.endswith("*") or message_id not in CATALOG:
            continue
        want = _expected_fields(message_id, function)
        if named != want:
            wrong.append(f"{where}: {message_id} takes {sorted(want)}, given {sorted(named)}")
    return wrong


def test_each_call_passes_exactly_the_fields_of_its_template():
    assert sum(1 for use in USES if use[2] is not None) > 300  # most calls name their fields
    assert field_mismatches(USES) == []


def test_a_call_with_other_fields_than_its_template_is_found(tmp_path: Path):
    path = tmp_path / "checks.py"
    path.write_text('say("shape.rank1", got_shape=1, want_shape=2)\nmistake("values.factor_m", factor=2, m=3)\n'
                    'say("values.sign", name="x")\nsay("shape.rank1", **fields)\n', encoding="utf-8")
    assert field_mismatches(id_uses([path])) == [
        "checks.py:1: shape.rank1 takes ['got_shape', 'want_shape', 'want_shape_r'], given ['got_shape', 'want_shape']",
        "checks.py:3: values.sign takes [], given ['name']"]


def test_a_title_with_a_field_its_sentence_lacks_is_found(tmp_path: Path):
    catalog = tmp_path / "messages.en.toml"
    catalog.write_text('[week9.f]\nwrong.title = "{value} is off"\nwrong.text = "Likely mistake: it is off."\n')
    entries = read_catalog(catalog)
    assert not template_fields(entries["diagnosis.week9.f.wrong"]) <= template_fields(entries["week9.f.wrong"])


def translation_problems(english: dict[str, str], translated: dict[str, str]) -> list[str]:
    """What a translated catalog gets wrong against the English one: ids it does not have, placeholders
    other than the English sentence's."""
    problems = [f"{i}: not an id of the English catalog" for i in translated if i not in english]
    problems += [f"{i}: placeholders {sorted(template_fields(t))}, English {sorted(template_fields(english[i]))}"
                 for i, t in translated.items() if i in english and template_fields(t) != template_fields(english[i])]
    return problems


def test_translations_have_the_english_ids_and_placeholders():
    for path in sorted([*ROOT.glob("exercises/*/checks/messages.*.toml"), *ROOT.glob("solutions/*/checks/messages.*.toml")]):
        if path.name != "messages.en.toml":
            english = read_catalog(path.with_name("messages.en.toml"))
            assert translation_problems(english, read_catalog(path)) == [], path


def test_a_translation_with_another_placeholder_is_refused():
    english = {"week9.f.a": "{name} is wrong", "week9.f.b": "ok"}
    assert translation_problems(english, {"week9.f.a": "{이름} 틀림", "week9.f.c": "x"}) == [
        "week9.f.c: not an id of the English catalog", "week9.f.a: placeholders ['이름'], English ['name']"]


def test_no_likely_mistake_is_written_out_in_exercise_checks():
    written = [f"{path.relative_to(ROOT)}:{number}"
               for path in sorted(ROOT.glob("exercises/*/checks/*.py"))
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if "Likely mistake" in line]
    assert written == [], "write these sentences into the exercise's messages.en.toml"


def test_html_labels_used_in_attributes_have_no_double_quote():
    """html_say escapes &, < and > but keeps quotes (as the pages always wrote them)."""
    for path in TEMPLATES:
        for found in re.finditer(r'="\{\{ t\("([\w.]+)"', path.read_text(encoding="utf-8")):
            assert '"' not in CATALOG[found.group(1)], found.group(1)


def test_grader_catalog_is_split_by_area_in_small_files():
    for area in AREAS:
        path = ROOT / "grader" / "messages" / f"{area}.py"
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path


def test_the_message_layer_imports_nothing_else_from_grader():
    for path in (ROOT / "grader" / "messages").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grader"):
                assert node.module.startswith("grader.messages"), path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("grader") and not a.name.startswith("grader.messages")
                               for a in node.names), path


# -- reading catalogs, and the checks' side of them ------------------------------------------------------


def test_a_catalog_file_reads_into_ids(tmp_path: Path):
    path = tmp_path / "messages.en.toml"
    path.write_text('[week9.f]\nplain = "a {x} sentence"\nslip.title = "a slip"\nslip.text = """\\\n'
                    '  Likely mistake: a slip. Fix \\\n  it."""\n', encoding="utf-8")
    assert read_catalog(path) == {"week9.f.plain": "a {x} sentence", "week9.f.slip": "Likely mistake: a slip. Fix it.",
                                  "diagnosis.week9.f.slip": "a slip"}


@pytest.mark.parametrize("text", ['[week9.f]\nbad = 3\n', '[week9]\nf.text = "x"\nf.other = "y"\n', "not toml ["])
def test_a_malformed_catalog_is_refused_naming_its_file(tmp_path: Path, text: str):
    path = tmp_path / "messages.en.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="messages.en.toml"):
        read_catalog(path)


def test_an_exercise_catalog_cannot_redefine_the_graders_ids():
    with pytest.raises(ValueError, match="shape.rank1"):
        messages.add_catalog({"shape.rank1": "x"}, origin="somewhere")


def test_a_mistake_named_by_id_carries_that_id_and_its_title():
    from grader.checks import mistake, use_catalog

    use_catalog(ROOT / "exercises" / "week4" / "checks")
    hint = mistake("week4.initialize.layer_loop", count=4, L=3)
    assert hint.diagnosis == "week4.initialize.layer_loop" and hint.title == "the loop over the layers"
    assert "For layer_dims of length 4 the layers are l = 1 .. 3" in hint


def test_a_sentence_written_out_that_a_catalog_holds_gets_its_id():
    """The hidden checks still write some sentences out; one a catalog holds is counted under its id."""
    from grader.checks import mistake, use_catalog

    use_catalog(ROOT / "exercises" / "week3" / "checks")
    text = ("Likely mistake: the update has the wrong sign; gradient descent goes DOWN the gradient: "
            "b2 = b2 - learning_rate * db2.")
    hint = mistake(text)
    assert (hint.diagnosis, hint.title, str(hint)) == (
        "week3.update_parameters.wrong_sign", "the update has the wrong sign", text)
    assert mistake("Likely mistake: something no catalog says.").diagnosis == "exercise:something-no-catalog-says"


def test_a_translation_is_said_for_exercise_sentences(monkeypatch):
    """A Korean catalog of an exercise is used once the language is switched; English fills the gaps."""
    from grader.checks import mistake, use_catalog

    use_catalog(ROOT / "exercises" / "week2" / "checks")
    monkeypatch.setitem(messages._ADDED, "ko", {"week2.l1.averaged": "흔한 실수: 평균을 냈습니다 (np.mean).",
                                                "diagnosis.week2.l1.averaged": "평균을 냄"})
    monkeypatch.setattr(messages, "_language", "ko")
    hint = mistake("week2.l1.averaged")
    assert (str(hint), hint.title, hint.diagnosis) == ("흔한 실수: 평균을 냈습니다 (np.mean).", "평균을 냄",
                                                       "week2.l1.averaged")
    assert mistake("week2.l2.averaged").startswith("Likely mistake: you averaged")


# -- @check.each ------------------------------------------------------------------------------------------


def test_check_each_writes_one_check_per_function(tmp_path: Path):
    from grader.checks.unrunnable import declared_checks

    source = '''
from grader.checks import check


@check.each({"relu_twice": "relu", "tanh_twice": "tanh"}, points=2)
def twice(learner, function):
    """Calls the function twice."""
    return function
'''
    path = tmp_path / "checks_each.py"
    path.write_text(source, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        import checks_each  # noqa: PLC0415
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("checks_each", None)
    test = checks_each.test_tanh_twice
    assert test(learner=None) == "tanh" and test.__doc__ == "Calls the function twice."
    assert [m.kwargs for m in test.pytestmark] == [{"function": "tanh", "points": 2.0}]
    assert not hasattr(checks_each, "test_twice")
    declared = declared_checks(path, "ImportError", hidden=False)
    assert [(d.name, d.function, d.points, d.description) for d in declared] == [
        ("relu_twice", "relu", 2.0, "Calls the function twice."), ("tanh_twice", "tanh", 2.0, "Calls the function twice.")]


def test_each_check_of_string_formatting_is_a_real_placeholder():
    """template_fields reads placeholders as str.format does (a doubled brace is text)."""
    assert template_fields("{a} {{b}} {c:.2g} {d!r}") == {"a", "c", "d"}
    assert [f for _, f, _, _ in string.Formatter().parse("{{x}}") if f] == []
