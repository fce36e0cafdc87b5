"""The key never lives in, nor is written to, the data folder (read-only data works)."""

import os
import stat

import pytest

import repkit as rk


def test_read_only_data_folder_works_and_stays_untouched(tmp_path, monkeypatch):
    monkeypatch.delenv("REPKIT_PRIVACY_KEY", raising=False)
    monkeypatch.delenv("REPKIT_PRIVACY_KEY_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "医生.xlsx").write_bytes(b"stand-in")
    data.chmod(stat.S_IRUSR | stat.S_IXUSR)  # read-only (root may still write: checked below)
    elsewhere = tmp_path / "kernel_cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    try:
        first = rk.privacy.setup("tokens", create_key=True, project=data)
        monkeypatch.chdir(tmp_path)
        second = rk.privacy.setup("tokens", create_key=True, project=data)
        assert sorted(os.listdir(data)) == ["医生.xlsx"]
    finally:
        data.chmod(0o755)
    assert not (elsewhere / ".repkit-privacy-key").exists()
    assert first.key == second.key
    assert "created now" in first.key_source
    assert "created now" not in second.key_source
    assert str(tmp_path / "config" / "repkit" / "key") in first.key_source


def test_old_project_key_is_not_read_but_its_move_is_explained(tmp_path, monkeypatch):
    monkeypatch.delenv("REPKIT_PRIVACY_KEY", raising=False)
    monkeypatch.delenv("REPKIT_PRIVACY_KEY_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    data = tmp_path / "data"
    old = rk.privacy.create_key(data / ".repkit-privacy-key")
    with pytest.raises(rk.privacy.PrivacyKeyError, match="no longer reads keys") as err:
        rk.privacy.setup("tokens", create_key=True, project=data)
    user = tmp_path / "config" / "repkit" / "key"
    assert f"mv {old} {user}" in str(err.value)
    assert not user.exists()  # no new key (and new tokens) made behind the user's back
    user.parent.mkdir(parents=True)
    old.rename(user)
    moved = rk.privacy.setup("tokens", create_key=True, project=data)
    assert moved.key == bytes.fromhex(user.read_text().strip())
