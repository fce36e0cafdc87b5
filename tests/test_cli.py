import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import repkit as rk
from repkit.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    rk.sample.write(rk.sample.generate(seed=0, regions=1, hospitals_per_region=6), folder)
    return folder


def test_sample_writes_files(tmp_path):
    result = runner.invoke(app, ["sample", str(tmp_path / "d"), "--regions", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d" / "销售明细.xlsx").is_file()
    assert "已写入" in result.output


def test_check_passes_good_folder(small_folder):
    result = runner.invoke(app, ["check", str(small_folder)])
    assert result.exit_code == 0, result.output
    assert "没有发现问题" in result.output


def test_check_fails_with_a_problem_table(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text('月份,医院,品种,数量\n202407,甲,A,"12,3"\n202408,甲,A,#N/A\n', encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 1
    assert "ambiguous_number" in result.output
    assert "excel_error" in result.output


def test_plan_one_region_without_a_notebook(small_folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "plan",
            "--data",
            str(small_folder),
            "--region",
            "兰州",
            "--half",
            "2026H2",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["region"] == "兰州"
    assert (out / "plan.xlsx").is_file()


def test_plan_unknown_region_names_the_valid_ones(small_folder, tmp_path):
    result = runner.invoke(
        app,
        [
            "plan",
            "--data",
            str(small_folder),
            "--region",
            "北京",
            "--half",
            "2026H2",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code != 0
    assert "兰州" in str(result.exception) + result.output


def test_forecast_writes_intervals(small_folder, tmp_path):
    out = tmp_path / "fc.csv"
    result = runner.invoke(
        app,
        [
            "forecast",
            "--data",
            str(small_folder),
            "--out",
            str(out),
            "--horizon",
            "3",
            "--by",
            "product",
        ],
    )
    assert result.exit_code == 0, result.output
    import pandas as pd

    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert {"product", "month", "mean", "lo_95", "hi_95"} <= set(frame.columns)
    assert (frame["lo_95"] <= frame["hi_95"]).all()


def test_forecast_refuses_unknown_grouping(small_folder, tmp_path):
    result = runner.invoke(
        app,
        [
            "forecast",
            "--data",
            str(small_folder),
            "--out",
            str(tmp_path / "x.csv"),
            "--by",
            "doctor",
        ],
    )
    assert result.exit_code == 2
    assert "不是销售表的列" in result.output
    assert "区域（region）" in result.output


def test_batch_rejects_malformed_param(small_folder, tmp_path):
    result = runner.invoke(
        app, ["batch", "--data", str(small_folder), "--out", str(tmp_path), "-p", "growth"]
    )
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.output


def test_missing_extra_ends_in_the_install_command(capsys, monkeypatch):
    import sys

    import typer

    from repkit._extras import require
    from repkit.cli import _user_errors

    monkeypatch.setitem(sys.modules, "sqlalchemy", None)  # as if not installed

    def needs_sql():
        require("sqlalchemy", feature="reading databases")

    def unrelated():
        raise ImportError("a bug, not a missing extra")

    with pytest.raises(typer.Exit) as info:
        _user_errors(needs_sql)()
    assert info.value.exit_code == 2
    assert 'pip install "repkit[sql]"' in capsys.readouterr().err
    with pytest.raises(ImportError, match="a bug"):
        _user_errors(unrelated)()


def test_forecast_by_chinese_dimensions_equals_the_english_form(small_folder, tmp_path):
    import pandas as pd

    frames = []
    for by, name in (("region,product", "en.csv"), ("大区，产品", "zh.csv")):
        out = tmp_path / name
        args = ["forecast", "--data", str(small_folder), "--out", str(out), "--by", by,
                "--horizon", "2", "--method", "naive"]  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "已写入" in result.output
        frames.append(pd.read_csv(out, encoding="utf-8-sig"))
    pd.testing.assert_frame_equal(frames[0], frames[1])
    assert {"region", "product"} <= set(frames[0].columns)


SCENARIOS_TYPED = [
    ("冲刺", "stretch"),
    ("基准预测", "base"),
    ("公司指标", "company"),
    ("目标", "target"),
]


@pytest.mark.parametrize(("typed", "code"), SCENARIOS_TYPED)
def test_plan_takes_chinese_scenario_names(small_folder, tmp_path, monkeypatch, typed, code):
    import repkit.plan

    seen = {}

    def fake_run_region(data, region, half, out, **params):
        seen.update(params)
        return {"region": region}

    monkeypatch.setattr(repkit.plan, "run_region", fake_run_region)
    args = ["plan", "--data", str(small_folder), "--region", "兰州", "--half", "2026H2",
            "--out", str(tmp_path), "--scenario", typed]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert seen["scenario"] == code


def test_batch_scenario_and_param_take_chinese_names():
    from repkit.cli import _batch_params

    assert _batch_params("2026H2", [], "冲刺")["scenario"] == "stretch"
    assert _batch_params("2026H2", ["scenario=公司指标"], None)["scenario"] == "company"
    with pytest.raises(ValueError, match="可用：基准预测（base）、目标（target）"):
        _batch_params("2026H2", ["scenario=保底"], None)


def test_check_prints_chinese_sentences_with_rule_codes(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('月份,医院,品种,数量\n202407,甲,A,"12,3"\n2024-13,乙,A,1\n', encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    lines = sorted(result.output.splitlines()[:2], key=lambda line: line[3:])
    assert lines[0][3:].startswith("[ambiguous_number] bad.csv › 第 2 行，「数量」列：'12,3'")
    assert "改正方法：" in lines[0]
    assert lines[1][3:].startswith("[bad_date] bad.csv › 第 3 行，「月份」列：'2024-13'")
    assert "共 2 个问题" in result.output


def test_cli_errors_in_english_on_request(tmp_path, monkeypatch):
    monkeypatch.setenv("REPKIT_LANG", "en")
    result = runner.invoke(app, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "repkit check: no such file or folder" in result.output


def test_help_is_chinese_and_starts_without_pandas():
    import subprocess
    import sys

    result = runner.invoke(app, ["batch", "--help"])
    assert result.exit_code == 0
    assert "对每个区域运行计划模板" in result.output
    assert "分解成指标的情景：基准预测（base）" in result.output
    code = "import sys, repkit.cli; print('pandas' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"


def test_batch_plans_the_half_after_the_data_when_no_half_is_given(sample_dir, capsys):
    from repkit.cli import _half_from_data

    half, ds = _half_from_data(sample_dir)
    assert half == "2026H2"  # the sample's sales run to 2026-06
    assert ds.sales["month"].max() == pd.Period("2026-06", "M")
    assert "2026-06" in capsys.readouterr().out


def test_batch_without_half_reads_the_data_once(sample_dir, tmp_path, monkeypatch):
    import repkit.batch
    import repkit.io

    reads, seen = [], {}
    real = repkit.io.load_dataset
    monkeypatch.setattr(repkit.io, "load_dataset", lambda *a, **k: reads.append(a) or real(*a, **k))

    def fake_run(template, **kw):
        seen.update(kw)
        return {"regions": {}}

    monkeypatch.setattr(repkit.batch, "run", fake_run)
    result = runner.invoke(app, ["batch", "--data", str(sample_dir), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(reads) == 1
    assert seen["params"]["half"] == "2026H2"
    assert seen["dataset"] is not None
    assert len(seen["dataset"].sales)


def test_ingest_passes_the_chunk_size(tmp_path, monkeypatch):
    from repkit.io import _ingest

    seen = {}

    def fake_ingest(data, out, *, chunk_rows=None):
        seen["chunk_rows"] = chunk_rows
        return {"tables": {"sales": [{"rows": 3}]}, "regions": ["兰州"]}

    monkeypatch.setattr(_ingest, "ingest", fake_ingest)
    result = runner.invoke(app, ["ingest", str(tmp_path), "--chunk-rows", "5000"])
    assert result.exit_code == 0, result.output
    assert seen["chunk_rows"] == 5000
    assert runner.invoke(app, ["ingest", str(tmp_path), "--chunk-rows", "0"]).exit_code == 2


def test_python_dash_m_repkit_runs_the_command(tmp_path):
    """``python -m repkit`` is the ``repkit`` command (it once said "cannot be executed")."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "repkit", "sample", str(tmp_path / "d"), "--regions", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "d" / "销售明细.xlsx").exists()
    usage = subprocess.run(
        [sys.executable, "-m", "repkit", "nosuch"], capture_output=True, text=True, check=False
    )
    assert usage.returncode == 2
    assert "repkit" in usage.stderr
    assert "__main__" not in usage.stderr
