"""Doctor pseudonymisation: keyed tokens, key discovery, suppression, mode labels."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import pandas as pd
import pytest

import repkit as rk
from repkit import privacy
from repkit.privacy import PrivacyKeyError

KEY = "0123456789abcdef" * 4  # 64 hex digits


@pytest.fixture(autouse=True)
def _no_key_env(monkeypatch, tmp_path):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    monkeypatch.delenv(privacy.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)


def test_token_is_hmac_sha256_of_the_id():
    expected = hmac.new(bytes.fromhex(KEY), b"D00001", hashlib.sha256).hexdigest()[:10].upper()
    assert privacy.tokens(["D00001"], key=KEY).tolist() == ["DR-" + expected]


def test_tokens_stable_distinct_and_key_dependent():
    a = privacy.tokens(["D1", "D2", "D1", None], key=KEY)
    b = privacy.tokens(pd.Series(["D1"], index=[7]), key=KEY)
    other = privacy.tokens(["D1"], key="another project key!")
    assert a[0] == a[2] == b[7]
    assert a[0] != a[1]
    assert other[0] != a[0]
    assert a[3] is None


def test_short_key_refused():
    with pytest.raises(PrivacyKeyError, match="too short"):
        privacy.tokens(["D1"], key="short")


def test_no_key_is_a_clear_error():
    with pytest.raises(PrivacyKeyError, match="REPKIT_PRIVACY_KEY") as err:
        privacy.setup("tokens")
    assert "create_key" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_key_from_environment(monkeypatch):
    monkeypatch.setenv(privacy.KEY_ENV, KEY)
    p = privacy.setup()
    assert p.key == bytes.fromhex(KEY)
    assert p.key_source == "$REPKIT_PRIVACY_KEY"
    assert KEY not in repr(p)


def test_key_file_from_environment(monkeypatch, tmp_path):
    path = privacy.create_key(tmp_path / "keys" / "p.key")
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(path))
    assert privacy.load_key() == bytes.fromhex(path.read_text().strip())


def test_planted_key_in_a_parent_folder_is_ignored(tmp_path, monkeypatch):
    planted = tmp_path / privacy.KEY_FILE_NAME
    planted.write_text("0" * 64 + "\n")
    planted.chmod(0o600)
    sub = tmp_path / "reports" / "兰州"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    with pytest.raises(PrivacyKeyError, match="no privacy key"):
        privacy.setup()
    p = privacy.setup(create_key=True, project=sub)
    assert p.key != bytes.fromhex("0" * 64)
    assert str(privacy.user_key_path()) in p.key_source


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_key_readable_by_others_is_refused(tmp_path, monkeypatch, mode):
    path = privacy.create_key(tmp_path / "shared.key")
    path.chmod(mode)
    with pytest.raises(PrivacyKeyError, match="other users") as err:
        privacy.setup(key_file=path)
    assert "chmod 600" in str(err.value)
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(path))
    with pytest.raises(PrivacyKeyError, match="other users"):
        privacy.load_key()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_user_key_is_created_private_in_a_private_folder(tmp_path):
    p = privacy.setup(create_key=True)
    path = tmp_path / "config" / "repkit" / "key"
    assert path.is_file()
    assert str(path) in p.key_source
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not (tmp_path / privacy.KEY_FILE_NAME).exists()


def test_create_key_file_is_private_and_never_overwritten(tmp_path):
    path = privacy.create_key(tmp_path / "k.key")
    assert len(path.read_text().strip()) == 64
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        privacy.create_key(path)


def test_setup_create_key_makes_a_user_key_once(tmp_path):
    p1 = privacy.setup(create_key=True)
    assert privacy.user_key_path().is_file()
    assert "created now" in p1.key_source
    p2 = privacy.setup(create_key=True)
    assert p2.key == p1.key
    assert "created now" not in p2.key_source


def test_setup_bad_mode():
    with pytest.raises(ValueError, match="valid modes: tokens, names"):
        privacy.setup("hashed")


def test_pseudonymise_replaces_ids_and_drops_names():
    docs = pd.DataFrame({"doctor_id": ["D1", "D2"], "name": ["王明", "李华"], "tier": ["A", "C"]})
    out = privacy.pseudonymise(docs, key=KEY)
    assert list(out.columns) == ["doctor_id", "tier"]
    assert out["doctor_id"].tolist() == privacy.tokens(["D1", "D2"], key=KEY).tolist()
    assert docs["doctor_id"].tolist() == ["D1", "D2"]  # input untouched


def test_policy_doctors_in_both_modes():
    sched = pd.DataFrame({"doctor_id": ["D1", "D2"], "name": ["王明", "李华"]})
    tok = privacy.setup(key=KEY).doctors(sched)
    assert "name" not in tok
    assert tok["doctor"].tolist() == tok["doctor_id"].tolist()
    assert tok["doctor"].str.startswith("DR-").all()
    names = privacy.setup("names").doctors(sched[["doctor_id"]], names=sched)
    assert names["doctor"].tolist() == ["王明", "李华"]
    own = privacy.setup("names").doctors(sched.assign(tier="A"))
    assert list(own.columns) == ["doctor_id", "doctor", "tier"]  # the name once, in place
    assert names["doctor_id"].tolist() == ["D1", "D2"]
    with pytest.raises(ValueError, match="doctor_id"):
        privacy.setup("names").doctors(pd.DataFrame({"x": [1]}))
    cards = privacy.setup(key=KEY).doctors(sched, label=False)
    assert list(cards.columns) == ["doctor_id"]
    assert list(privacy.setup("names").doctors(sched, label=False).columns) == ["doctor_id", "name"]


def test_suppress_small_groups():
    t = pd.DataFrame(
        {"tier": ["A", "B", "C"], "doctors": [4, 5, 0], "mean_rating": [6.0, 5.0, 3.0]}
    )
    out = privacy.suppress(t, count="doctors")
    assert out["suppressed"].tolist() == [True, False, False]
    assert pd.isna(out.loc[0, "doctors"])
    assert pd.isna(out.loc[0, "mean_rating"])
    assert out.loc[1, "mean_rating"] == 5.0
    assert out.loc[0, "tier"] == "A"
    assert not privacy.suppress(t, count="doctors", min_group=0)["suppressed"].any()
    with pytest.raises(ValueError, match="count column"):
        privacy.suppress(t, count="people")


def test_labels_name_the_mode():
    assert "假名" in privacy.setup(key=KEY).label
    assert "姓名" in privacy.setup("names").label
    assert "少于 10 人" in privacy.setup(key=KEY, min_group=10).label


def test_call_plan_tokens_everywhere(sample_ds):
    ds = sample_ds.for_region("西宁")
    p = privacy.setup(key=KEY)
    cp = rk.activity.call_plan(ds, "2026-07", privacy=p)
    raw = set(ds.doctors["doctor_id"])
    for frame in (cp.schedule, cp.goals, cp.tiers, cp.moves):
        assert not set(frame["doctor_id"]) & raw
        assert frame["doctor_id"].str.startswith("DR-").all()
        assert "name" not in frame
    assert cp.privacy_label == p.label
    assert "suppressed" in cp.pyramid


def test_parallel_key_creation_gives_one_complete_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    target = tmp_path / "proj" / privacy.KEY_FILE_NAME

    def attempt(_):
        return privacy.setup(key_file=target, create_key=True).key

    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(attempt, range(16)))
    assert len(set(keys)) == 1
    assert len(keys[0]) == 32
    assert sorted(p.name for p in target.parent.iterdir()) == [privacy.KEY_FILE_NAME]
