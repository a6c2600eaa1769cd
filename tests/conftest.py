"""Shared fixtures: the CLI runner, the default pack, and a profile builder."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from click.testing import CliRunner

from sangloc.engine.pack.load import load_pack
from sangloc.engine.decide.decide import Decider
from sangloc.engine.profile.validate import validate_profile
from sangloc.engine.profile.model import ProfileContext

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
GOLDEN = Path(__file__).resolve().parent / "golden"

#: A profile that passes every objective rule of the default pack and has all
#: judgements recorded as met; tests change one thing at a time.
BASE_PROFILE = {
    "id": "T-0001",
    "full_name": "Nguyễn Văn Thử",
    "gender": "male",
    "birth_date": "1968-01-01",
    "positions": [
        {"title": "bi_thu_huyen_uy", "org": "Huyện ủy A", "start": "2010-01-01", "end": "2015-06-30"},
        {"title": "uy_vien_btv_tinh_uy", "start": "2015-07-01"},
    ],
    "ratings": {2015: "hoan_thanh_tot", 2016: "xuat_sac", 2017: "hoan_thanh_tot",
                2018: "hoan_thanh_tot", 2019: "hoan_thanh_tot"},
    "planning": [{"title": "pho_bi_thu_tinh_uy", "term": "2020-2025"}],
    "education": {"professional": "dai_hoc", "political_theory": "cao_cap",
                  "state_management": "chuyen_vien_cao_cap"},
    "assessments": {k: {"result": "met"} for k in (
        "trung-thanh", "trinh-do-toan-dien", "nam-chac-tinh-hinh", "am-hieu-xay-dung-dang",
        "uy-tin-doan-ket", "nang-luc-cu-the-hoa", "nang-luc-chi-dao-tham-muu", "kinh-nghiem-lanh-dao")},
}


@pytest.fixture(autouse=True)
def _private_audit_store(tmp_path, monkeypatch):
    """Every test screens into its own audit store, never into the working tree."""
    monkeypatch.setenv("SANGLOC_AUDIT_DB", str(tmp_path / "audit.sqlite"))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files from the current output, on purpose")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def pack():
    return load_pack("pho-bi-thu-tinh-uy-2020")


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def base_profile():
    return copy.deepcopy(BASE_PROFILE)


@pytest.fixture(scope="session")
def decide(pack):
    """decide(profile_dict, as_of=None) -> Decision, through the engine API."""
    screeners = {}

    def run(document: dict, as_of=None):
        screener = screeners.get(as_of)
        if screener is None:
            screener = screeners[as_of] = Decider(pack, as_of)
        profile, problems = validate_profile(document, pack.profile_context(screener.as_of))
        assert not problems, [p.text("en") for p in problems]
        return screener.decide(profile)

    return run


def outcome(decision, rule_id: str) -> str:
    return next(o.outcome for o in decision.outcomes if o.rule_id == rule_id)


def check_golden(path: Path, actual: str, update: bool) -> None:
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"golden file {path.name} was missing and has been written; review and commit it")
    assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"
