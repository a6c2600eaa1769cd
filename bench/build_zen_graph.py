"""Write bench/zen_pho_bi_thu_2020.jdm.json: the 15 criteria of pho-bi-thu-tinh-uy-2020 as a GoRules JDM graph.

    python bench/build_zen_graph.py            # rewrites bench/zen_pho_bi_thu_2020.jdm.json from the pack

The JSON file is the artifact (bench/zen_peer.py only reads it); this script is how it
is written from the pack: the as-of date, every parameter and the judgement criteria
are read from rules/pho-bi-thu-tinh-uy-2020/pack.yaml, so a changed parameter is a
rerun away; the shape of each criterion (SPEC §2) is written out below, by hand, as a
zen user would write it.  Every decision (dates compared, months added, years rated,
ratings judged, verdict) is in the graph; the graph receives the profile with only the
generic flattening of zen_peer.flatten() (codes as given, dates as ISO strings, the
title's catalog category attached, assessments as id -> result).

Graph (nodes evaluate in topological order; a node with several incoming
edges receives their outputs merged):

  profile -> Pack parameters -+-> Objective rules (quy-hoach, chu-chot-cap-huyen, ky-luat) ---+
                              +-> Provincial stints -> Stint standing (table, loop)            |
                              |                        -> hoan-thanh-tot-cap-tinh (table) ----+
                              +-> do-tuoi (table) ---------------------------------------------+-> Verdict (table) -> result
                              +-> trinh-do (table) --------------------------------------------+
                              +-> quan-ly-nha-nuoc (table) ------------------------------------+
                              +-> Judgements (8 board criteria) -------------------------------+
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
OUT = HERE / "zen_pho_bi_thu_2020.jdm.json"
PACK_FILE = HERE.parent / "rules" / "pho-bi-thu-tinh-uy-2020" / "pack.yaml"


def _pack() -> tuple[dict, list[str], str]:
    """(the graph's pack parameters as zen expressions, the judgement criteria, the pack's name) from pack.yaml."""
    spec = yaml.safe_load(PACK_FILE.read_text(encoding="utf-8"))
    parameters = spec["parameters"]
    bars = ", ".join(f"{form}: {int(months)}" for form, months in parameters["discipline_bar_months"].items())
    pack = {"as_of": json.dumps(str(spec["reference_date"]))}
    for key in ("deputy_planning_titles", "deputy_planning_term", "state_planning_titles", "state_planning_term",
                "min_birth_date_male", "min_birth_date_female", "professional_levels", "political_theory_levels",
                "state_management_level"):
        pack[key] = json.dumps(parameters[key])
    pack["discipline_bar_months"] = "{" + bars + "}"
    # The four rating levels of Quy định 132-QĐ/TW (SPEC §2), not pack parameters.
    pack["good_ratings"] = '["xuat_sac", "hoan_thanh_tot"]'
    pack["bad_ratings"] = '["hoan_thanh", "khong_hoan_thanh"]'
    judgements = [rule["id"] for rule in spec["rules"] if rule.get("kind") == "judgement"]
    return pack, judgements, f"{spec['id']} v{spec['version']}"


PACK, JUDGEMENTS, PACK_NAME = _pack()

_positions: dict[str, int] = {}


def node(node_id: str, kind: str, name: str, content: dict | None = None, x: int = 0, y: int = 0) -> dict:
    result = {"id": node_id, "type": kind, "name": name, "position": {"x": x, "y": y}}
    if content is not None:
        result["content"] = content
    return result


def expression(node_id: str, name: str, fields: list[tuple[str, str]], *, pass_through: bool, x: int, y: int,
               **attrs) -> dict:
    content = {"expressions": [{"id": f"{node_id}.{key}", "key": key, "value": value} for key, value in fields],
               "passThrough": pass_through, "inputField": None, "outputPath": None, "executionMode": "single"}
    content.update(attrs)
    return node(node_id, "expressionNode", name, content, x, y)


def table(node_id: str, name: str, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]],
          rows: list[list[str]], *, pass_through: bool, x: int, y: int, hit_policy: str = "first", **attrs) -> dict:
    """A decision table: inputs (name, field expression), outputs (name, field path), rows of cells
    (unary tests for the inputs, "" = any; then output expressions)."""
    in_ids = [f"{node_id}.in.{name}" for name, _ in inputs]
    out_ids = [f"{node_id}.out.{name}" for name, _ in outputs]
    rules = []
    for number, row in enumerate(rows, 1):
        assert len(row) == len(inputs) + len(outputs), (node_id, row)
        rules.append({"_id": f"{node_id}.row{number}", **dict(zip(in_ids + out_ids, row))})
    content = {
        "hitPolicy": hit_policy,
        "inputs": [{"id": i, "name": name, "field": field} for i, (name, field) in zip(in_ids, inputs)],
        "outputs": [{"id": o, "name": name, "field": field, "type": "expression"} for o, (name, field) in zip(out_ids, outputs)],
        "rules": rules,
        "passThrough": pass_through, "inputField": None, "outputPath": None, "executionMode": "single",
    }
    content.update(attrs)
    return node(node_id, "decisionTableNode", name, content, x, y)


def build() -> dict:
    as_of = "d(pack.as_of)"
    last_rated_year = "(d(pack.as_of).year() - 1)"
    nodes = [
        node("profile", "inputNode", "profile", {"schema": ""}, 0, 300),
        expression("pack", f"Pack parameters ({PACK_NAME})",
                   [(f"pack.{key}", value) for key, value in PACK.items()], pass_through=True, x=200, y=300),
        # ---- objective requirements decided on lists --------------------------------------------
        expression("objective", "Objective rules on lists", [
            ("rules.quy-hoach",
             "some(planning, (#.title in pack.deputy_planning_titles and #.term == pack.deputy_planning_term)"
             " or (#.title in pack.state_planning_titles and #.term == pack.state_planning_term)) ? 'pass' : 'fail'"),
            ("rules.chu-chot-cap-huyen",
             f"some(positions, #.category == 'key_district' and d(#.start) <= {as_of}) ? 'pass' : 'fail'"),
            # In effect on as_of: decided <= as_of < end, end = until, else decided + bar months
            # (zen's month addition clamps to the month's last day: 2019-08-31 + 12 M = 2020-08-31).
            ("rules.ky-luat",
             f"some(discipline, #.form == 'khai_tru' or (d(#.decided) <= {as_of} and {as_of} < "
             "(#.until != null ? d(#.until) : d(#.decided).add(pack.discipline_bar_months[#.form], 'M'))))"
             " ? 'fail' : 'pass'"),
        ], pass_through=False, x=450, y=0),
        # ---- hoan-thanh-tot-cap-tinh: stints -> standing per stint -> outcome --------------------
        # A stint: a provincial_senior / provincial_equivalent position started on or before as_of.
        # Rated years: calendar years Y < as_of year that it overlaps, i.e. start year .. min(end year, as_of year - 1).
        expression("stints", "Provincial stints and their rated years", [
            ("stints",
             "map(filter(positions, (#.category == 'provincial_senior' or #.category == 'provincial_equivalent')"
             f" and d(#.start) <= {as_of}),"
             " {category: #.category,"
             "  tuong_duong: assessments['tuong-duong'],"
             f"  rated: map([d(#.start).year() .. (#.end == null ? {last_rated_year}"
             f" : min([d(#.end).year(), {last_rated_year}]))], ratings[string(#)])}})"),
        ], pass_through=False, x=450, y=150),
        table("standing", "Stint standing (one row per stint)",
              [("any bad year", "some(rated, # in ['hoan_thanh', 'khong_hoan_thanh'])"),
               ("all rated years good", "len(rated) > 0 and all(rated, # in ['xuat_sac', 'hoan_thanh_tot'])"),
               ("category", "category"),
               ("tuong-duong", "tuong_duong")],
              [("standing", "standing")],
              [["true", "", "", "", "'bad'"],
               ["", "true", "'provincial_senior'", "", "'good'"],
               ["", "true", "'provincial_equivalent'", "'met'", "'good'"],
               ["", "", "", "", "'unknown'"]],
              pass_through=False, x=700, y=150, inputField="stints", outputPath="standing", executionMode="loop"),
        table("htt", "hoan-thanh-tot-cap-tinh",
              [("standings", "map(standing, #.standing)")],
              [("outcome", "rules.hoan-thanh-tot-cap-tinh")],
              [["'good' in $", "'pass'"],
               ["'unknown' in $", "'review'"],
               ["", "'fail'"]],
              pass_through=False, x=950, y=150),
        # ---- person-level requirements -----------------------------------------------------------
        table("age", "do-tuoi",
              [("gender", "gender"), ("birth date", "d(birth_date)")],
              [("outcome", "rules.do-tuoi")],
              [["'male'", "$ >= d(pack.min_birth_date_male)", "'pass'"],
               ["'female'", "$ >= d(pack.min_birth_date_female)", "'pass'"],
               ["", "", "'fail'"]],
              pass_through=False, x=450, y=300),
        table("education", "trinh-do",
              [("professional", "education.professional"), ("political theory", "education.political_theory")],
              [("outcome", "rules.trinh-do")],
              [["$ != null and not ($ in pack.professional_levels)", "", "'fail'"],
               ["", "$ != null and not ($ in pack.political_theory_levels)", "'fail'"],
               ["$ in pack.professional_levels", "$ in pack.political_theory_levels", "'pass'"],
               ["", "", "'review'"]],
              pass_through=False, x=450, y=450),
        table("state", "quan-ly-nha-nuoc (advisory)",
              [("state management", "education.state_management")],
              [("outcome", "rules.quan-ly-nha-nuoc")],
              [["$ == pack.state_management_level", "'pass'"],
               ["", "'review'"]],
              pass_through=False, x=450, y=600),
        expression("judgements", "Judgements recorded by the board", [
            (f"rules.{j}", f"assessments['{j}'] == 'met' ? 'pass' : assessments['{j}'] == 'not_met' ? 'fail' : 'review'")
            for j in JUDGEMENTS
        ], pass_through=False, x=450, y=750),
        # ---- verdict -------------------------------------------------------------------------------
        table("verdict", "Verdict",
              [("outcomes", "values(rules)")],
              [("verdict", "verdict")],
              [["some($, # == 'fail')", "'ineligible'"],
               ["some($, # == 'review')", "'review'"],
               ["", "'eligible'"]],
              pass_through=True, x=1200, y=300),
        node("result", "outputNode", "result", {"schema": ""}, 1450, 300),
    ]
    edges = [("profile", "pack"),
             ("pack", "objective"), ("pack", "stints"), ("pack", "age"), ("pack", "education"),
             ("pack", "state"), ("pack", "judgements"),
             ("stints", "standing"), ("standing", "htt"),
             ("objective", "verdict"), ("htt", "verdict"), ("age", "verdict"), ("education", "verdict"),
             ("state", "verdict"), ("judgements", "verdict"),
             ("verdict", "result")]
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": nodes,
        "edges": [{"id": f"{s}->{t}", "sourceId": s, "targetId": t, "type": "edge"} for s, t in edges],
        "settings": {"validation": {"inputs": False, "outputs": False}},
    }


def main() -> None:
    OUT.write_text(json.dumps(build(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(OUT)


if __name__ == "__main__":
    main()
