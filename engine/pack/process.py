"""The ``process`` section of a pack: the steps that carry the step-1 list
through the ballots (SPEC §6), as data.

Each step names its body, its pass rule (``share`` of a ``denominator``,
strictly more than unless ``strict: false``) and its quorum (``quorum`` of
those summoned, at least), and cites each as a rule does: its basis (the
official documents it applies, by id, with the part applied) and its
provenance (where the wording or the figure was actually read: a reading
and its quote, or the pack's summary). None of the official texts of 2020 was found, so every
figure is a parameter here, never a constant in code: a second pack with
another order or other thresholds runs without a code change.

Shares are exact fractions (``"1/2"``, ``"2/3"``, ``0.5``): a decimal is read
from its written form, so ``0.5`` is 1/2 and never a binary approximation.
"""

from __future__ import annotations

import difflib
from fractions import Fraction
from typing import Literal

from pydantic import Field

from .model import BasisRef, Provenance, Text, _Strict

Body = Literal["ban_thuong_vu", "hoi_nghi_can_bo_chu_chot", "ban_chap_hanh"]
BODIES: tuple[str, ...] = ("ban_thuong_vu", "hoi_nghi_can_bo_chu_chot", "ban_chap_hanh")
Denominator = Literal["summoned", "present", "valid"]
Track = Literal["lan_dau", "tai_cu", "giua_nhiem_ky"]


