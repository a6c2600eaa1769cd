"""The peer: pho-bi-thu-tinh-uy-2020's 15 criteria as a GoRules zen-engine decision graph.

    pip install -e '.[bench]'                       # zen-engine 2.1.3, in sangloc's own venv
    python bench/zen_peer.py PROFILES.jsonl OUT.jsonl --mode decision
    python bench/zen_peer.py PROFILES.jsonl OUT.jsonl --mode static
    python bench/zen_peer.py --check OUT.jsonl SANGLOC.jsonl      # verdicts and rule outcomes agree?

One pass over a JSON Lines file, line by line, as a screening reads it: each line
parsed (json.loads), flattened generically (flatten(): codes as given, dates as ISO
text, each position's category from the pack's catalog, assessments as id -> result;
nothing is decided in Python), evaluated by zen-engine, and its bare result written
as one line {"id", "verdict", "rules": {rule: outcome}}: no validation, explanation
or audit.  The graph (bench/zen_pho_bi_thu_2020.jdm.json, written from the pack by
bench/build_zen_graph.py) decides all 15 criteria and the verdict.

Modes: two ways of calling zen-engine 2.1.3 from Python.
  decision  ZenEngine().create_decision(graph) once, then decision.evaluate(context)
            per profile: the binding's documented quick start; about 100 µs of fixed
            cost per call (the issue's peer, "about 3,000 profiles/s", is this one).
  static    ZenEngine({"loader": {"type": "static", "content": {key: graph}}}) and
            engine.evaluate(key, context) per profile: the graph compiled once at
            construction; the fastest synchronous use measured.

Profiles that need sangloc's input normalisation (partial or worded dates, title
labels or aliases, record_complete: false, exceptions) are refused with an error
rather than screened approximately: bench/generate.py writes none of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
GRAPH = HERE / "zen_pho_bi_thu_2020.jdm.json"
CATALOG = HERE.parent / "rules" / "pho-bi-thu-tinh-uy-2020" / "catalog.yaml"
KEY = "pho-bi-thu-tinh-uy-2020"


class Unsupported(ValueError):
    """A profile this peer does not normalise (sangloc would); refused, never guessed."""


def load_categories(catalog: Path = CATALOG) -> dict[str, str | None]:
    """Title code -> category (or None) from the pack's catalog."""
    data = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    return {entry["code"]: entry.get("category") for entry in data["titles"]}


def _iso(value, where: str) -> str:
    if isinstance(value, str) and len(value) == 10:
        try:
            date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise Unsupported(f"{where}: only full YYYY-MM-DD dates are handled, got {value!r}")


def flatten(profile: dict, categories: dict[str, str | None]) -> dict:
    """The profile as the graph reads it: generic reshaping only, nothing decided."""
    pid = profile["id"]
    if profile.get("exceptions") or profile.get("record_complete", True) is not True:
        raise Unsupported(f"{pid}: exceptions / record_complete are not handled by this peer")
    positions = []
    for n, entry in enumerate(profile.get("positions") or ()):
        title = entry["title"]
        if title not in categories:
            raise Unsupported(f"{pid}: positions[{n}].title: only catalog codes are handled, got {title!r}")
        end = entry.get("end")
        positions.append({"title": title, "category": categories[title],
                          "start": _iso(entry["start"], f"{pid}: positions[{n}].start"),
                          "end": None if end is None else _iso(end, f"{pid}: positions[{n}].end")})
    discipline = []
    for n, entry in enumerate(profile.get("discipline") or ()):
        until = entry.get("until")
        discipline.append({"form": entry["form"], "decided": _iso(entry["decided"], f"{pid}: discipline[{n}].decided"),
                           "until": None if until is None else _iso(until, f"{pid}: discipline[{n}].until")})
    education = profile.get("education") or {}
    return {
        "gender": profile["gender"],
        "birth_date": _iso(profile["birth_date"], f"{pid}: birth_date"),
        "positions": positions,
        "ratings": {str(year): level for year, level in (profile.get("ratings") or {}).items()},
        "planning": [{"title": entry["title"], "term": str(entry["term"]).replace(" ", "").replace("–", "-")}
                     for entry in profile.get("planning") or ()],
        "education": {"professional": education.get("professional"),
                      "political_theory": education.get("political_theory"),
                      "state_management": education.get("state_management")},
        "discipline": discipline,
        "assessments": {key: value["result"] for key, value in (profile.get("assessments") or {}).items()},
    }


def evaluator(mode: str):
    """evaluate(context) -> the graph's result, for one way of calling zen-engine."""
    import zen

    graph_text = GRAPH.read_text(encoding="utf-8")
    if mode == "decision":
        decide = zen.ZenEngine().create_decision(graph_text).evaluate
        return lambda context: decide(context)["result"]
    if mode == "static":
        engine = zen.ZenEngine({"loader": {"type": "static", "content": {KEY: json.loads(graph_text)}}})
        evaluate = engine.evaluate
        return lambda context: evaluate(KEY, context)["result"]
    raise ValueError(mode)


def screen(source: Path, out: Path, mode: str) -> int:
    categories = load_categories()
    evaluate, loads, dumps = evaluator(mode), json.loads, json.dumps
    count = 0
    with source.open("rb") as lines, out.open("w", encoding="utf-8") as written:
        for line in lines:
            if not line.strip():
                continue
            profile = loads(line)
            result = evaluate(flatten(profile, categories))
            written.write(dumps({"id": profile["id"], "verdict": result["verdict"], "rules": result["rules"]}) + "\n")
            count += 1
    return count


def check(peer: Path, sangloc: Path) -> dict:
    """How many verdicts and rule outcomes the peer's results share with sangloc's JSON Lines."""
    expected = {}
    with sangloc.open(encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            if item.get("kind") == "result":
                expected[item["profile_id"]] = (item["verdict"], {r["id"]: r["outcome"] for r in item["rules"]})
    report = {"profiles": 0, "verdicts_agree": 0, "rule_outcomes": 0, "rule_outcomes_agree": 0, "missing": 0,
              "examples": []}
    with peer.open(encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            report["profiles"] += 1
            if item["id"] not in expected:
                report["missing"] += 1
                continue
            verdict, outcomes = expected.pop(item["id"])
            report["verdicts_agree"] += item["verdict"] == verdict
            for rule, outcome in outcomes.items():
                report["rule_outcomes"] += 1
                same = item["rules"].get(rule) == outcome
                report["rule_outcomes_agree"] += same
                if not same and len(report["examples"]) < 5:
                    report["examples"].append(f"{item['id']} {rule}: {outcome} (sangloc) vs {item['rules'].get(rule)}")
    report["missing"] += len(expected)
    report["agree"] = (report["verdicts_agree"] == report["profiles"] and not report["missing"]
                       and report["rule_outcomes_agree"] == report["rule_outcomes"])
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", type=Path, nargs=2, metavar=("IN", "OUT"),
                        help="profiles (JSON Lines) and the results to write; with --check: peer and sangloc results")
    parser.add_argument("--mode", choices=["decision", "static"], default="decision")
    parser.add_argument("--check", action="store_true", help="compare the peer's results with sangloc's")
    args = parser.parse_args()
    if args.check:
        report = check(*args.paths)
        print(json.dumps(report, ensure_ascii=False))
        return 0 if report["agree"] else 1
    try:
        screen(args.paths[0], args.paths[1], args.mode)
    except Unsupported as err:
        print(f"zen_peer: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
