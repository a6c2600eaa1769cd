"""Pydantic's validation errors -> sangloc's problems (code, field path, params).

Shared by the profile loader and the rule-pack loader, so that both speak of
fields the same way ('positions[1].end', 'ratings.2016') and both suggest the
key a user probably meant.
"""

from __future__ import annotations

import difflib
import re

from pydantic import BaseModel

_EXPECTED = {
    "string_type": "string", "int_type": "integer", "int_parsing": "integer",
    "bool_type": "boolean", "list_type": "list", "dict_type": "mapping",
    "model_type": "mapping", "model_attributes_type": "mapping", "date_type": "date",
    "float_type": "number", "none_required": "null",
}


def type_name(value) -> str:
    """The name, in the profile format's words, of a value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def field_path(loc, document=None) -> str:
    """('positions', 1, 'end') -> 'positions[1].end'; a mapping's key is '.key'.

    With the input ``document``, an integer is a list index only where the
    input holds a list there (``ratings: {2016: ...}`` gives 'ratings.2016').
    """
    text = ""
    node = document
    for part in loc:
        if part == "[key]":
            continue
        in_list = isinstance(node, list) if document is not None else isinstance(part, int)
        if in_list and isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
        try:
            node = node[part] if node is not None else None
        except (KeyError, IndexError, TypeError):
            node = None
    return text


def fields_at(model: type[BaseModel], loc) -> list[str]:
    """The keys ``model`` allows at ``loc`` (for 'did you mean')."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None or isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        current = None
        if info is not None:
            for candidate in _model_types(info.annotation):
                current = candidate
    return list(current.model_fields) if current else []


def _model_types(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", None) or ():
        yield from _model_types(arg)


def _user_path(loc, document) -> list:
    """The error's location in the user's document: pydantic also names its own
    validators and union branches ('function-after[...]'), which the user never wrote."""
    path, node = [], document
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif part == "[key]" or (isinstance(part, str) and "[" in part and part.endswith("]")
                                 and not (isinstance(node, dict) and part in node)):
            continue  # pydantic's own step
        else:
            path.append(part)  # a key the user did not write (a missing one): still theirs to see
            node = None
    return path


def translate(error: dict, document, model: type[BaseModel]) -> tuple[list, str, dict]:
    """One pydantic error -> (location, message code, parameters)."""
    kind = error["type"]
    loc = _user_path(error["loc"], document)
    ctx = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "missing":
        return loc, "missing", {}
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        return loc, "unknown_key", {"key": key,
                                    "suggestions": difflib.get_close_matches(key, fields_at(model, loc[:-1]), n=2)}
    if kind == "literal_error":
        allowed = ", ".join(re.findall(r"'([^']*)'", ctx.get("expected", "")))
        shown = str(value).lower() if isinstance(value, bool) else value  # YAML's `yes` arrives as True
        return loc, "bad_choice", {"value": shown, "allowed": allowed}
    if kind in _EXPECTED:
        return loc, "wrong_type", {"expected": _EXPECTED[kind], "got": type_name(value)}
    if kind == "string_too_long":
        return loc, "too_long", {"max_length": ctx.get("max_length")}
    if kind == "too_long":
        return loc, "too_many", {"max_length": ctx.get("max_length")}
    if kind in ("too_short", "string_too_short"):
        return loc, "empty_string" if kind == "string_too_short" else "pack_schema", {"detail": error["msg"]}
    if kind in ("value_error", "string_pattern_mismatch") and kind not in ctx:
        return loc, "pack_schema", {"detail": error["msg"]}
    return loc, kind, ctx
