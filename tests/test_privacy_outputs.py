"""Privacy across outputs: `repkit plan` tokens, one small-group rule on every aggregate."""

from __future__ import annotations

import pandas as pd
import pytest

import repkit as rk
from repkit import privacy

KEY = "fedcba9876543210" * 4


@pytest.fixture(autouse=True)
def _key(monkeypatch, tmp_path):
    monkeypatch.setenv(privacy.KEY_ENV, KEY)
    monkeypatch.delenv(privacy.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def one_region():
    return rk.sample.generate(seed=0, regions=1)


def test_cli_plan_workbook_has_tokens_not_doctor_ids(one_region, tmp_path):
    rk.plan.run_region(one_region, "兰州", "2026H2", tmp_path / "out", forecast="simple")
    sheets = pd.read_excel(
        tmp_path / "out" / "plan.xlsx", sheet_name=None, header=None, engine="openpyxl"
    )
    cells = {str(v) for t in sheets.values() for v in t.to_numpy().ravel() if pd.notna(v)}
    ids = set(one_region.doctors["doctor_id"].astype(str))
    names = set(one_region.doctors["name"].astype(str)) - set(one_region.reps["name"])
    assert not cells & ids, sorted(cells & ids)[:5]
    assert not cells & names, sorted(cells & names)[:5]
    expected = set(privacy.tokens(one_region.doctors["doctor_id"], key=KEY))
    assert len(cells & expected) == len(ids)  # the template's tokens, every doctor once
