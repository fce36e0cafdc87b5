"""The ``repkit`` command: thin typer wrappers, one library call each.

Every command is made with ``cls=Command`` (the app with ``cls=Group``) from
:mod:`repkit._cli_usage`, so that usage errors and the help page's own words are in the
user's language too.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from repkit import _resources
from repkit._cli_usage import Command, Group
from repkit.messages import say


def _h(key: str) -> str:
    """Help text in the user's language (``REPKIT_LANG`` when the command starts)."""
    return say("help." + key)


app = typer.Typer(
    cls=Group,  # usage errors and help in the user's language
    help=_h("app"),
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_F = TypeVar("_F", bound=Callable[..., Any])


def _echo_problems(problems: Any, *, limit: int | None = None, err: bool = False) -> None:
    """Each problem as a sentence: rule code, file › sheet › row, column, what, how to fix."""
    from repkit.errors import describe
    from repkit.messages import say

    rows = problems.to_dict("records")
    for i, p in enumerate(rows[:limit], 1):
        typer.echo(describe(p, i), err=err)
    if limit is not None and len(rows) > limit:
        typer.echo(say("cli.more", n=len(rows) - limit), err=err)


def _fail_on_data_error(err: Exception) -> None:
    """Print a DataError's problems and exit 1."""
    import pandas as pd

    problems = getattr(err, "problems", None)
    typer.echo(str(err).splitlines()[0], err=True)
    if isinstance(problems, pd.DataFrame) and not problems.empty:
        _echo_problems(problems, limit=50, err=True)
    raise typer.Exit(1)


def _say_error(command: str, message: object) -> None:
    from repkit.messages import say

    typer.echo(say("cli.error", command=command, message=message), err=True)


def _user_errors(command: _F) -> _F:
    """End a command's user errors with a message instead of a traceback.

    DataError: its problems, exit 1. ValueError (a bad argument such as an unknown region
    or half-year): the message, exit 2. OSError (a missing, unreadable or unwritable
    path; a folder where a file is expected): the file and the reason, exit 1.
    ImportError of an optional package (``repkit._extras.require``): the ``pip install``
    command that adds it, exit 2.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from repkit.errors import DataError
        from repkit.messages import os_reason, say

        name = command.__name__
        try:
            return command(*args, **kwargs)
        except DataError as err:
            _fail_on_data_error(err)
        except ValueError as err:
            _say_error(name, err)
            raise typer.Exit(2) from err
        except ImportError as err:
            if "repkit[" not in str(err):
                raise
            _say_error(name, err)
            raise typer.Exit(2) from err
        except OSError as err:
            if isinstance(err, FileExistsError | NotADirectoryError) and err.filename:
                reason = say("path.in_the_way", path=err.filename)
            else:
                reason = os_reason(err)
                if err.filename:
                    reason = say("path.reason", reason=reason, path=err.filename)
            _say_error(name, reason)
            raise typer.Exit(1) from err

    return run  # type: ignore[return-value]


def _scenario(text: str) -> str:
    """The scenario code of what the user typed (冲刺 or stretch)."""
    from repkit.plan import SCENARIOS
    from repkit.schema import resolve_code

    return resolve_code(text, "scenario", valid=SCENARIOS, option="--scenario")


def _batch_params(half: str, items: list[str], scenario: str | None) -> dict[str, object]:
    """Template parameters from ``--half``, ``--param NAME=JSON`` and ``--scenario``."""
    from repkit.messages import say

    params: dict[str, object] = {"half": half}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(say("arg.param", item=item))
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
    if scenario is not None:
        params["scenario"] = scenario
    if isinstance(params.get("scenario"), str):
        params["scenario"] = _scenario(str(params["scenario"]))
    return params


def _file_target(out: Path) -> Path:
    """Refuse an output path that is a folder, before any work is done."""
    from repkit.messages import say

    if out.is_dir():
        raise IsADirectoryError(21, say("path.folder_not_file"), str(out))
    return out


@app.command(cls=Command, help=_h("cmd.sample"))
@_user_errors
def sample(
    folder: Annotated[Path, typer.Argument(help=_h("sample.folder"))],
    seed: Annotated[int, typer.Option(help=_h("sample.seed"))] = 0,
    regions: Annotated[int, typer.Option(help=_h("sample.regions"))] = 6,
) -> None:
    """Write the seeded synthetic data set as Excel/CSV files with Chinese headers."""
    from repkit import sample as sample_mod
    from repkit.messages import say

    paths = sample_mod.write(sample_mod.generate(seed=seed, regions=regions), folder)
    for p in paths:
        typer.echo(say("cli.wrote", path=p))


@app.command(cls=Command, help=_h("cmd.check"))
@_user_errors
def check(
    path: Annotated[Path, typer.Argument(help=_h("check.path"))],
) -> None:
    """Check data files; print every problem found; exit 1 when anything was refused."""
    from repkit import io
    from repkit.messages import say

    problems = io.check(path)
    if problems.empty:
        typer.echo(say("cli.no_problems", path=path))
        return
    _echo_problems(problems)
    typer.echo(say("cli.problems", n=len(problems)), err=True)
    raise typer.Exit(1)


@app.command(cls=Command, help=_h("cmd.ingest"))
@_user_errors
def ingest(
    data: Annotated[Path, typer.Argument(help=_h("ingest.data"))],
    out: Annotated[Path | None, typer.Option(help=_h("ingest.out"))] = None,
    chunk_rows: Annotated[int | None, typer.Option(min=1, help=_h("ingest.chunk_rows"))] = None,
) -> None:
    """Check a data folder once into a region-partitioned store."""
    import time

    from repkit.io import _ingest
    from repkit.messages import say

    t0 = time.perf_counter()
    manifest = _ingest.ingest(data, out, chunk_rows=chunk_rows)
    rows = {k: sum(p["rows"] for p in parts) for k, parts in manifest["tables"].items()}
    path = out if out is not None else data / _ingest.DEFAULT_FOLDER
    tables = ", ".join(f"{k} {n:,}" for k, n in rows.items())
    seconds = time.perf_counter() - t0
    n = f"{sum(rows.values()):,}"
    typer.echo(
        say(
            "cli.ingested",
            path=path,
            regions=len(manifest["regions"]),
            rows=n,
            tables=tables,
            seconds=seconds,
        )
    )


@app.command(cls=Command, help=_h("cmd.plan"))
@_user_errors
def plan(
    data: Annotated[Path, typer.Option(help=_h("data"))],
    region: Annotated[str, typer.Option(help=_h("plan.region"))],
    half: Annotated[str, typer.Option(help=_h("half"))],
    out: Annotated[Path, typer.Option(help=_h("plan.out"))],
    growth: Annotated[float, typer.Option(help=_h("plan.growth"))] = 0.5,
    scenario: Annotated[str, typer.Option(help=_h("scenario"))] = "target",
) -> None:
    """Make one region's plan workbook without a notebook."""
    from repkit import plan as plan_mod

    chosen = _scenario(scenario)
    summary = plan_mod.run_region(data, region, half, out, growth=growth, scenario=chosen)
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2, default=str))


