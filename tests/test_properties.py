"""Property-based tests (hypothesis) over generated valid profiles, written as records
write them (tests/strategies.py: partial dates, "nay", "không rõ", words for codes, city
titles, incomplete records, exceptions).

tests/oracle.py reads each profile independently of the engine, exhaustively: every
completion of its partial dates (every candidate day of each) under the plain SPEC §2
rules; a rule is decided when all completions agree.  Two readings of "completion": each
date over its own interval (``joint=False``, SPEC §2's "for every day of the interval"),
and the real histories (``joint=True``: an end on or after its start, a "không rõ" end
from the chosen start to the as-of date...).  Asserted:

* ``quy-hoach``, ``chu-chot-cap-huyen``, ``do-tuoi``, ``trinh-do``, ``ky-luat``,
  ``quan-ly-nha-nuoc`` and the judgements: the engine's outcome equals the oracle's
  per-interval reading exactly (each of these makes one comparison per date and combines
  them with any/all, where per-comparison three-valued logic and all completions coincide);
* ``hoan-thanh-tot-cap-tinh``: the engine equals SPEC §2's words read one comparison at a
  time (``oracle.kleene_hoan_thanh``), equals the completions when no provincial post has
  an open date, and is sound: when it says pass or fail, every completion says so; it may
  say review where all completions agree (counted as an event: its derived values, rated
  years and counts, make the per-comparison reading more cautious in principle);
* every rule, against the real histories: sound (never pass or fail where some history
  disagrees); where the engine says review though all histories agree is counted;
* the verdict follows; a rule left open by dates names a date to complete (kind record);
  a birth date known to the year or month is taken as its first day and the evidence says
  so; an exception is ``used`` exactly when the rule would not pass without it;
* the candidate days suffice: on profiles with one open date, every day of its interval
  gives the same sets as the candidate days;
* both matchers (durable-rules and Python) give the same decisions, evidence and
  ``missing`` texts, also on profiles with open dates;
* recording a `met` assessment never turns a pass into a fail; removing the
  only planning entry never leaves a candidate eligible;
* output depends neither on input order nor on how profiles are split into
  files; JSON is byte-identical across runs and --jobs values.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import oracle
from conftest import ROOT
from sangloc.engine.pack.load import load_pack
from sangloc.engine.decide.decide import Decider
from sangloc.engine.decide.explain import Explainer
from sangloc.engine.profile.validate import validate_profile
from sangloc.engine.decide.explain import record as decision_dict
from strategies import AS_OF, Budget, has_open_dates, profile

PACK = load_pack("pho-bi-thu-tinh-uy-2020")
EXAMPLES = int(os.environ.get("SANGLOC_PROPERTY_EXAMPLES", "600"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_SCREENERS: dict = {}
_EXPLAINERS: dict = {}
_CONTEXTS: dict = {}
#: Rules where per-comparison three-valued logic and "all completions agree" coincide.
EXACT = tuple(rule for rule in oracle.RULES if rule != "hoan-thanh-tot-cap-tinh")


def _decide(document: dict, engine: str = "durable", as_of: date = AS_OF):
    screener = _SCREENERS.get((engine, as_of))
    if screener is None:
        screener = _SCREENERS[(engine, as_of)] = Decider(PACK, as_of, engine)
    context = _CONTEXTS.get(as_of) or _CONTEXTS.setdefault(as_of, PACK.profile_context(as_of))
    validated, problems = validate_profile(document, context)
    assert not problems, [p.text("en") for p in problems]
    return screener.decide(validated, "generated")


def _explainer(as_of: date, lang: str = "vi") -> Explainer:
    found = _EXPLAINERS.get((as_of, lang))
    if found is None:
        found = _EXPLAINERS[(as_of, lang)] = Explainer(PACK, as_of, lang)
    return found


def _outcomes(decision) -> dict[str, str]:
    return {o.rule_id: o.outcome for o in decision.outcomes}


def _features(document: dict) -> None:
    """Label what an example exercised (shown by --hypothesis-show-statistics)."""
    if has_open_dates(document):
        event("open dates (partial or không rõ)")
    if any(p.get(k) in ("không rõ", "Không rõ") for p in document["positions"] for k in ("start", "end")):
        event("không rõ")
    if oracle.is_partial(document["birth_date"]):
        event("birth date by month or year")
    coded = [("gender", document["gender"]), *(("rating", v) for v in document["ratings"].values()),
             *document["education"].items(), *(("discipline", d["form"]) for d in document["discipline"]),
             *(("result", a if isinstance(a, str) else a["result"]) for a in document["assessments"].values())]
    if any(oracle.word(group, value) != value for group, value in coded):
        event("words for codes")
    if any(oracle.title(p["title"], p.get("org")) != p["title"] for p in document["positions"] + document["planning"]):
        event("titles by label, alias or city form")
    if document.get("record_complete") is False:
        event("record_complete: false")
    if document.get("exceptions"):
        event("exceptions")


def _check_against_the_oracle(document: dict, as_of: date) -> None:
    decision = _decide(document, as_of=as_of)
    got = _outcomes(decision)
    per_date = oracle.outcome_sets(document, as_of, joint=False)
    histories = oracle.outcome_sets(document, as_of, joint=True)
    expected = {rule: oracle.decided(per_date[rule]) for rule in EXACT}
    expected["hoan-thanh-tot-cap-tinh"] = oracle.kleene_hoan_thanh(document, as_of)
    assert got == expected
    assert decision.verdict == oracle.verdict(expected)
    for rule, outcome in got.items():
        # Sound: pass or fail only where every completion (either reading) says so.
        if outcome != "review":
            assert per_date[rule] == {outcome}, rule
            assert histories[rule] == {outcome}, rule
        elif len(histories[rule]) == 1 and histories[rule] != {"review"}:
            event(f"engine review where every history gives {next(iter(histories[rule]))}: {rule}")
    hoan = per_date["hoan-thanh-tot-cap-tinh"]
    if got["hoan-thanh-tot-cap-tinh"] == "review" and len(hoan) == 1 and hoan != {"review"}:
        event("hoan-thanh-tot-cap-tinh: engine review where every per-date completion agrees")
    if not any(oracle.is_partial(p.get(k)) for p in document["positions"] for k in ("start", "end")
               if oracle.title(p["title"], p.get("org")) in oracle.SENIOR | oracle.EQUIVALENT):
        assert hoan == {got["hoan-thanh-tot-cap-tinh"]}  # nothing open: nothing to be cautious about
    ex = _explainer(as_of)
    by_rule = {o.rule_id: o for o in decision.outcomes}
    for rule, found in per_date.items():
        if len(found) > 1:
            event(f"dates leave {rule} open")
            missing = ex.missing(by_rule[rule])
            assert any(m["kind"] == "record" for m in missing), (rule, missing)
    if oracle.is_partial(document["birth_date"]):
        age = by_rule["do-tuoi"].own or by_rule["do-tuoi"]  # the rule's own outcome, when an exception replaced it
        person = next(e for e in age.evidence if e["fact"] == "person")
        assert person["birth_date_taken"] == oracle.read(document)["birth"].isoformat()
    if document.get("exceptions"):
        without = {k: v for k, v in document.items() if k != "exceptions"}
        own = oracle.outcome_sets(without, as_of, joint=False)
        own["hoan-thanh-tot-cap-tinh"] = {oracle.kleene_hoan_thanh(without, as_of)}
        for entry in document["exceptions"]:
            used = by_rule[entry["rule"]].exception["used"]
            assert used == (oracle.decided(own[entry["rule"]]) != "pass"), entry["rule"]


@FAST
@given(profile())
def test_engine_agrees_with_the_oracle(document):
    _features(document)
    _check_against_the_oracle(document, AS_OF)


@settings(max_examples=max(EXAMPLES // 3, 50), deadline=None)
@given(st.dates(date(2019, 6, 1), date(2021, 12, 31)).flatmap(lambda day: st.tuples(st.just(day), profile(0, day))))
def test_engine_agrees_with_the_oracle_on_other_as_of_dates(pair):
    as_of, document = pair
    _check_against_the_oracle(document, as_of)


@settings(max_examples=max(EXAMPLES // 6, 30), deadline=None)
@given(profile(open_dates=True, budget=Budget(partial=1, unknown=0)))
def test_the_oracles_candidate_days_suffice(document):
    """Every day of a (single) open date's interval gives what the candidate days give."""
    for joint in (False, True):
        assert oracle.outcome_sets(document, AS_OF, joint, days="all") == oracle.outcome_sets(document, AS_OF, joint)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(profile(budget=Budget(partial=0, unknown=0)),
       st.sampled_from(sorted(oracle.KEY_DISTRICT | oracle.SENIOR | oracle.EQUIVALENT)),
       st.sampled_from([None, "nay", "2016-05-01", "1/1/2019", "31/12/2019", "2020-08-24", "2020-08-25"]))
