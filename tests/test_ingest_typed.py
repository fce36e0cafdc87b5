"""The typed-parquet fast path of read_table gives what the general reader gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import repkit as rk
from repkit.io import _sources, _table, _typed


@pytest.fixture(scope="module")
def ds():
    return rk.sample.generate(seed=0, regions=2, calls=False)


def _general(path, kind):
    frame = pd.read_parquet(path)
    return _table.build(_sources.frame_grid(frame, name=path.name, sheet=None), kind)


@pytest.mark.parametrize("kind", ["sales", "hospitals", "targets", "products"])
def test_fast_path_equals_general_reader(tmp_path, ds, kind):
    path = tmp_path / f"{kind}.parquet"
    frame = getattr(ds, kind)
    if kind == "hospitals":  # list columns take the general reader
        frame = frame.drop(columns=["departments"])
    frame.to_parquet(path)
    fast = _typed.read(path, kind, name=path.name)
    assert fast is not None
    general = _general(path, kind)
    pd.testing.assert_frame_equal(fast.frame, general.frame)
    np.testing.assert_array_equal(fast.rows, general.rows)
    assert fast.texts == general.texts
    pd.testing.assert_frame_equal(rk.read_table(path, kind), general.frame)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda f: f.assign(hospital_id=f["hospital_id"].where(f.index != 3, "../x")), "unsafe_id"),
        (lambda f: f.assign(units=f["units"].where(f.index != 3, -1e12)), "implausible_value"),
    ],
)
def test_bad_values_are_refused_with_their_row(tmp_path, ds, change, rule):
    path = tmp_path / "sales.parquet"
    change(ds.sales.reset_index(drop=True)).to_parquet(path)
    with pytest.raises(rk.DataError) as err:
        rk.read_table(path, "sales")
    probs = err.value.problems
    assert rule in set(probs["rule"])
    assert 4 in set(probs.loc[probs["rule"] == rule, "row"])


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.assign(product=f["product"].where(f.index != 5, " 瑞心安片")),
        lambda f: f.assign(region=f["region"].where(f.index != 5, "合计")),
        lambda f: f.assign(hospital_id=f["hospital_id"].where(f.index != 5, None)),
        lambda f: f.assign(units=f["units"].astype(str)),
    ],
)
def test_untidy_parquet_takes_the_general_reader(tmp_path, ds, change):
    path = tmp_path / "sales.parquet"
    change(ds.sales.reset_index(drop=True)).to_parquet(path)
    assert _typed.read(path, "sales", name=path.name) is None
    try:
        expected = _general(path, "sales").frame
    except rk.DataError as err:
        with pytest.raises(rk.DataError) as got:
            rk.read_table(path, "sales")
        pd.testing.assert_frame_equal(got.value.problems, err.problems)
    else:
        pd.testing.assert_frame_equal(rk.read_table(path, "sales"), expected)
