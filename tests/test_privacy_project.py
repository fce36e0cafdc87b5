"""The key never lives in, nor is written to, the data folder (read-only data works)."""

import os
import stat

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