@app.command(cls=Command, help=_h("cmd.forecast"))
@_user_errors
def forecast(
    data: Annotated[Path, typer.Option(help=_h("data"))],
    out: Annotated[Path, typer.Option(help=_h("forecast.out"))],
    horizon: Annotated[int, typer.Option(help=_h("forecast.horizon"))] = 6,
    by: Annotated[str, typer.Option(help=_h("forecast.by"))] = "region,product",
    method: Annotated[str, typer.Option(help=_h("forecast.method"))] = "auto",
) -> None:
    """Forecast monthly units per group (default region × product) with intervals."""
    from repkit import forecast as fc
    from repkit import io
    from repkit._escape import neutralise_formulas
    from repkit.labels import MODEL_LABELS
    from repkit.messages import say
    from repkit.schema import resolve_column

    _file_target(out)
    ds = io.load_dataset(data)
    parts = [k.strip() for k in by.replace("，", ",").split(",") if k.strip()]
    keys = [resolve_column(k, "sales", among=ds.sales.columns, option="--by") for k in parts]
    by_label = {v: k for k, v in MODEL_LABELS.items()}  # 自动组合 → auto
    result = fc.forecast_many(ds.sales, horizon, keys=keys, method=by_label.get(method, method))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    try:  # names like =HYPERLINK(…) must not run when the CSV is opened in Excel
        neutralise_formulas(result).to_csv(tmp, index=False, encoding="utf-8-sig")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    typer.echo(say("cli.wrote_rows", path=out, n=len(result)))


