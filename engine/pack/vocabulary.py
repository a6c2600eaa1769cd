"""The vocabulary of the rule language: which facts a pack's conditions may
name, and the fields of each with their types (SPEC §4 seen from a rule).

The facts themselves are made from a profile in ``engine/decide/facts.py``;
a pack is checked against this vocabulary when it loads.
"""

from __future__ import annotations

#: Field types of each fact type: "str", "int" or "date".
FACT_FIELDS: dict[str, dict[str, str]] = {
    "person": {
        "gender": "str",
        "birth_date": "date",
        "professional": "str",
        "political_theory": "str",
        "state_management": "str",
    },
    "position": {
        "title": "str",
        "category": "str",
        "start": "date",
        "end": "date",
        "rated_years": "int",
        "years_xuat_sac": "int",
        "years_hoan_thanh_tot": "int",
        "years_hoan_thanh": "int",
        "years_khong_hoan_thanh": "int",
        "years_unrated": "int",
    },
    "planning": {"title": "str", "term": "str"},
    "discipline": {"form": "str", "decided": "date", "until": "date", "effect_end": "date"},
    "assessment": {"criterion": "str", "result": "str"},
}

#: Fields whose values must be codes of the pack's catalog.
CATALOG_FIELDS = {("position", "title"): "title", ("planning", "title"): "title",
                  ("position", "category"): "category"}

#: The position field counting the rated years of each rating level.
RATING_LEVEL_FIELDS = {
    "xuat_sac": "years_xuat_sac",
    "hoan_thanh_tot": "years_hoan_thanh_tot",
    "hoan_thanh": "years_hoan_thanh",
    "khong_hoan_thanh": "years_khong_hoan_thanh",
}

#: The position fields that count rated years: testing any of them makes a stint's ratings evidence.
RATING_FIELDS = frozenset({"rated_years", "years_unrated", *RATING_LEVEL_FIELDS.values()})
