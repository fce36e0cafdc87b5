"""The ``repkit`` command: thin typer wrappers, one library call each."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from repkit import _resources

app = typer.Typer(
    help="repkit: half-year plans and growth forecasts for pharmaceutical sales teams.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_F = TypeVar("_F", bound=Callable[..., Any])


def _fail_on_data_error(err: Exception) -> None:
    """Print a DataError's problems and exit 1."""
    import pandas as pd

    problems = getattr(err, "problems", None)
    typer.echo(str(err).splitlines()[0], err=True)
    if isinstance(problems, pd.DataFrame) and not problems.empty:
        with pd.option_context("display.max_rows", 50, "display.width", 200):
            typer.echo(problems.to_string(index=False), err=True)
    raise typer.Exit(1)


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

        name = command.__name__
        try:
            return command(*args, **kwargs)
        except DataError as err:
            _fail_on_data_error(err)
        except ValueError as err:
            typer.echo(f"repkit {name}: {err}", err=True)
            raise typer.Exit(2) from err
        except ImportError as err:
            if "repkit[" not in str(err):
                raise
            typer.echo(f"repkit {name}: {err}", err=True)
            raise typer.Exit(2) from err
        except OSError as err:
            if isinstance(err, FileExistsError | NotADirectoryError) and err.filename:
                reason = f"a file is in the way of a folder: {err.filename}"
            else:
                where = f": {err.filename}" if err.filename else ""
                reason = f"{err.strerror or err}{where}"
            typer.echo(f"repkit {name}: {reason}", err=True)
            raise typer.Exit(1) from err

    return run  # type: ignore[return-value]


def _file_target(out: Path) -> Path:
    """Refuse an output path that is a folder, before any work is done."""
    if out.is_dir():
        raise IsADirectoryError(21, "a folder, not a file; give a file name", str(out))
    return out


@app.command()
@_user_errors
def sample(
    folder: Annotated[Path, typer.Argument(help="Folder to write the sample files into.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    regions: Annotated[int, typer.Option(help="Number of regions.")] = 6,
) -> None:
    """Write the seeded synthetic data set as Excel/CSV files with Chinese headers."""
    from repkit import sample as sample_mod

    paths = sample_mod.write(sample_mod.generate(seed=seed, regions=regions), folder)
    for p in paths:
        typer.echo(f"wrote {p}")


@app.command()
@_user_errors
def check(
    path: Annotated[Path, typer.Argument(help="A data file or a folder of data files.")],
) -> None:
    """Check data files; print every problem found; exit 1 when anything was refused."""
    import pandas as pd

    from repkit import io

    problems = io.check(path)
    if problems.empty:
        typer.echo(f"{path}: no problems found")
        return
    with pd.option_context("display.max_rows", 200, "display.width", 200):
        typer.echo(problems.to_string(index=False))
    typer.echo(f"{len(problems)} problem(s); fix them and run `repkit check` again.", err=True)
    raise typer.Exit(1)


@app.command()
@_user_errors
def plan(
    data: Annotated[Path, typer.Option(help="Input data folder.")],
    region: Annotated[str, typer.Option(help="Region to plan.")],
    half: Annotated[str, typer.Option(help="Half-year to plan, e.g. 2026H2.")],
    out: Annotated[Path, typer.Option(help="Output folder for plan.xlsx and summary.json.")],
    growth: Annotated[float, typer.Option(help="Target growth over the last half.")] = 0.5,
) -> None:
    """Make one region's plan workbook without a notebook."""
    from repkit import plan as plan_mod

    summary = plan_mod.run_region(data, region, half, out, growth=growth)
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2, default=str))