@app.command(cls=Command, help=_h("cmd.batch"))
@_user_errors
def batch(
    data: Annotated[str, typer.Option(help=_h("data"))],
    out: Annotated[Path, typer.Option(help=_h("batch.out"))],
    half: Annotated[str | None, typer.Option(help=_h("batch.half"))] = None,
    template: Annotated[Path | None, typer.Option(help=_h("batch.template"))] = None,
    region: Annotated[list[str] | None, typer.Option("--region", help=_h("batch.region"))] = None,
    workers: Annotated[int | None, typer.Option(help=_h("batch.workers"))] = None,
    timeout: Annotated[int, typer.Option(help=_h("batch.timeout"))] = 600,
    resume: Annotated[bool, typer.Option(help=_h("batch.resume"))] = False,
    force: Annotated[bool, typer.Option(help=_h("batch.force"))] = False,
    cell_timeout: Annotated[float | None, typer.Option(help=_h("batch.cell_timeout"))] = None,
    retries: Annotated[int, typer.Option(help=_h("batch.retries"))] = 1,
    scheduler: Annotated[str | None, typer.Option(help=_h("batch.scheduler"))] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help=_h("batch.param"))
    ] = None,
    scenario: Annotated[str | None, typer.Option(help=_h("scenario"))] = None,
    tz: Annotated[
        str | None,
        typer.Option(help=_h("batch.tz")),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help=_h("batch.pdf"))] = False,
) -> None:
    """Run the plan template for every region; write reports, index.html, manifest.json."""
    from repkit import batch as batch_mod
    from repkit.calendar import Half
    from repkit.io._stored import is_url

    location = data if is_url(data) else Path(data)  # a store's URL (s3://…) stays text
    ds = None
    if half is None:
        half, ds = _half_from_data(location)
    else:
        half = str(Half.parse(half))
    params = _batch_params(half, param or [], scenario)
    try:
        manifest = batch_mod.run(
            template or _resources.template_path("half_year_plan.ipynb"),
            data=location,
            out_dir=out,
            regions=region or None,
            params=params,
            workers=workers,
            timeout=timeout,
            cell_timeout=cell_timeout,
            retries=retries,
            resume=resume,
            force=force,
            scheduler=scheduler,
            pdf=pdf,
            tz=tz,
            dataset=ds,
        )
    except RuntimeError as err:
        _say_error("batch", err)
        raise typer.Exit(2) from err
    failed = [r for r, e in manifest["regions"].items() if e["status"] not in ("ok", "skipped")]
    raise typer.Exit(1 if failed else 0)


def _half_from_data(data: Path | str) -> tuple[str, Any]:
    """The half after the last month of sales (what a manager plans next), and the data set.

    When the data cannot be read here, the current half and None: the batch then reports
    the data's problems per region as it always does.
    """
    import datetime as dt

    from repkit.calendar import Half
    from repkit.io import load_dataset

    try:
        ds = load_dataset(data)
        # an ingested store knows its last month without reading every sales row
        last = ds.last_sales_month() if hasattr(ds, "last_sales_month") else ds.sales["month"].max()
    except (OSError, ValueError):  # DataError is a ValueError
        return str(Half.of(dt.date.today())), None
    if last != last:  # no sales rows at all
        return str(Half.of(dt.date.today())), ds
    half = str(Half.of(last).next)
    typer.echo(say("cli.half_from_data", month=last, half=half))
    return half, ds


@app.command(cls=Command, help=_h("cmd.pdf"))
@_user_errors
def pdf(
    html: Annotated[Path, typer.Argument(help=_h("pdf.html"))],
    out: Annotated[Path | None, typer.Option(help=_h("pdf.out"))] = None,
) -> None:
    """Print a plan document to PDF with headless Chromium (`make chromium` installs it)."""
    from repkit.messages import say
    from repkit.report.pdf import html_to_pdf

    try:
        target = html_to_pdf(html, out or html.with_suffix(".pdf"))
    except FileNotFoundError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from err
    typer.echo(say("cli.wrote", path=target))


@app.command(cls=Command, help=_h("cmd.demo"))
def demo(
    out: Annotated[Path, typer.Option(help=_h("demo.out"))] = Path("reports"),
    workers: Annotated[int | None, typer.Option(help=_h("demo.workers"))] = None,
) -> None:
    """Plan every region of the bundled sample data into reports/."""
    data = _resources.resource_path("sample_data")
    batch(data=str(data), out=out, workers=workers)


@app.command(cls=Command, help=_h("cmd.init"))
def init(
    folder: Annotated[Path, typer.Argument(help=_h("init.folder"))],
    force: Annotated[bool, typer.Option(help=_h("init.force"))] = False,
) -> None:
    """Make a working folder: sample data, templates, training, examples, README in Chinese."""
    from repkit.messages import say

    try:
        written, kept = _resources.scaffold(folder, force=force)
    except FileExistsError as err:
        _say_error("init", err)
        raise typer.Exit(1) from err
    for path in kept:
        typer.echo(say("cli.kept", path=path))
    readme = folder / "README.md"
    typer.echo(say("cli.init_done", n=len(written), folder=folder, readme=readme))
    typer.echo(f"  repkit batch --data {folder / 'data'} --out {folder / 'reports'}")
