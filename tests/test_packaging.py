"""The wheel carries templates, notebooks and sample data; `repkit init`; optional extras."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from repkit import _extras, _resources
from repkit.cli import app

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ["templates", "notebooks/training", "notebooks/examples", "notebooks/data", "sample_data"]
BUILD_INPUTS = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "repkit", *SHIPPED]

runner = CliRunner()


def _source_files(rel: str) -> set[str]:
    base = ROOT / rel
    return {
        f"{rel}/{p.relative_to(base).as_posix()}"
        for p in base.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
    }


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel built once from a copy of the checkout (the checkout stays clean)."""
    src = tmp_path_factory.mktemp("src")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=skip)
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (found,) = dist.glob("repkit-*.whl")
    return found


@pytest.mark.slow
def test_wheel_ships_templates_notebooks_and_sample_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set().union(*(_source_files(rel) for rel in SHIPPED))
    assert {"templates/half_year_plan.ipynb", "templates/医院.xlsx"} <= expected
    assert any(n.startswith("notebooks/training/01_") for n in expected)
    assert any(n.startswith("sample_data/销售明细") for n in expected)
    missing = sorted(n for n in expected if f"repkit/_data/{n}" not in names)
    assert missing == []
    assert "repkit/cli.py" in names
    assert not [n for n in names if n.startswith(("tests/", "templates/", "sample_data/"))]


@pytest.mark.slow
def test_resources_resolve_from_an_installed_copy(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import json; from repkit import _resources as r; "
        "print(json.dumps([str(r.data_root()), str(r.template_path()), "
        "str(r.resource_path('sample_data'))]))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    root, template, data = map(Path, json.loads(out.stdout))
    assert root == site / "repkit" / "_data"
    assert template.is_file()
    assert template.is_relative_to(site)
    assert (data / "医院.xlsx").is_file()


def test_checkout_resources_point_at_the_top_level_folders():
    assert _resources.data_root() == ROOT
    assert _resources.template_path() == ROOT / "templates" / "half_year_plan.ipynb"
    assert _resources.resource_path("training") == ROOT / "notebooks" / "training"


def test_unknown_template_and_kind_name_the_valid_ones():
    with pytest.raises(FileNotFoundError, match=r"half_year_plan\.ipynb"):
        _resources.template_path("nope.ipynb")
    with pytest.raises(ValueError, match="sample_data"):
        _resources.resource_path("nope")


def test_init_scaffolds_a_working_folder(tmp_path):
    work = tmp_path / "work"
    result = runner.invoke(app, ["init", str(work)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in work.iterdir()) == [
        "README.md",
        "data",
        "examples",
        "problem_data",
        "templates",
        "training",
    ]
    assert (work / "templates" / "half_year_plan.ipynb").is_file()
    assert (work / "templates" / "销售明细.xlsx").is_file()
    assert (work / "data" / "销售明细.xlsx").is_file()
    assert (work / "training" / "01_reading_data.ipynb").is_file()
    assert (work / "examples" / "compare_regions.ipynb").is_file()
    readme = (work / "README.md").read_text(encoding="utf-8")
    assert "repkit batch --data data" in readme
    assert "下一步" in readme


def _relative_paths(nb: Path) -> list[str]:
    """String literals in a notebook's code cells that are relative paths (``../…``)."""
    found = []
    for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        found += [
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value[:3] == "../"
        ]
    return found


def test_init_notebooks_find_their_files_inside_the_folder(tmp_path):
    work = tmp_path / "work"
    _resources.scaffold(work)
    checked, broken = 0, []
    for nb in sorted(work.rglob("*.ipynb")):
        for rel in _relative_paths(nb):
            target = (nb.parent / rel).resolve()
            checked += 1
            if not target.exists() or not target.is_relative_to(work.resolve()):
                broken.append(f"{nb.relative_to(work)}: {rel}")
    assert broken == []
    assert checked >= 20


def test_init_refuses_a_non_empty_folder(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "mine.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["init", str(work)])
    assert result.exit_code == 1
    assert "--force" in result.output
    assert [p.name for p in work.iterdir()] == ["mine.txt"]


def test_init_force_keeps_existing_files(tmp_path):
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    (work / "data" / "医院.xlsx").write_bytes(b"the user's own workbook")
    (work / "README.md").write_text("my notes", encoding="utf-8")
    result = runner.invoke(app, ["init", str(work), "--force"])
    assert result.exit_code == 0, result.output
    assert (work / "data" / "医院.xlsx").read_bytes() == b"the user's own workbook"
    assert (work / "README.md").read_text(encoding="utf-8") == "my notes"
    assert "保留已有的" in result.output
    assert "医院.xlsx" in result.output
    assert (work / "data" / "销售明细.xlsx").is_file()
    assert (work / "templates" / "half_year_plan.ipynb").is_file()


def test_batch_defaults_to_the_shipped_template(monkeypatch, tmp_path):
    from repkit import batch as batch_mod

    seen = {}

    def fake_run(template, **kw):
        seen["template"] = Path(template)
        return {"regions": {}}

    monkeypatch.setattr(batch_mod, "run", fake_run)
    result = runner.invoke(app, ["batch", "--data", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert seen["template"] == _resources.template_path("half_year_plan.ipynb")


def _hide(monkeypatch, *modules: str) -> None:
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def test_missing_extra_names_the_pip_extra(monkeypatch):
    _hide(monkeypatch, "sqlalchemy")
    with pytest.raises(ImportError, match=r'pip install "repkit\[sql\]"') as info:
        _extras.require("sqlalchemy", feature="reading databases")
    assert info.value.name == "sqlalchemy"
    assert isinstance(info.value.__cause__, ImportError)


def test_every_optional_module_has_an_extra_in_pyproject():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    assert set(_extras.EXTRAS.values()) <= set(extras)
    assert "repkit[all]" in extras["test"]


def test_reading_a_database_without_sqlalchemy_names_the_extra(monkeypatch):
    import repkit as rk

    _hide(monkeypatch, "sqlalchemy")
    with pytest.raises(ImportError, match=r"repkit\[sql\]"):
        rk.read_table("sqlite:///nothing.db", "sales")


def test_reading_parquet_without_pyarrow_names_the_extra(monkeypatch, tmp_path):
    import repkit as rk

    path = tmp_path / "sales.parquet"
    path.write_bytes(b"PAR1" + b"\0" * 16 + b"PAR1")
    _hide(monkeypatch, "pyarrow", "pyarrow.parquet")
    with pytest.raises(ImportError, match=r"repkit\[parquet\]"):
        rk.read_table(path, "sales")


def test_ci_tests_the_lower_bounds_pyproject_claims():
    import re
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    floors = dict(re.match(r"([\w-]+)>=([\d.]+)", d).groups() for d in deps if ">=" in d)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    pins = dict(re.findall(r"(\w+)==([\d.]+)", re.search(r"^OLDEST \?=(.*)$", makefile, re.M)[1]))
    assert pins["pandas"] == floors["pandas"]
    assert pins["numpy"] == floors["numpy"]
    assert "make test-oldest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_batch_on_dask_without_distributed_names_the_extra_before_any_work(monkeypatch, tmp_path):
    from repkit import batch as batch_mod

    _hide(monkeypatch, "distributed", "dask")
    out = tmp_path / "reports"
    with pytest.raises(ImportError, match=r"repkit\[dask\]"):
        batch_mod.run(
            _resources.template_path(),
            data=_resources.resource_path("sample_data"),
            out_dir=out,
            scheduler="local",
        )
    assert not out.exists()