def fraction(value) -> Fraction | None:
    """An exact share from how it is written: 1, 0.5, "0.5", "1/2", "50%"; None if it is none."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int):
            return Fraction(value)
        if isinstance(value, float):
            return Fraction(repr(value))
        if isinstance(value, str):
            text = value.strip().replace(",", ".")
            if text.endswith("%"):
                return Fraction(text[:-1].strip()) / 100
            return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return None


class Citation(_Strict):
    """Why a figure or a body is what it is: the official documents it applies (basis,
    cited as a party document cites them; empty when none was found) and where the
    wording or the figure was actually read (provenance, at least one)."""

    basis: list[BasisRef] = []
    provenance: list[Provenance] = Field(min_length=1)


class BallotRules(_Strict):
    """How `record --ballots` counts a paper: which papers are invalid."""

    #: A paper marking more names than this is invalid: a number, or `seats`
    #: (the process's number of seats; no limit when none was set).
    max_marks: int | Literal["seats"] | None = "seats"
    #: A paper naming someone outside the step's list: `invalid`, or `ignored` (the name alone is not counted).
    unlisted: Literal["invalid", "ignored"] = "invalid"
    basis: Citation | None = None


class ProcessStep(_Strict):
    #: The step's number, if written: it must be its place in the list.
    step: int | None = None
    body: Body
    #: The sitting as the minutes name it ("Hội nghị Ban Thường vụ Tỉnh ủy lần 2").
    sitting: Text | None = None
    #: Why this body sits at this step.
    basis: Citation | None = None
    share: int | float | str = "1/2"
    #: True: votes must be more than share × denominator; false: at least.
    strict: bool = True
    denominator: Denominator = "summoned"
    pass_basis: Citation | None = None
    quorum: int | float | str = "2/3"
    quorum_basis: Citation | None = None
    #: The tally must be keyed twice, by two clerks, and both entries agree.
    double_entry: bool = False
    ballot: BallotRules = BallotRules()
    #: The set passed here must be reported to the higher committee when it differs
    #: from the set carried from the step before; unset: when a Standing Committee
    #: step follows an Executive Committee step.
    report_if_differs: bool | None = None
    report_basis: Citation | None = None

    @property
    def share_fraction(self) -> Fraction:
        return fraction(self.share) or Fraction(1, 2)

    @property
    def quorum_fraction(self) -> Fraction:
        return fraction(self.quorum) or Fraction(2, 3)


class ProcessSection(_Strict):
    """The steps of the process, in order; step 1 approves the list (no ballot is counted)."""

    #: The post the process fills ("Phó Bí thư Tỉnh ủy").
    post: Text | None = None
    #: The subject line of the minutes ("giới thiệu nhân sự lần đầu ứng cử chức danh …").
    subject: Text | None = None
    track: Track = "lan_dau"
    steps: list[ProcessStep] = Field(min_length=2)
    #: What a tie at the last seat does (always reported, never broken): its basis, if any.
    ties: Citation | None = None

    def step(self, number: int) -> ProcessStep:
        return self.steps[number - 1]

    def reports_if_differs(self, number: int) -> bool:
        step = self.step(number)
        if step.report_if_differs is not None:
            return step.report_if_differs
        return number > 1 and step.body == "ban_thuong_vu" and self.step(number - 1).body == "ban_chap_hanh"


#: SPEC §6's default order, used when a pack declares no process: 1 BTV → 2 key
#: cadres → 3 BCH → 4 BTV → 5 BCH, more than 1/2 of those summoned, quorum 2/3.
DEFAULT_PROCESS = ProcessSection(steps=[ProcessStep(body=body) for body in (
    "ban_thuong_vu", "hoi_nghi_can_bo_chu_chot", "ban_chap_hanh", "ban_thuong_vu", "ban_chap_hanh")])


def _citations(step: ProcessStep):
    yield ("basis",), step.basis
    yield ("pass_basis",), step.pass_basis
    yield ("quorum_basis",), step.quorum_basis
    yield ("report_basis",), step.report_basis
    yield ("ballot", "basis"), step.ballot.basis


def process_problems(section: ProcessSection, documents: dict, readings: dict, readings_text: dict[str, str]):
    """(path, message code, params) of everything wrong in a valid-shaped section:
    step numbers, shares, and each citation's documents, readings and quotes."""
    found = []
    citations = [(("ties",), section.ties)]
    for i, step in enumerate(section.steps):
        at = ("steps", i)
        if step.step is not None and step.step != i + 1:
            found.append((at + ("step",), "pack_step_number", {"value": step.step, "expected": i + 1}))
        for key in ("share", "quorum"):
            value = fraction(getattr(step, key))
            if value is None or not 0 < value <= 1:
                found.append((at + (key,), "pack_bad_share", {"value": getattr(step, key)}))
        if isinstance(step.ballot.max_marks, int) and step.ballot.max_marks < 1:
            found.append((at + ("ballot", "max_marks"), "pack_bad_value",
                          {"value": step.ballot.max_marks, "expected": "≥ 1"}))
        citations += [(at + path, citation) for path, citation in _citations(step)]
    for path, citation in citations:
        if citation is None:
            continue
        for j, ref in enumerate(citation.basis):
            if ref.document not in documents:
                found.append((path + ("basis", j, "document"), "pack_unknown_document", {
                    "value": ref.document, "suggestions": difflib.get_close_matches(ref.document, list(documents), n=2)}))
        for j, source in enumerate(citation.provenance):
            where = path + ("provenance", j)
            if source.reading not in readings:
                found.append((where + ("reading",), "pack_unknown_reading", {
                    "value": source.reading, "suggestions": difflib.get_close_matches(source.reading, list(readings), n=2)}))
                continue
            text = readings_text.get(source.reading)
            if text is not None and source.quote and " ".join(source.quote.split()) not in " ".join(text.split()):
                found.append((where + ("quote",), "pack_misquote", {"file": readings[source.reading].file}))
    return found


def cited(section: ProcessSection) -> tuple[set[str], set[str]]:
    """(document ids, reading ids) the section cites."""
    documents, readings = set(), set()
    for citation in [section.ties] + [c for step in section.steps for _, c in _citations(step)]:
        if citation is not None:
            documents.update(ref.document for ref in citation.basis)
            readings.update(source.reading for source in citation.provenance)
    return documents, readings