def test_the_oracles_candidate_days_suffice_for_unknown_dates(document, code, end):
    """The same for a "không rõ" start: every day from 1945-01-01 to the as-of date."""
    document["positions"].append({"title": code, "start": "không rõ", **({"end": end} if end else {})})
    for joint in (False, True):
        assert oracle.outcome_sets(document, AS_OF, joint, days="all") == oracle.outcome_sets(document, AS_OF, joint)


def test_the_oracle_shares_no_code_with_the_engine():
    tree = ast.parse((ROOT / "tests" / "oracle.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "bisect", "calendar", "datetime", "itertools", "re", "unicodedata"}


@FAST
@given(profile())
def test_both_executors_give_the_same_decision_and_evidence(document):
    durable = decision_dict(_decide(document, "durable"), _explainer(AS_OF))
    python = decision_dict(_decide(document, "python"), _explainer(AS_OF))
    assert durable == python


@settings(max_examples=max(EXAMPLES // 2, 50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile(open_dates=True), st.sampled_from(["vi", "en"]))
def test_both_executors_agree_on_open_dates(document, lang):
    """The matchers compute 'surely' and 'possibly' differently (two durable rules per
    alternative on the interval's bounds; Kleene truth in Python): decision, evidence and
    the `missing` texts must still be the same."""
    durable = decision_dict(_decide(document, "durable"), _explainer(AS_OF, lang))
    python = decision_dict(_decide(document, "python"), _explainer(AS_OF, lang))
    if any(r["outcome"] == "review" and any(m["kind"] == "record" for m in r["missing"]) for r in durable["rules"]):
        event("a rule open for a date")
    assert durable == python


@FAST
@given(profile(), st.sampled_from([*oracle.JUDGEMENTS, "tuong-duong"]))
def test_recording_met_never_turns_a_pass_into_a_fail(document, criterion):
    before = _outcomes(_decide(document))
    changed = copy.deepcopy(document)
    for name in [n for n in changed["assessments"] if oracle.finding(n) == criterion]:
        del changed["assessments"][name]
    changed["assessments"][criterion] = {"result": "met"}
    after = _outcomes(_decide(changed))
    assert not [rule for rule, outcome in before.items() if outcome == "pass" and after[rule] == "fail"]


@FAST
@given(profile())
def test_without_a_planning_entry_nobody_is_eligible(document):
    document["planning"] = []
    assert _decide(document).verdict != "eligible"


def _cli(args, cwd):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args, "--no-audit", "-q"], cwd=cwd,
                          capture_output=True, text=True, check=False)


@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(profile(), min_size=20, max_size=40), st.randoms(use_true_random=False))
def test_output_depends_neither_on_order_nor_on_layout_nor_on_jobs(tmp_path_factory, documents, rnd):
    for number, document in enumerate(documents):
        document["id"] = f"P-{number:05d}"
    folder = tmp_path_factory.mktemp("layout")
    (folder / "a").mkdir()
    (folder / "a" / "batch.jsonl").write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in documents),
                                              encoding="utf-8")
    shuffled = documents[:]
    rnd.shuffle(shuffled)
    (folder / "b").mkdir()
    half = len(shuffled) // 2
    (folder / "b" / "one.json").write_text(json.dumps(shuffled[:half], ensure_ascii=False), encoding="utf-8")
    (folder / "b" / "two.jsonl").write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in shuffled[half:]),
                                            encoding="utf-8")
    runs = {
        "a": _cli(["screen", "a", "--format", "json"], folder),
        "a-again": _cli(["screen", "a", "--format", "json"], folder),
        "a-jobs": _cli(["screen", "a", "--format", "json", "--jobs", "2"], folder),
        "b": _cli(["screen", "b", "--format", "json", "--engine", "python"], folder),
    }
    assert runs["a"].returncode == 0, runs["a"].stderr
    assert runs["a"].stdout == runs["a-again"].stdout == runs["a-jobs"].stdout

    def without_sources(text):
        report = json.loads(text)
        for result in report["results"]:
            result.pop("source")
        return report

    assert without_sources(runs["a"].stdout) == without_sources(runs["b"].stdout)
    stream = [_cli(["screen", "a", "--format", "jsonl", "--jobs", str(jobs)], folder).stdout for jobs in (1, 2)]
    assert stream[0] == stream[1] and stream[0].count("\n") == len(documents) + 1
