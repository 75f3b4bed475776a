"""grader/schema/grade-report.v2.json describes GradeReport.to_dict() exactly."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from report_factory import make_minimal_report, make_report

from grader.model.report import SCHEMA_ID, SCHEMA_VERSION, CheckResult, GradeReport

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "grader" / "schema" / "grade-report.v2.json"


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator: jsonschema.Draft202012Validator, data: dict) -> list[str]:
    return [e.message for e in validator.iter_errors(data)]


def test_schema_identifies_itself(schema: dict) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"]["const"] == SCHEMA_ID
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert schema["$defs"]["check"]["additionalProperties"] is False


@pytest.mark.parametrize("factory", [make_report, make_minimal_report])
def test_reports_validate(validator: jsonschema.Draft202012Validator, factory) -> None:
    data = factory().to_dict()
    assert errors(validator, data) == []
    # and after a trip through JSON text, as consumers see it
    assert errors(validator, json.loads(factory().to_json())) == []


# Members added to version 2 after its first reports were written: optional, so that those stay valid.
ADDED_WITHIN_VERSION = {"function": {"home_file"}}


def test_schema_lists_every_field_to_dict_emits(schema: dict) -> None:
    """Adding a field to GradeReport must come with a schema (and docs) update."""
    data = make_report().to_dict()
    assert set(schema["properties"]) == set(data)
    assert set(schema["required"]) == set(data)
    defs = schema["$defs"]
    for key, item in (("checks", "check"), ("functions", "function"), ("files", "file"), ("notes", "note")):
        assert set(defs[item]["properties"]) == set(data[key][0]), key
        assert set(defs[item]["required"]) == set(data[key][0]) - ADDED_WITHIN_VERSION.get(item, set()), key
    assert set(schema["properties"]["total"]["required"]) == set(data["total"])


def test_a_version_2_report_written_before_home_file_validates_and_loads(validator) -> None:
    data = make_report().to_dict()
    for function in data["functions"]:
        del function["home_file"]
    assert errors(validator, data) == []
    assert [f.home_file for f in GradeReport.from_dict(data).functions] == [""] * len(data["functions"])


@pytest.mark.parametrize(
    "field", ["exercise", "seed", "submission_sha256", "checks", "functions", "total", "schema_version"]
)
def test_missing_top_level_field_fails(validator: jsonschema.Draft202012Validator, field: str) -> None:
    data = make_report().to_dict()
    del data[field]
    assert any(field in message for message in errors(validator, data))


def test_missing_check_field_fails(validator: jsonschema.Draft202012Validator) -> None:
    data = make_report().to_dict()
    del data["checks"][3]["message"]
    assert errors(validator, data)


def test_bad_status_fails(validator: jsonschema.Draft202012Validator) -> None:
    data = make_report().to_dict()
    data["checks"][0]["status"] = "skipped"
    assert errors(validator, data)


def test_unknown_check_field_fails(validator: jsonschema.Draft202012Validator) -> None:
    data = make_report().to_dict()
    data["checks"][0]["score"] = 1
    assert errors(validator, data)


def test_advice_flag_must_match_max_points(validator: jsonschema.Draft202012Validator) -> None:
    data = make_report().to_dict()
    graded = next(c for c in data["checks"] if c["max_points"] > 0)
    graded["advice"] = True
    assert errors(validator, data)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(schema="someone/else"),
        lambda d: d.update(schema_version=3),
        lambda d: d.update(seed="1234"),
        lambda d: d.update(submission_sha256="not-a-hash"),
        lambda d: d.update(kind="essay"),
        lambda d: d["protections"].update(network="on"),
        lambda d: d["timings"].update(load=-1.0),
        lambda d: d["functions"][0].update(found="yes"),
        lambda d: d["checks"][0].update(points=-1),
    ],
    ids=["schema", "version", "seed-type", "sha", "kind", "protection", "timing", "found", "points"],
)
def test_other_bad_values_fail(validator: jsonschema.Draft202012Validator, mutate) -> None:
    data = make_report().to_dict()
    mutate(data)
    assert errors(validator, data)


def test_round_trip() -> None:
    report = make_report()
    assert GradeReport.from_dict(report.to_dict()) == report
    again = GradeReport.from_dict(json.loads(report.to_json()))
    assert again == report
    assert again.to_dict() == report.to_dict()
    assert isinstance(again.checks[0], CheckResult)


def test_round_trip_does_not_share_state() -> None:
    report = make_report()
    data = report.to_dict()
    copied = GradeReport.from_dict(copy.deepcopy(data))
    copied.checks[0].points = 0.0
    assert report.checks[0].points == 1.0


DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "report-schema.md"


def test_documented_example_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    text = DOC_PATH.read_text(encoding="utf-8")
    example = json.loads(text.split("```json", 1)[1].split("```", 1)[0])
    assert errors(validator, example) == []
    assert GradeReport.from_dict(example).to_dict() == example


def test_every_schema_field_is_documented(schema: dict) -> None:
    text = DOC_PATH.read_text(encoding="utf-8")
    names = set(schema["properties"]) | set(schema["properties"]["total"]["properties"])
    for item in schema["$defs"].values():
        names |= set(item.get("properties", {}))
    missing = sorted(n for n in names if f"| `{n}` |" not in text)
    assert missing == []


def test_from_dict_ignores_fields_added_later_to_v1() -> None:
    data = make_report().to_dict()
    data["new_top_level_field"] = 1
    data["checks"][0]["new_check_field"] = "x"
    data["functions"][0]["extra"] = True
    assert GradeReport.from_dict(data).to_dict() == make_report().to_dict()


def test_to_dict_is_what_dataclasses_asdict_gives() -> None:
    from dataclasses import asdict

    report = make_report()
    data = report.to_dict()
    expected = asdict(report)
    assert {k: data[k] for k in expected if k != "checks"} == {k: v for k, v in expected.items() if k != "checks"}
    assert [{k: v for k, v in c.items() if k != "advice"} for c in data["checks"]] == expected["checks"]
    data["timings"]["total"] = -1.0
    data["checks"][0]["message"] = "changed"
    assert report.timings.get("total") != -1.0 and report.checks[0].message != "changed"