@app.command()
@_user_errors
def forecast(
    data: Annotated[Path, typer.Option(help="Input data folder.")],
    out: Annotated[Path, typer.Option(help="CSV file to write the forecasts to.")],
    horizon: Annotated[int, typer.Option(help="Months to forecast.")] = 6,
    by: Annotated[str, typer.Option(help="Comma-separated grouping columns.")] = "region,product",
    method: Annotated[str, typer.Option(help="Forecast method.")] = "auto",
) -> None:
    """Forecast monthly units per group (default region × product) with intervals."""
    from repkit import forecast as fc
    from repkit import io
    from repkit._escape import neutralise_formulas

    _file_target(out)
    ds = io.load_dataset(data)
    keys = [k.strip() for k in by.split(",") if k.strip()]
    unknown = [k for k in keys if k not in ds.sales.columns]
    if unknown:
        raise typer.BadParameter(
            f"--by {unknown}: not sales columns ({', '.join(ds.sales.columns)})"
        )
    result = fc.forecast_many(ds.sales, horizon, keys=keys, method=method)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    try:  # names like =HYPERLINK(…) must not run when the CSV is opened in Excel
        neutralise_formulas(result).to_csv(tmp, index=False, encoding="utf-8-sig")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    typer.echo(f"wrote {out} ({len(result)} rows)")


@app.command()
@_user_errors
def batch(
    data: Annotated[Path, typer.Option(help="Input data folder.")],
    out: Annotated[Path, typer.Option(help="Output folder (one sub-folder per region).")],
    half: Annotated[str, typer.Option(help="Half-year to plan, e.g. 2026H2.")] = "2026H2",
    template: Annotated[
        Path | None, typer.Option(help="Notebook template (default: half_year_plan.ipynb).")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", help="Only these regions (repeatable).")
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Parallel workers (default: cores).")] = None,
    timeout: Annotated[int, typer.Option(help="Seconds per region before it is killed.")] = 600,
    resume: Annotated[bool, typer.Option(help="Re-run only failed or missing regions.")] = False,
    force: Annotated[bool, typer.Option(help="Re-run every region, even unchanged ones.")] = False,
    cell_timeout: Annotated[
        float | None, typer.Option(help="Seconds a single cell may run.")
    ] = None,
    retries: Annotated[int, typer.Option(help="Re-runs after a kernel or worker died.")] = 1,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786.")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Template parameter NAME=JSON.")
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print plan.pdf per region (needs Chromium).")
    ] = False,
) -> None:
    """Run the plan template for every region; write reports, index.html, manifest.json."""
    from repkit import batch as batch_mod
    from repkit.calendar import Half

    Half.parse(half)  # a bad half-year is an argument error, not a failed region
    params: dict[str, object] = {"half": half}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"--param {item!r}: write NAME=VALUE")
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
    try:
        manifest = batch_mod.run(
            template or _resources.template_path("half_year_plan.ipynb"),
            data=data,
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
        )
    except RuntimeError as err:
        typer.echo(f"repkit batch: {err}", err=True)
        raise typer.Exit(2) from err
    failed = [r for r, e in manifest["regions"].items() if e["status"] not in ("ok", "skipped")]
    raise typer.Exit(1 if failed else 0)


@app.command()
@_user_errors
def pdf(
    html: Annotated[Path, typer.Argument(help="A plan document, e.g. reports/兰州/plan.html.")],
    out: Annotated[
        Path | None, typer.Option(help="PDF to write (default: beside the HTML).")
    ] = None,
) -> None:
    """Print a plan document to PDF with headless Chromium (`make chromium` installs it)."""
    from repkit.report.pdf import html_to_pdf

    try:
        target = html_to_pdf(html, out or html.with_suffix(".pdf"))
    except FileNotFoundError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from err
    typer.echo(f"wrote {target}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("reports"),
    workers: Annotated[int | None, typer.Option(help="Parallel workers.")] = None,
) -> None:
    """Plan every region of the bundled sample data into reports/."""
    data = _resources.resource_path("sample_data")
    batch(data=data, out=out, workers=workers)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="New working folder to create.")],
    force: Annotated[
        bool, typer.Option(help="Fill a non-empty folder; existing files are kept.")
    ] = False,
) -> None:
    """Make a working folder: sample data, templates, training, examples, README in Chinese."""
    try:
        written, kept = _resources.scaffold(folder, force=force)
    except FileExistsError as err:
        typer.echo(f"repkit init: {err}", err=True)
        raise typer.Exit(1) from err
    for path in kept:
        typer.echo(f"kept existing {path}")
    typer.echo(f"wrote {len(written)} files into {folder}; next: see {folder / 'README.md'}")
    typer.echo(f"  repkit batch --data {folder / 'data'} --out {folder / 'reports'}")
