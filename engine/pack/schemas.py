"""JSON Schemas of the files people write, from the pydantic models.

Editors (VS Code's YAML extension, for one) validate profiles and packs as
they are typed when pointed at these; see the README.
"""

from __future__ import annotations

import copy

from ..profile.model import Profile
from .model import CatalogFile, PackFile, Pattern
from .process import ProcessSection
from .testfile import CaseFile

_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _finish(schema: dict, title: str, description: str) -> dict:
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {"$schema": _DRAFT, "title": title, "description": description, **body}


def profile_schema() -> dict:
    schema = Profile.model_json_schema()
    # Ratings are keyed by calendar year; JSON writes the key as text.
    schema["properties"]["ratings"]["propertyNames"] = {"pattern": "^[0-9]{4}$"}
    # An assessment may be written as just its result: `trung-thanh: met`.
    record = schema["properties"]["assessments"]["additionalProperties"]
    schema["properties"]["assessments"]["additionalProperties"] = {
        "anyOf": [record, {"type": "string", "examples": ["met", "not_met", "đạt", "không đạt"]}]}
    return _finish(schema, "sangloc profile", "A cadre profile screened by sangloc (SPEC §4).")


def pack_schema() -> dict:
    schema = PackFile.model_json_schema()
    defs = schema["$defs"]
    alternative = defs["Alternative"]
    alternative["properties"].pop("single", None)
    single = copy.deepcopy(Pattern.model_json_schema())
    single["properties"]["reason"] = {"$ref": "#/$defs/Text"}
    single["properties"]["missing"] = {"anyOf": [{"$ref": "#/$defs/Missing"},
                                                 {"type": "array", "items": {"$ref": "#/$defs/Missing"}}]}
    single.pop("title", None)
    defs["Alternative"] = {"anyOf": [alternative, single],
                           "description": "One pattern {fact, where}, or a join {all: [patterns]}; optional reason."}
    # `process` is validated apart (engine/pack/process.py); its schema is that model's.
    process = ProcessSection.model_json_schema(ref_template="#/$defs/{model}")
    defs.update(process.pop("$defs", {}))
    defs["ProcessSection"] = process
    schema["properties"]["process"] = {"anyOf": [{"$ref": "#/$defs/ProcessSection"}, {"type": "null"}],
                                       "default": None, "description": "Steps 2–5 (SPEC §6)."}
    return _finish(schema, "sangloc rule pack", "pack.yaml of a sangloc rule pack.")


def catalog_schema() -> dict:
    return _finish(CatalogFile.model_json_schema(), "sangloc title catalog", "catalog.yaml of a rule pack.")


def tests_schema() -> dict:
    return _finish(CaseFile.model_json_schema(by_alias=True), "sangloc pack tests",
                   "A file of test cases under rules/<pack>/tests/.")


SCHEMAS = {"profile": profile_schema, "pack": pack_schema, "catalog": catalog_schema, "tests": tests_schema}
