"""rk.batch.run with small fake templates: outputs, manifest, warm kernels, re-runs, checks."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import repkit as rk

# module fixtures run batches; keep each module on one xdist worker
pytestmark = pytest.mark.xdist_group("batch")

PARAMS = 'data = ""\nregion = ""\nout = "."\nhalf = "2026H2"\nlabel = "v1"\nfaults = {}'
PRELUDE = "import json, os, signal, sys, time\nimport repkit as rk"
FAULTS = """\
mode = faults.get(region)
if mode == "data":
    raise rk.DataError([{"file": "销售.xlsx", "sheet": "销售", "row": 7, "column": "数量",
                         "value": "12,3", "rule": "ambiguous_number",
                         "message": "'12,3' could be 12.3 or 123"}])
if mode == "exit":
    sys.exit(0)
if mode == "hang":
    time.sleep(3600)
if mode == "kill_worker_once":
    flag = os.path.join(os.path.dirname(data), "killed-" + region)
    if not os.path.exists(flag):
        open(flag, "w").close()
        os.kill(os.getppid(), signal.SIGKILL)
        time.sleep(30)
if mode == "kill_kernel":
    os._exit(1)
if mode == "stop_worker":
    os.kill(os.getppid(), signal.SIGSTOP)
if mode == "fail_v2" and label == "v2":
    raise ValueError("label v2 is not supported here")
"""
SUMMARY = """\
ds = rk.load_dataset(data).for_region(region)
rk.report.write_excel({"医院": ds.hospitals[["hospital_id", "name"]]}, f"{out}/plan.xlsx")
with open(f"{out}/summary.json", "w", encoding="utf-8") as fh:
    json.dump({"region": region, "half": half, "completion_rate": 0.5, "target_units": 1200,
               "target_amount": 34567.0, "label": label, "pid": os.getpid(),
               "hospitals": len(ds.hospitals),
               "text": ds.hospitals["name"].dtype.storage,
               "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
               "cached": bool(rk.io._load.served_from_memory())}, fh, ensure_ascii=False)
