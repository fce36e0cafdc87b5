import repkit as rk


def test_project_folder_holds_one_key_for_every_run(tmp_path, monkeypatch):
    monkeypatch.delenv("REPKIT_PRIVACY_KEY", raising=False)
    monkeypatch.delenv("REPKIT_PRIVACY_KEY_FILE", raising=False)
    data = tmp_path / "data"
    data.mkdir()
    elsewhere = tmp_path / "kernel_cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    first = rk.privacy.setup("tokens", create_key=True, project=data)
    assert (data / ".repkit-privacy-key").is_file()
    assert not (elsewhere / ".repkit-privacy-key").exists()
    monkeypatch.chdir(tmp_path)
    second = rk.privacy.setup("tokens", create_key=True, project=data)
    assert first.key == second.key
    assert "created now" not in second.key_source
