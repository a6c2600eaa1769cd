"""Property-based tests (hypothesis) over generated valid profiles.

* the engine's verdict and every rule outcome equal tests/oracle.py, an
  independent, deliberately simple reading of SPEC §2 — boundaries included;
* both executors (durable-rules and the Python interpreter) give the same
  decisions and evidence;
* recording a `met` assessment never turns a pass into a fail; removing the
  only planning entry never leaves a candidate eligible;
* output depends neither on input order nor on how profiles are split into
  files; JSON is byte-identical across runs and --jobs values.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oracle
from conftest import ROOT
from sangloc.engine.pack.load import load_pack
from sangloc.engine.decide.decide import Decider
from sangloc.engine.decide.explain import Explainer
from sangloc.engine.profile.validate import validate_profile
from sangloc.engine.profile.model import ProfileContext
from sangloc.engine.decide.explain import record as decision_dict
from strategies import AS_OF, profile

PACK = load_pack("pho-bi-thu-tinh-uy-2020")
EXAMPLES = int(os.environ.get("SANGLOC_PROPERTY_EXAMPLES", "600"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_SCREENERS: dict = {}


def _decide(document: dict, engine: str = "durable", as_of: date = AS_OF):
    screener = _SCREENERS.get((engine, as_of))
    if screener is None:
        screener = _SCREENERS[(engine, as_of)] = Decider(PACK, as_of, engine)
    validated, problems = validate_profile(document, PACK.profile_context(as_of))
    assert not problems, [p.text("en") for p in problems]
    return screener.decide(validated, "generated")


def _outcomes(decision) -> dict[str, str]:
    return {o.rule_id: o.outcome for o in decision.outcomes}


@FAST
@given(profile())
def test_engine_agrees_with_the_oracle(document):
    decision = _decide(document)
    expected = oracle.rules(document, AS_OF)
    assert _outcomes(decision) == expected
    assert decision.verdict == oracle.verdict(expected)


@settings(max_examples=max(EXAMPLES // 3, 50), deadline=None)
@given(st.dates(date(2019, 6, 1), date(2021, 12, 31)).flatmap(lambda day: st.tuples(st.just(day), profile(0, day))))
def test_engine_agrees_with_the_oracle_on_other_as_of_dates(pair):
    as_of, document = pair
    assert _outcomes(_decide(document, as_of=as_of)) == oracle.rules(document, as_of)


@FAST
@given(profile())
def test_both_executors_give_the_same_decision_and_evidence(document):
    explainer = Explainer(PACK, AS_OF, "vi")
    durable = decision_dict(_decide(document, "durable"), explainer)
    python = decision_dict(_decide(document, "python"), explainer)
    assert durable == python


@FAST
@given(profile(), st.sampled_from([*oracle.JUDGEMENTS, "tuong-duong"]))
def test_recording_met_never_turns_a_pass_into_a_fail(document, criterion):
    before = _outcomes(_decide(document))
    changed = copy.deepcopy(document)
    changed["assessments"][criterion] = {"result": "met"}
    after = _outcomes(_decide(changed))
    assert not [rule for rule, outcome in before.items() if outcome == "pass" and after[rule] == "fail"]


@FAST
@given(profile())
def test_without_a_planning_entry_nobody_is_eligible(document):
    document["planning"] = document["planning"][:1]
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
