"""User errors end in a message and exit code 1 or 2, never a Python traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import repkit as rk
from repkit.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def places(tmp_path_factory, small_ds):
    root = tmp_path_factory.mktemp("cli")
    good = root / "good"
    rk.sample.write(small_ds, good)
    (root / "afile.txt").write_text("x")
    (root / "empty").mkdir()
    (root / "junk.xlsx").write_bytes(b"\x00garbage")
    (root / "e.csv").write_text("")
    (root / "d.xlsx").mkdir()
    (root / "t.txt").write_text("hello")
    (root / "w.et").write_bytes(b"\xd0\xcf\x11\xe0")
    return root


# (name, argv with {R} = scratch folder and {D} = a good data folder, exit code, text shown)
CASES = [
    ("plan unknown region", "plan --data {D} --region 北京 --half 2026H2 --out {R}/o", 2, "兰州"),
    ("plan empty region", "plan --data {D} --region= --half 2026H2 --out {R}/o", 2, "没有区域"),
    ("plan half H3", "plan --data {D} --region 兰州 --half 2026H3 --out {R}/o", 2, "2026H1"),
    ("plan half text", "plan --data {D} --region 兰州 --half abc --out {R}/o", 2, "无法识别半年"),
    ("plan half blank", "plan --data {D} --region 兰州 --half= --out {R}/o", 2, "无法识别半年"),
    ("plan half 1990", "plan --data {D} --region 兰州 --half 1990H1 --out {R}/o", 2, "1990H1"),
    ("plan data missing", "plan --data {R}/nope --region 兰州 --half 2026H2 --out {R}/o", 2,
     "nope"),
    ("plan data file", "plan --data {R}/afile.txt --region 兰州 --half 2026H2 --out {R}/o", 2,
     "不是文件夹"),
    ("plan data empty", "plan --data {R}/empty --region 兰州 --half 2026H2 --out {R}/o", 1,
     "no_data_files"),
    ("plan out is a file", "plan --data {D} --region 兰州 --half 2026H2 --out {R}/afile.txt", 1,
     "afile.txt"),
    ("plan growth nan", "plan --data {D} --region 兰州 --half 2026H2 --out {R}/o --growth nan", 2,
     "growth"),
    ("plan growth -5", "plan --data {D} --region 兰州 --half 2026H2 --out {R}/o --growth -5", 2,
     "growth"),
    ("plan growth inf", "plan --data {D} --region 兰州 --half 2026H2 --out {R}/o --growth inf", 2,
     "growth"),
    ("plan growth text", "plan --data {D} --region 兰州 --half 2026H2 --out {R}/o --growth x", 2,
     "growth"),
    ("check missing", "check {R}/nope", 1, "找不到文件或文件夹"),
    ("check empty folder", "check {R}/empty", 1, "no_data_files"),
    ("check text file", "check {R}/t.txt", 1, "[missing_column]"),
    ("check junk xlsx", "check {R}/junk.xlsx", 1, "个问题"),
    ("check empty csv", "check {R}/e.csv", 1, "empty"),
    ("check wps et", "check {R}/w.et", 1, "unsupported_format"),
    ("check folder named xlsx", "check {R}/d.xlsx", 1, "no_data_files"),
    ("check dev null", "check /dev/null", 1, "个问题"),
    ("forecast data missing", "forecast --data {R}/nope --out {R}/f.csv", 2, "nope"),
    ("forecast data file", "forecast --data {R}/afile.txt --out {R}/f.csv", 2, "不是文件夹"),
    ("forecast data empty", "forecast --data {R}/empty --out {R}/f.csv", 1, "no_data_files"),
    ("forecast out folder", "forecast --data {D} --out {R}/empty --by product", 1, "是文件夹"),
    ("forecast out under file", "forecast --data {D} --out {R}/afile.txt/x.csv --by product "
     "--horizon 2", 1, "afile.txt"),
    ("forecast horizon 0", "forecast --data {D} --out {R}/f.csv --horizon 0", 2, "horizon"),
    ("forecast horizon -3", "forecast --data {D} --out {R}/f.csv --horizon -3", 2, "horizon"),
    ("forecast horizon text", "forecast --data {D} --out {R}/f.csv --horizon x", 2, "horizon"),
    ("forecast bogus method", "forecast --data {D} --out {R}/f.csv --method bogus", 2, "auto"),
    ("forecast unknown by", "forecast --data {D} --out {R}/f.csv --by doctor", 2, "区域（region）"),
    ("forecast unknown by zh", "forecast --data {D} --out {R}/f.csv --by 医生", 2,
     "不是销售表的列"),
    ("sample into a file", "sample {R}/afile.txt --regions 1", 1, "afile.txt"),
    ("sample under a file", "sample {R}/afile.txt/sub --regions 1", 1, "afile.txt"),
    ("sample regions 0", "sample {R}/s --regions 0", 2, "regions"),
    ("sample regions -1", "sample {R}/s --regions -1", 2, "regions"),
    ("sample regions text", "sample {R}/s --regions many", 2, "regions"),
    ("batch data missing", "batch --data {R}/nope --out {R}/b", 1, "nope"),
    ("batch template missing", "batch --data {D} --out {R}/b --template {R}/nope.ipynb", 1,
     "找不到模板"),
    ("batch template folder", "batch --data {D} --out {R}/b --template {R}/empty", 1,
     "找不到模板"),
    ("batch template text", "batch --data {D} --out {R}/b --template {R}/t.txt", 2, "笔记本"),
    ("batch workers 0", "batch --data {D} --out {R}/b --workers 0", 2, "workers"),
    ("batch workers -1", "batch --data {D} --out {R}/b --workers -1", 2, "workers"),
    ("batch timeout 0", "batch --data {D} --out {R}/b --timeout 0", 2, "timeout"),
    ("batch retries -1", "batch --data {D} --out {R}/b --retries -1", 2, "retries"),
    ("batch unknown region", "batch --data {D} --out {R}/b --region 北京", 2, "兰州"),
    ("batch bad half", "batch --data {D} --out {R}/b --half 2026H9", 2, "无法识别半年"),
    ("batch out is a file", "batch --data {D} --out {R}/afile.txt", 2, "不是文件夹"),
    ("batch unknown scenario", "batch --data {D} --out {R}/b --scenario 大冲刺", 2,
     "冲刺（stretch）"),
    ("batch bad time zone", "batch --data {D} --out {R}/b --tz Mars/Base", 2, "无法识别时区"),
    ("plan unknown scenario", "plan --data {D} --region 兰州 --half 2026H2 --out {R}/o "
     "--scenario 保底", 2, "基准预测（base）"),
    ("batch param no value", "batch --data {D} --out {R}/b -p growth", 2, "NAME=VALUE"),
    ("batch param unknown", "batch --data {D} --out {R}/b -p nosuch=1", 2, "nosuch"),
    ("pdf missing", "pdf {R}/nope.html", 1, "没有 HTML 文件"),
    ("pdf folder", "pdf {R}/empty", 1, "没有 HTML 文件"),
]  # fmt: skip


def _argv(spec: str, places) -> list[str]:
    return [a.format(R=places, D=places / "good") for a in spec.split(" ")]


@pytest.mark.parametrize(("name", "spec", "code", "text"), CASES, ids=[c[0] for c in CASES])
def test_user_error_ends_in_a_message(places, name, spec, code, text):
    result = runner.invoke(app, _argv(spec, places))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{name}: {result.exception!r}"
    )
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output
    assert text in result.output


def test_case_count():
    assert len(CASES) >= 40


def test_no_traceback_from_the_installed_command(places):
    argv = _argv("plan --data {D} --region 北京 --half 2026H2 --out {R}/o", places)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-c", "from repkit.cli import app; app()", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "没有区域 '北京'；可选区域：兰州" in proc.stderr


def test_forecast_csv_cannot_run_formulas(small_ds, tmp_path):
    import dataclasses

    evil = '=HYPERLINK("http://x","y")'
    sales = small_ds.sales.copy()
    first = sales["product"].iloc[0]
    sales["product"] = sales["product"].replace({first: evil})
    products = small_ds.products.copy()
    products["product"] = products["product"].replace({first: evil})
    targets = small_ds.targets.copy()
    targets["product"] = targets["product"].replace({first: evil})
    reps = small_ds.reps.copy()
    reps["products"] = reps["products"].map(lambda ps: [evil if p == first else p for p in ps])
    swot = small_ds.swot.copy()
    swot["product"] = swot["product"].replace({first: evil})
    ds = dataclasses.replace(
        small_ds, sales=sales, products=products, targets=targets, reps=reps, swot=swot
    )
    rk.sample.write(ds, tmp_path / "data")
    out = tmp_path / "fc.csv"
    result = runner.invoke(
        app,
        ["forecast", "--data", str(tmp_path / "data"), "--out", str(out), "--by", "product",
         "--horizon", "2", "--method", "naive"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    cells = [c.strip('"') for line in lines for c in line.split(",")]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert any(c.startswith("'=HYPERLINK(") for c in cells)
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.slow
def test_batch_output_path_with_braces(places, tmp_path):
    out = tmp_path / "plans {} {0} {x}"
    result = runner.invoke(
        app, ["batch", "--data", str(places / "good"), "--out", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["status"] for e in manifest["regions"].values()} == {"ok"}
    assert (out / "兰州" / "plan.html").is_file()


def test_a_parameter_whose_str_raises_is_a_clear_value_error(places, tmp_path):
    class Unprintable:
        def __str__(self):
            raise RuntimeError("boom")

        __repr__ = __str__

    from repkit._resources import template_path

    with pytest.raises(ValueError, match="growth=<unprintable Unprintable>"):
        rk.batch.run(
            template_path("half_year_plan.ipynb"),
            data=places / "good",
            out_dir=tmp_path / "b",
            params={"growth": Unprintable()},
            workers=1,
        )
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