print("planned", region)
"""


CHART = """\
import matplotlib.pyplot as plt
plt.plot([1, 3, 2])
plt.title(region);
hooks = get_ipython().events.callbacks["post_execute"]
print("hooks:", sorted(getattr(h, "__name__", "") for h in hooks))
"""


def make_template(path: Path, *cells: str, faults: dict | None = None) -> Path:
    """A small template shaped like the real one (parameters, imports, outputs)."""
    params = PARAMS if not faults else PARAMS.replace("faults = {}", f"faults = {faults!r}")
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 区域计划 Plan"),
            new_code_cell(params, metadata={"tags": ["parameters"]}),
            new_code_cell(PRELUDE),
            new_markdown_cell("## 1 结果 Result"),
            *(new_code_cell(c) for c in cells),
            new_code_cell(FAULTS),
            new_code_cell(SUMMARY),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))
    return path


def write_data(folder: Path, names: list[str] | None = None, *, regions: int = 3) -> Path:
    """A tiny sample data set; ``names`` renames its regions (to test odd names)."""
    n = len(names) if names else regions
    ds = rk.sample.generate(seed=0, regions=n, hospitals_per_region=5, months=6, calls=False)
    if names:
        mapping = dict(zip(ds.regions, names, strict=True))
        tables = {
            k: v.assign(region=v["region"].map(mapping)) if "region" in v else v
            for k, v in ds.tables().items()
        }
        ds = rk.Dataset.from_tables(**tables)
    rk.sample.write(ds, folder)
    return folder


@pytest.fixture(scope="module")
def data3(tmp_path_factory) -> Path:
    return write_data(tmp_path_factory.mktemp("data3") / "data")


def run(template, data, out, **kw):
    kw.setdefault("workers", 1)
    kw.setdefault("progress", False)
    kw.setdefault("params", {"half": "2026H2"})
    return rk.batch.run(template, data=data, out_dir=out, **kw)


# ---------------------------------------------------------------------------- happy path


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, data3):
    root = tmp_path_factory.mktemp("first")
    template = make_template(
        root / "t.ipynb",
        'assert "leak" not in globals(), "state leaked"\nleak = region',
        CHART,
    )
    out = root / "reports"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("REPKIT_TZ", raising=False)  # the default: China time
        manifest = run(template, data3, out, params={"half": "2026H2", "label": "一"})
    return template, out, manifest


def test_manifest_and_index_times_are_china_time(first_run):
    _, out, manifest = first_run
    times = [manifest["started"], manifest["finished"]]
    times += [e["finished"] for e in manifest["regions"].values()]
    assert all(t.endswith("+08:00") for t in times), times
    index = (out / "index.html").read_text(encoding="utf-8")
    finished = manifest["finished"]  # shown to the minute, with its offset
    assert f"完成于 {finished[:10]} {finished[11:16]} UTC+08:00" in index


def test_manifest_times_follow_repkit_tz(tmp_path, data3, monkeypatch):
    from repkit.batch import _run

    template = make_template(tmp_path / "t.ipynb")
    options = dict(data=data3, out_dir=tmp_path / "o", params=None, workers=None, timeout=9,
                   cell_timeout=None, retries=0, resume=False, force=False, scheduler=None,
                   kernel_name=None)  # fmt: skip
    monkeypatch.setenv("REPKIT_TZ", "UTC")
    assert _run._validate(template, **options, tz=None).started.endswith("+00:00")
    assert _run._validate(template, **options, tz="Asia/Tokyo").started.endswith("+09:00")
    monkeypatch.setenv("REPKIT_TZ", "Mars/Olympus")
    with pytest.raises(ValueError, match="无法识别时区 'Mars/Olympus'"):
        _run._validate(template, **options, tz=None)


def test_batch_kernels_use_python_strings_and_one_blas_thread(first_run):
    # pyarrow's per-call cost on region-sized frames, BLAS threads spinning (issue 19)
    _, _, manifest = first_run
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "1")  # a caller's own setting is kept
    for entry in manifest["regions"].values():
        assert entry["summary"]["text"] == "python"
        assert entry["summary"]["blas_threads"] == blas


def test_every_region_gets_its_reports(first_run, data3):
    _, out, manifest = first_run
    assert list(manifest["regions"]) == ["兰州", "西宁", "银川"]
    assert manifest["counts"] == {"ok": 3}
    assert manifest["failed"] == []
    for region, entry in manifest["regions"].items():
        assert entry["status"] == "ok", entry["error"]
        folder = out / entry["folder"]
        assert sorted(p.name for p in folder.iterdir()) == [
            "plan.html",
            "plan.ipynb",
            "plan.xlsx",
            "summary.json",
        ]
        assert entry["summary"]["region"] == region
        assert entry["summary"]["label"] == "一"
        assert entry["params"] == {
            "half": "2026H2",
            "label": "一",
            "region": region,
            "data": str(data3.resolve()),
        }
        assert entry["input_hash"].startswith("sha256:")
        assert entry["repkit_version"] == rk.__version__
        assert entry["attempts"] == 1
        assert set(entry["timings"]) >= {"execute", "html"}
    assert not (out / ".staging").exists()


def test_manifest_file_matches_the_returned_manifest(first_run):
    _, out, manifest = first_run
    written = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert written["regions"].keys() == manifest["regions"].keys()
    assert written["counts"] == manifest["counts"]
    assert written["input_hash"] == manifest["input_hash"]
    assert written["template_hash"] == manifest["template_hash"]


def test_output_notebook_is_a_proper_papermill_notebook(first_run):
    template, out, _ = first_run
    nb = nbformat.read(str(out / "西宁" / "plan.ipynb"), as_version=4)
    nbformat.validate(nb)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert "region = '西宁'" in injected[0].source  # readable Chinese, not \\u escapes
    assert nb.metadata.papermill.parameters["region"] == "西宁"
    assert nb.metadata.papermill.input_path == str(template.resolve())
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts[:3] == [1, 2, 3]  # counts restart at 1 on a warm kernel
    outputs = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "planned 西宁" in outputs


def test_kernel_is_warm_and_reset_between_regions(first_run):
    _, _, manifest = first_run
    summaries = [e["summary"] for e in manifest["regions"].values()]
    assert len({s["pid"] for s in summaries}) == 1  # one kernel served every region
    assert all(s["cached"] for s in summaries)  # data set loaded once, served from memory
    assert [s["hospitals"] for s in summaries] == [5, 5, 5]
    # the "leak" cell asserts that no variable survived from the previous region


def test_each_chart_is_drawn_once_per_cell_and_shown(first_run):
    _, out, manifest = first_run
    for n, entry in enumerate(manifest["regions"].values()):
        nb = nbformat.read(str(out / entry["folder"] / "plan.ipynb"), as_version=4)
        cell = next(c for c in nb.cells if "plt.plot" in c.source)
        kinds = [k for o in cell.outputs for k in o.get("data", {})]
        assert kinds.count("image/png") == 1
        hooks = next(o["text"] for o in cell.outputs if o.get("name") == "stdout")
        assert "flush_figures" in hooks  # the inline backend still shows the figure
        if n:  # pyplot's extra draw-everything hook is gone once the kernel is warm
            assert "_draw_all_if_interactive" not in hooks
        page = (out / entry["folder"] / "plan.html").read_text(encoding="utf-8")
        assert '<img alt="' in page
        assert 'tabindex="0"' in page


def test_html_report_has_no_code_and_index_links_every_region(first_run):
    _, out, manifest = first_run
    page = (out / "兰州" / "plan.html").read_text(encoding="utf-8")
    assert "planned 兰州" in page
    assert "rk.load_dataset" not in page
    assert "<script src=" not in page
    assert "1 结果 Result" in page.split("</nav>")[0]
    index = (out / "index.html").read_text(encoding="utf-8")
    for entry in manifest["regions"].values():
        from urllib.parse import quote

        assert f'href="{quote(entry["folder"])}/plan.html"' in index
    assert "50.0%" in index
    assert ">3.5<" in index  # 34,567 元 as 万元


def test_unchanged_rerun_skips_every_region(first_run, data3):
    template, out, _ = first_run
    before = (out / "兰州" / "plan.ipynb").stat().st_mtime_ns
    t0 = time.monotonic()
    again = run(template, data3, out, params={"half": "2026H2", "label": "一"})
    assert time.monotonic() - t0 < 20
    assert again["counts"] == {"skipped": 3}
    assert {e["reason"] for e in again["regions"].values()} == {"unchanged"}
    assert again["regions"]["兰州"]["summary"]["label"] == "一"
    assert (out / "兰州" / "plan.ipynb").stat().st_mtime_ns == before


def test_changed_params_or_force_rerun(tmp_path, data3):
    template = make_template(tmp_path / "t.ipynb")
    out = tmp_path / "out"
    run(template, data3, out, regions=["银川"])
    changed = run(template, data3, out, regions=["银川"], params={"half": "2026H2", "label": "v9"})
    assert changed["regions"]["银川"]["status"] == "ok"
    assert changed["regions"]["银川"]["summary"]["label"] == "v9"
    forced = run(
        template, data3, out, regions=["银川"], params={"half": "2026H2", "label": "v9"}, force=True
    )
    assert forced["regions"]["银川"]["status"] == "ok"


def test_changed_repkit_code_reruns_though_the_version_stayed(tmp_path, data3, monkeypatch):
    from repkit.batch import _store

    template = make_template(tmp_path / "t.ipynb")
    out = tmp_path / "out"
    assert run(template, data3, out, regions=["银川"])["counts"] == {"ok": 1}
    assert run(template, data3, out, regions=["银川"])["counts"] == {"skipped": 1}
    monkeypatch.setattr(_store, "code_hash", lambda: "sha256:other-code")
    assert run(template, data3, out, regions=["银川"])["counts"] == {"ok": 1}


def test_changed_input_file_reruns(tmp_path):
    data = write_data(tmp_path / "data", regions=1)
    template = make_template(tmp_path / "t.ipynb")
    out = tmp_path / "out"
    assert run(template, data, out)["counts"] == {"ok": 1}
    csv = next(data.glob("*.csv"))
    csv.write_bytes(csv.read_bytes() + b"\n")
    assert run(template, data, out)["counts"] == {"ok": 1}


# ---------------------------------------------------------------------------- checks up front


def test_unknown_region_names_the_valid_ones(tmp_path, data3):
    template = make_template(tmp_path / "t.ipynb")
    with pytest.raises(ValueError, match=r"未知区域 '北京'；可用区域：兰州、西宁、银川"):
        run(template, data3, tmp_path / "out", regions=["兰州", "北京"])
    assert not (tmp_path / "out").exists()


def test_bad_params_fail_before_any_kernel(tmp_path, data3):
    template = make_template(tmp_path / "t.ipynb")
    t0 = time.monotonic()
    with pytest.raises(ValueError, match="grwoth：模板没有这个参数"):
        run(template, data3, tmp_path / "out", params={"grwoth": 1})
    with pytest.raises(ValueError, match="JSON 标量"):
        run(template, data3, tmp_path / "out", params={"label": {"a": 1}})
    with pytest.raises(ValueError, match="由批量运行为每个区域设置"):
        run(template, data3, tmp_path / "out", params={"out": "/etc"})
    assert time.monotonic() - t0 < 5
    assert not (tmp_path / "out").exists()


def test_template_must_define_data_region_out(tmp_path, data3):
    nb = new_notebook(cells=[new_code_cell('region = ""', metadata={"tags": ["parameters"]})])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(tmp_path / "t.ipynb"))
    with pytest.raises(ValueError, match="必须定义 data、out"):
        run(tmp_path / "t.ipynb", data3, tmp_path / "out")
    nb.cells[0].metadata["tags"] = []
    nbformat.write(nb, str(tmp_path / "t.ipynb"))
    with pytest.raises(ValueError, match="没有标记为 'parameters' 的单元格"):
        run(tmp_path / "t.ipynb", data3, tmp_path / "out")
    with pytest.raises(FileNotFoundError, match="找不到模板"):
        run(tmp_path / "missing.ipynb", data3, tmp_path / "out")


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"workers": 0}, "workers"),
        ({"timeout": 0}, "timeout"),
        ({"cell_timeout": -1}, "cell_timeout"),
        ({"retries": -1}, "retries"),
        ({"resume": True, "force": True}, "resume.*force"),
    ],
)
def test_bad_options_are_refused(tmp_path, data3, kw, match):
    template = make_template(tmp_path / "t.ipynb")
    with pytest.raises(ValueError, match=match):
        run(template, data3, tmp_path / "out", **kw)


def test_unknown_kernel_is_refused(tmp_path, data3):
    template = make_template(tmp_path / "t.ipynb")
    with pytest.raises(ValueError, match="没有名为 'nope' 的 Jupyter 内核；已安装的内核："):
        run(template, data3, tmp_path / "out", kernel_name="nope")


def test_out_dir_inside_data_is_refused(tmp_path, data3):
    template = make_template(tmp_path / "t.ipynb")
    with pytest.raises(ValueError, match="不能互相包含"):
        run(template, data3, data3 / "reports")


# ---------------------------------------------------------------------------- names, values


def test_odd_region_names_stay_inside_out_dir(tmp_path):
    names = ["兰州", "CON", "Xian", "XIAN"]
    data = write_data(tmp_path / "data", names)
    template = make_template(tmp_path / "t.ipynb")
    out = tmp_path / "out"
    manifest = run(template, data, out, workers=2)
    assert manifest["counts"] == {"ok": 4}
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len({f.casefold() for f in folders}) == 4
    assert "兰州" in folders
    outside = sorted(p.name for p in tmp_path.iterdir())
    assert outside == ["data", "out", "t.ipynb"]
    for region, entry in manifest["regions"].items():
        assert (out / entry["folder"] / "plan.ipynb").is_file()
        assert entry["summary"]["region"] == region


def test_region_names_with_path_characters_are_refused_before_any_work(tmp_path):
    data = write_data(tmp_path / "data", ["兰州", "../逃逸", "a／b．．"])
    template = make_template(tmp_path / "t.ipynb")
    with pytest.raises(rk.DataError) as err:
        run(template, data, tmp_path / "out")
    assert set(err.value.problems["rule"]) == {"unsafe_id"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "t.ipynb"]


def test_text_parameters_reach_the_notebook_unchanged(tmp_path, data3):
    nasty = "\"; import os; os.system('echo pwned') #\n'''\\x00 兰州"
    template = make_template(tmp_path / "t.ipynb")
    manifest = run(template, data3, tmp_path / "out", regions=["兰州"], params={"label": nasty})
    assert manifest["regions"]["兰州"]["summary"]["label"] == nasty


def test_worker_profile_on_request(tmp_path, data3, monkeypatch):
    import pstats

    monkeypatch.setenv("REPKIT_BATCH_PROFILE", str(tmp_path))
    template = make_template(tmp_path / "t.ipynb")
    manifest = run(template, data3, tmp_path / "out", regions=["兰州"])
    assert manifest["counts"] == {"ok": 1}
    (profile,) = tmp_path.glob("worker-*")
    stats = pstats.Stats(str(profile))
    assert any(name == "run" and "_runner" in file for file, _, name in stats.stats)


# ---------------------------------------------------------------------------- output, CLI


def test_plain_progress_lines_and_summary_in_ci(tmp_path, data3, capsys, monkeypatch):
    monkeypatch.setenv("CI", "true")
    template = make_template(tmp_path / "t.ipynb")
    run(template, data3, tmp_path / "out", regions=["兰州", "西宁"], progress=None)
    captured = capsys.readouterr()
    assert "[1/2] 成功" in captured.err
    assert "[2/2] 成功" in captured.err
    assert "2 个区域：成功 2" in captured.out


def test_cli_exit_code_follows_failures(tmp_path, data3):
    from typer.testing import CliRunner

    from repkit.cli import app

    template = make_template(tmp_path / "t.ipynb", faults={"西宁": "data"})
    args = ["batch", "--data", str(data3), "--template", str(template), "--workers", "1"]
    ok = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "a"), "--region", "兰州"])
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "b"), "-p", 'label="x"'])
    assert bad.exit_code == 1, bad.output
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["failed"] == ["西宁"]
    assert manifest["regions"]["兰州"]["summary"]["label"] == "x"
    unknown = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "c"), "--region", "北京"])
    assert unknown.exit_code == 2
    assert "可用区域：兰州、西宁、银川" in unknown.output


@pytest.mark.slow
@pytest.mark.notebook
def test_real_template_for_one_region(tmp_path, sample_dir):
    template = Path(__file__).resolve().parent.parent / "templates" / "half_year_plan.ipynb"
    out = tmp_path / "reports"
    manifest = rk.batch.run(
        template,
        data=sample_dir,
        out_dir=out,
        regions=["兰州"],
        params={"half": "2026H2", "forecast": "simple"},
        workers=1,
        progress=False,
    )
    entry = manifest["regions"]["兰州"]
    assert entry["status"] == "ok", entry["error"]
    names = {p.name for p in (out / "兰州").iterdir()}
    assert {"plan.ipynb", "plan.html", "plan.xlsx", "summary.json"} <= names
    assert 0 < entry["summary"]["completion_rate"] < 1
    page = (out / "兰州" / "plan.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
    assert "rk.plan.build" not in page
    assert os.path.getsize(out / "兰州" / "plan.xlsx") > 5000
