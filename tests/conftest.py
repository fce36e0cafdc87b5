"""Shared fixtures: the seeded sample data set, in memory and as files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"

settings.register_profile(
    "repkit", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", max_examples=40, deadline=None)
# `make test-fast`: every property still checked, on fewer examples
settings.register_profile(
    "fast", max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("REPKIT_HYPOTHESIS") or ("ci" if os.environ.get("CI") else "repkit")
)


@pytest.fixture(scope="session")
def sample_ds():
    """The sample data set of seed 0 (do not mutate)."""
    import repkit as rk

    return rk.sample.generate(seed=0)


@pytest.fixture(scope="session")
def lanzhou(sample_ds):
    """兰州 of the seed-0 sample (shared between modules: do not mutate)."""
    return sample_ds.for_region("兰州")


@pytest.fixture(scope="session")
def sample_plan(lanzhou):
    """``sample_plan(half="2026H2", **options)``: 兰州's plan from the seed-0 sample.

    Built once per worker for each set of options and shared between test modules (a
    plan takes about a second to build): do not mutate it.
    """
    import repkit as rk

    plans: dict[tuple, object] = {}

    def plan(half: str = "2026H2", **options):
        key = (half, tuple(sorted(options.items())))
        if key not in plans:
            plans[key] = rk.plan.build(lanzhou, half, **options)
        return plans[key]

    return plan


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The committed sample_data/ folder."""
    return SAMPLE_DIR


# Parameters that keep a notebook's run short, beyond data/region/out (by file name).
SMALL_PARAMS: dict[str, dict[str, object]] = {
    "half_year_plan.ipynb": {"forecast": "simple"},
    "growth_forecast.ipynb": {"backtest_windows": 2},
}


@pytest.fixture(scope="session")
def small_data(tmp_path_factory):
    """A small sample data set as files: 2 regions × 8 hospitals, 36 months."""
    import repkit as rk

    folder = tmp_path_factory.mktemp("small_data")
    rk.sample.write(rk.sample.generate(seed=0, regions=2, hospitals_per_region=8), folder)
    return folder


@pytest.fixture(scope="session")
def executed_notebook(small_data, tmp_path_factory):
    """Run a notebook once a session with papermill and small parameters.

    ``executed_notebook(path)`` returns ``(notebook, out folder)``; a second call with the
    same path (from another test module: ``test_notebooks``, ``test_no_raw_headers``)
    reuses the first run. Tests calling it share the ``notebooks`` xdist group, so under
    ``pytest -n`` they run in one worker and each notebook still runs once.
    """
    runs: dict[Path, tuple[object, Path]] = {}

    def run(path: Path):
        if path not in runs:
            out = tmp_path_factory.mktemp(f"run_{path.stem}")
            runs[path] = (run_notebook(path, small_data, out), out)
        return runs[path]

    return run


def run_notebook(path: Path, data: Path, out: Path):
    """Run one notebook with papermill and the small parameters; the executed notebook.

    Parameters the notebook declares get the data folder, region 兰州, ``out`` and its
    entry of :data:`SMALL_PARAMS`; the run happens in the notebook's folder.
    """
    import nbformat
    import papermill as pm

    declared = pm.inspect_notebook(str(path))
    given = {"data": str(data), "region": "兰州", "out": str(out)}
    given.update(SMALL_PARAMS.get(path.name, {}))
    pm.execute_notebook(
        str(path),
        str(out / path.name),
        parameters={k: v for k, v in given.items() if k in declared},
        cwd=str(path.parent),
        progress_bar=False,
        execution_timeout=300,
    )
    return nbformat.read(out / path.name, as_version=4)


# ------------------------------------------------------------------ the fast tier
# `make test-fast` runs `-m "not slow and not notebook and not browser"`. Besides the
# tests marked in their own files, these are `slow` because they start worker processes,
# kernels or the installed `repkit` command, or render every output of a region; `make
# test` runs them all. Name a whole module, a fixture (every test using it is slow) or one
# test function.
SLOW_MODULES = {
    "test_batch_faults.py",  # killed workers, timeouts, resumed batches
    "test_batch_dask.py",  # a LocalCluster
    "test_crash_batch.py",  # kill / disk-full scenarios
    "test_privacy_scratch.py",  # killed batches and their scratch folders
}
SLOW_FIXTURES = {
    "first_run",  # test_batch: one real batch over three regions
    "rendered",  # test_consistency: the template run for 兰州
}
SLOW_TESTS = {
    "test_changed_params_or_force_rerun",
    "test_changed_input_file_reruns",
    "test_odd_region_names_stay_inside_out_dir",
    "test_text_parameters_reach_the_notebook_unchanged",
    "test_worker_profile_on_request",
    "test_plain_progress_lines_and_summary_in_ci",
    "test_cli_exit_code_follows_failures",
    "test_local_batch_reads_each_region_from_the_store",  # batches from a store
    "test_dask_reads_the_store_and_shuts_its_kernels_down",
    "test_batch_reads_a_store_given_by_its_url",
    "test_user_error_ends_in_a_message",  # hostile CLI cases, one `repkit` process each
    "test_no_traceback_from_the_installed_command",
    "test_every_plan_output_is_escaped",  # every output of a region per payload
    "test_batch_copies_keep_the_provenance",
    "test_batch_pdf_without_chromium_plans_and_says_how_to_install",
    "test_run_region_writes_the_templates_workbook",
    "test_provenance_reaches_summary_json_and_the_overview_sheet",
    # a region's whole output written to disk (workbook, document, schedules) and checked
    "test_cli_plan_workbook_has_tokens_not_doctor_ids",
    "test_plan_xlsx_has_sheet_c_without_names_unless_internal",
    "test_workbook_holds_the_replan_and_the_old_plan",
    "test_run_region_from_a_data_folder",
    "test_run_region_writes_plan_and_summary",
    "test_plan_one_region_without_a_notebook",
    "test_plan_workbook_prints_region_and_half",
    "test_one_scenario_vocabulary_in_html_and_excel",
    "test_schedule_fills_plan_workbook_sheet_h",
    "test_every_workbook_total_equals_the_plan",
    "test_workbook_gets_a_manager_sheet_only_with_overrides",
    "test_workbook_shows_the_money_sheets_in_chinese",
    "repkit.batch._run.run",  # doctest: a batch
    "repkit.plan._files.write_files",  # doctest: every file of a region
    "repkit.plan._build.run_region",  # doctest: every file of a region
    # the whole sample written to files and read back
    "test_committed_sample_data_is_what_seed_0_writes",
    "test_sample_swot_loads_back_for_every_region",
    "test_sample_field_tables_load_back_for_every_region",
    # many plans compared
    "test_growth_range_totals",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        name = getattr(item, "originalname", None) or item.name
        if (
            item.path.name in SLOW_MODULES
            or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
            or name in SLOW_TESTS
        ):
            item.add_marker(pytest.mark.slow)
