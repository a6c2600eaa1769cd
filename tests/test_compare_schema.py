"""`sangloc diff` across two packs, and the JSON Schemas editors use."""

from __future__ import annotations

import json

import jsonschema
import pytest

from sangloc.engine.commands.main import main
from conftest import PROFILES, ROOT
from sangloc.engine.profile.yamlio import load_one

FIXTURE_PACK = str(ROOT / "tests" / "packs" / "thu-nghiem-2025")


def _diff(runner, *extra):
    return runner.invoke(main, ["diff", "--rules", "pho-bi-thu-tinh-uy-2020", "--rules", FIXTURE_PACK,
                                str(PROFILES), *extra])


def test_diff_lists_who_changes_and_why(runner):
    result = _diff(runner, "--format", "json")
    # DT-0017's exception is to a rule pack B does not have: invalid under B (exit 1), and said so.
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["a"]["id"] == "pho-bi-thu-tinh-uy-2020" and report["b"]["id"] == "thu-nghiem-2025"
    assert report["b"]["as_of"] == "2025-06-01"
    changed = {c["profile_id"]: c for c in report["changes"]}
    # Every eligible or review candidate under A is ineligible under B (nobody is planned for 2025-2030).
    assert set(changed) == {"DT-0001", "DT-0002", "DT-0003", "DT-0004", "DT-0005", "DT-0012", "DT-0013", "DT-0014",
                            "DT-0016", "DT-0017", "DT-0018"}
    assert changed["DT-0017"]["verdict_b"] is None
    assert [i["profile_id"] for i in report["invalid"]["b"]] == ["DT-0017"]
    first = changed["DT-0001"]
    assert (first["verdict_a"], first["verdict_b"]) == ("eligible", "ineligible")
    quy_hoach = next(r for r in first["rules"] if r["id"] == "quy-hoach")
    assert (quy_hoach["a"], quy_hoach["b"]) == ("pass", "fail")
    assert "2025–2030" in quy_hoach["reason_b"]
    assert {"id": "thac-si", "a": None, "b": "pass"} == {k: v for k, v in
                                                        next(r for r in first["rules"] if r["id"] == "thac-si").items()
                                                        if k != "reason_b"}
    assert report["counts"]["a"]["eligible"] == 3 and report["counts"]["b"]["ineligible"] == 17


def test_diff_of_a_pack_with_itself_is_empty(runner):
    result = runner.invoke(main, ["diff", "--rules", "pho-bi-thu-tinh-uy-2020", "--rules",
                                  "pho-bi-thu-tinh-uy-2020", str(PROFILES), "--lang", "en"])
    assert result.exit_code == 0
    assert "0 people change verdict." in result.stdout


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_diff_text_formats(runner, fmt):
    result = _diff(runner, "--format", fmt)
    assert result.exit_code == 1  # DT-0017 is invalid under B
    assert "DT-0001 Nguyễn Văn Hùng: Đủ tiêu chuẩn → Không đủ tiêu chuẩn" in result.stdout
    assert "Quy hoạch: đạt → không đạt" in result.stdout


def test_diff_needs_two_packs(runner):
    result = runner.invoke(main, ["diff", "--rules", "pho-bi-thu-tinh-uy-2020", str(PROFILES), "--lang", "en"])
    assert result.exit_code == 2 and "exactly twice" in result.stderr


def _schema(runner, kind):
    result = runner.invoke(main, ["schema", kind])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _as_json(document):
    """What the document looks like once written as JSON (keys are text)."""
    return json.loads(json.dumps(document, default=str))


def test_profile_schema_accepts_the_examples_and_rejects_a_misspelt_key(runner):
    validator = _schema(runner, "profile")
    for path in sorted(PROFILES.iterdir()):
        document = _as_json(load_one(path.read_text(encoding="utf-8")))
        assert not list(validator.iter_errors(document)), path.name
    assert list(validator.iter_errors({"id": "X", "full_name": "A", "gender": "male",
                                       "birth_date": "1970-01-01", "positons": []}))


def test_pack_catalog_and_tests_schemas_accept_the_shipped_pack(runner):
    folder = ROOT / "rules" / "pho-bi-thu-tinh-uy-2020"
    for kind, path in (("pack", folder / "pack.yaml"), ("catalog", folder / "catalog.yaml"),
                       *(("tests", p) for p in sorted((folder / "tests").glob("*.yaml")))):
        validator = _schema(runner, kind)
        document = _as_json(load_one(path.read_text(encoding="utf-8")))
        assert not list(validator.iter_errors(document)), (path.name, list(validator.iter_errors(document))[:1])
