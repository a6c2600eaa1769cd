"""Each decision is encoded once (issue 15), from texts and rule entries rendered
once per combination: the bytes must be exactly those of encoding the whole
record afresh, for every profile, in both languages, however warm the caches."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sangloc.engine.decide.decide import Decider
from sangloc.engine.decide.explain import Explainer, record, record_text
from sangloc.engine.jsonform import compact
from sangloc.engine.pack.load import load_pack
from sangloc.engine.profile.validate import validate_profile
from sangloc.engine.render.json import result_line, result_text_line
from strategies import AS_OF, profile

PACK = load_pack("pho-bi-thu-tinh-uy-2020")
DECIDER = Decider(PACK, AS_OF, "python")
CONTEXT = PACK.profile_context(AS_OF)
#: Shared across examples, as in a batch: their caches fill as the examples go.
WARM = {lang: Explainer(PACK, AS_OF, lang) for lang in ("vi", "en")}
EXAMPLES = max(int(os.environ.get("SANGLOC_PROPERTY_EXAMPLES", "600")) // 2, 100)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile(open_dates=True), st.sampled_from(["vi", "en"]))
def test_the_decision_encoded_once_is_the_whole_record_encoded_afresh(document, lang):
    validated, problems = validate_profile(document, CONTEXT)
    assert not problems
    decision = DECIDER.decide(validated, "generated.yaml")
    fresh = record(decision, Explainer(PACK, AS_OF, lang))  # no cache at all
    text = record_text(decision, WARM[lang])
    assert text == compact(fresh)
    assert compact(record(decision, WARM[lang])) == text
    assert result_text_line(text) == result_line(fresh)
