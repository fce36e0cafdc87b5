"""repkit.batch.run: every region through a template notebook, in parallel."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import pickle
import shutil
import sys
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repkit._clock import now
from repkit.batch import _scratch, _store
from repkit.batch._store import check_params, folder_names
from repkit.labels import label_code, language
from repkit.messages import join, pad, say, width

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset

_STATUSES = ("ok", "skipped", "failed", "timeout")


def _now(tz: str | None = None) -> str:
    """Now, as people read it: Asia/Shanghai unless ``tz`` or ``REPKIT_TZ`` says otherwise."""
    return now(tz)


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _parameter_names(source: str) -> list[str]:
    """Names assigned at the top level of a parameters cell (``x = 1``, ``x: int = 1``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise ValueError(say("batch.parameters_syntax", error=err)) from err
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return list(dict.fromkeys(names))


def _template(path: Path) -> tuple[dict[str, Any], list[str], bytes]:
    """The template notebook (as JSON) and the names its ``parameters`` cell defines.

    Read with ``json`` rather than nbformat: importing nbformat (jsonschema) costs seconds.
    """
    if not path.is_file():
        raise FileNotFoundError(say("path.no_template", path=path))
    raw = path.read_bytes()
    try:
        nb = json.loads(raw.decode("utf-8"))
        cells = nb["cells"]
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(say("batch.bad_template", path=path, error=err)) from err
    tagged = [c for c in cells if "parameters" in (c.get("metadata") or {}).get("tags", [])]
    if not tagged:
        raise ValueError(say("batch.no_parameters", path=path))
    names = _parameter_names(_source(tagged[0]))
    missing = [n for n in ("data", "region", "out") if n not in names]
    if missing:
        defined = join(names) or say("none")
        raise ValueError(
            say("batch.missing_parameters", path=path, missing=join(missing), names=defined)
        )
    return nb, names, raw


def _cell_source(nb: Mapping[str, Any], index: int) -> str:
    """Source of a cell of the output notebook (the template plus one injected cell)."""
    cells = nb.get("cells", [])
    tags = [(c.get("metadata") or {}).get("tags", []) for c in cells]
    first = next((i for i, t in enumerate(tags) if "parameters" in t), len(cells))
    i = index - 1 if index > first else index
    return _source(cells[i])[:500] if 0 <= i < len(cells) else ""


def _language(nb: Mapping[str, Any]) -> str:
    meta = nb.get("metadata") or {}
    return (
        (meta.get("kernelspec") or {}).get("language")
        or (meta.get("language_info") or {}).get("name")
        or "python"
    )


def _check_args(workers: Any, timeout: Any, cell_timeout: Any, retries: Any) -> None:
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ValueError(say("batch.workers", value=workers))
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(say("batch.timeout", value=timeout))
    if cell_timeout is not None and (
        not isinstance(cell_timeout, (int, float)) or cell_timeout <= 0
    ):
        raise ValueError(say("batch.cell_timeout", value=cell_timeout))
    if not isinstance(retries, int) or retries < 0:
        raise ValueError(say("batch.retries", value=retries))


def _check_kernel(name: str) -> None:
    """Refuse an unknown Jupyter kernel before any worker starts."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        manager.get_kernel_spec(name)
    except NoSuchKernel as err:
        valid = join(sorted(manager.find_kernel_specs())) or say("none")
        raise ValueError(say("batch.no_kernel", name=name, valid=valid)) from err


def _regions(ds: Dataset, regions: Iterable[str] | None) -> list[str]:
    valid = list(ds.regions)
    if not valid:
        raise ValueError(say("arg.no_regions"))
    if regions is None:
        return valid
    if isinstance(regions, str):
        regions = [regions]
    wanted = list(dict.fromkeys(str(r) for r in regions))
    unknown = [r for r in wanted if r not in valid]
    if unknown:
        raise ValueError(say("arg.region", unknown=join(map(repr, unknown)), valid=join(valid)))
    if not wanted:
        raise ValueError(say("arg.regions_empty", valid=join(valid)))
    return wanted


class _Progress:
    """A tqdm bar on a terminal; one plain line per region in CI and logs."""

    def __init__(self, total: int, enabled: bool):
        self.enabled, self.total, self.n = enabled, total, 0
        tty = sys.stderr.isatty() and not os.environ.get("CI")
        self.bar = None
        if enabled and tty and total:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, unit=say("batch.unit"), desc=say("batch.bar"), file=sys.stderr
            )

    def note(self, text: str) -> None:
        if self.enabled:
            (self.bar.write if self.bar else print)(text, file=sys.stderr, flush=True)

    def update(self, region: str, status: str, seconds: float | None) -> None:
        self.n += 1
        if not self.enabled:
            return
        shown = str(label_code(status, "batch_status"))
        if self.bar is not None:
            self.bar.set_postfix_str(f"{region}: {shown}", refresh=False)
            self.bar.update(1)
        else:
            took = "" if seconds is None else " " + say("batch.seconds", s=seconds)
            digits = len(str(self.total))
            line = f"[{self.n:>{digits}}/{self.total}] {pad(shown, 7)} {region}{took}"
            print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def summary_table(manifest: Mapping[str, Any], *, max_rows: int = 30) -> str:
    """A plain-text summary of a batch: counts, and one line per region (failures first).

    Parameters
    ----------
    manifest
        The dict returned by :func:`run`.
    max_rows
        Above this many regions only the ones that did not succeed are listed.

    Examples
    --------
    >>> m = {"duration_s": 12.0, "out_dir": "reports", "regions": {
    ...     "兰州": {"status": "ok", "duration_s": 5.0, "summary": {"completion_rate": 0.21}},
    ...     "西宁": {"status": "failed", "duration_s": 1.0,
    ...            "error": {"exception": "DataError", "message": "bad units", "cell": 3}}}}
    >>> print(rk.batch.summary_table(m))
    区域  状态  用时   完成率  备注
    西宁  失败  1.0秒          DataError：bad units（第 3 个单元格）
    兰州  成功  5.0秒  21.0%
    2 个区域：成功 1，失败 1，用时 12.0 秒；见 reports/index.html

    Columns are aligned by display width: a Chinese character takes two columns.
    """
    entries = manifest.get("regions", {})
    order = {"failed": 0, "timeout": 1, "ok": 2, "skipped": 3}
    rows = sorted(entries.items(), key=lambda kv: order.get(kv[1].get("status"), 0))
    if len(rows) > max_rows:
        rows = [r for r in rows if r[1].get("status") not in ("ok", "skipped")]
    table = [tuple(say("batch.head").split(" "))]
    for region, e in rows:
        rate = (e.get("summary") or {}).get("completion_rate")
        took = e.get("duration_s")
        table.append(
            (
                region,
                str(label_code(str(e.get("status", "")), "batch_status")),
                "" if took is None else say("batch.seconds", s=took),
                f"{rate:.1%}" if isinstance(rate, (int, float)) else "",
                _note(e.get("error") or {}) or _first_warning(e),
            )
        )
    notes = [str(n) for n in manifest.get("notes", [])]
    return "\n".join([*_aligned(table), _tail(manifest, entries), *notes])


def _first_warning(entry: Mapping[str, Any]) -> str:
    """A region's first warning in one short line (e.g. its PDF could not be printed)."""
    warnings = entry.get("warnings") or []
    return " ".join(str(warnings[0]).split())[:90] if warnings else ""


def _note(err: Mapping[str, Any]) -> str:
    """A failed region's error in one short line."""
    if not err:
        return ""
    sep = ": " if language() == "en" else "："
    note = sep.join(str(x) for x in (err.get("exception"), err.get("message")) if x)
    note = " ".join(note.split())[:90]
    if err.get("cell") is not None:
        note += say("batch.cell", cell=err["cell"])
    return note


def _aligned(table: list[tuple[str, ...]]) -> list[str]:
    """Rows with the columns but the last padded to equal display width (see ``width``)."""
    widths = [max(width(str(row[i])) for row in table) for i in range(len(table[0]) - 1)]
    return [
        (
            "  ".join(pad(str(c), w) for c, w in zip(row[:-1], widths, strict=True))
            + "  "
            + str(row[-1])
        ).rstrip()
        for row in table
    ]


def _tail(manifest: Mapping[str, Any], entries: Mapping[str, Any]) -> str:
    """The counts line: regions per status, time, where the index is."""
    counts: dict[str, int] = {}
    for e in entries.values():
        counts[e.get("status", "")] = counts.get(e.get("status", ""), 0) + 1
    shown = [
        say("batch.count", n=counts[s], label=label_code(s, "batch_status"))
        for s in dict.fromkeys((*_STATUSES, *counts))
        if s in counts
    ]
    tail = say("batch.tail", n=len(entries), parts=join(shown, word=say("word.comma")))
    total = manifest.get("duration_s")
    if total is not None:
        tail += say("batch.took", s=total)
    if manifest.get("out_dir"):
        tail += say("batch.see", path=Path(manifest["out_dir"]) / "index.html")
    return tail


def run(
    template: str | os.PathLike,
    *,
    data: str | os.PathLike,
    out_dir: str | os.PathLike,
    regions: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
    workers: int | None = None,
    timeout: float = 600,
    cell_timeout: float | None = None,
    retries: int = 1,
    resume: bool = False,
    force: bool = False,
    scheduler: str | None = None,
    kernel_name: str | None = None,
    progress: bool | None = None,
    pdf: bool = False,
    tz: str | None = None,
    dataset: Dataset | None = None,
) -> dict[str, Any]:
    r"""Run a notebook template for every region; write reports, index.html and manifest.json.

    For each region the template runs through papermill with ``data``, ``region`` and
    ``out`` injected (plus ``params``) on a warm kernel: imports and the data set are
    loaded once per worker, and the kernel's state is reset between regions. Each region
    gets ``out_dir/<folder>/`` with ``plan.ipynb``, ``plan.html`` (no code) and whatever
    the template writes into ``out`` (e.g. ``plan.xlsx``, ``summary.json``), all moved
    into place only when the region succeeded. A failed region keeps its previous good
    outputs; the failed notebook is kept beside them as ``plan.failed.ipynb``/``.html``.

    Parameters
    ----------
    template
        The notebook; its cell tagged ``parameters`` must define ``data``, ``region`` and
        ``out``.
    data
        Input data folder (read with ``repkit.load_dataset``); its regions are the batch.
    out_dir
        Output folder (created). Must not be inside ``data``.
    regions
        Only these regions (default: every region of the data).
    params
        More template parameters, e.g. ``{"half": "2026H2", "growth": 0.5}``: names the
        template defines, JSON scalar or list values. Checked before any kernel starts.
    workers
        Parallel workers (default: one per CPU core, at most one per region).
    timeout
        Seconds a region may run before its kernel (and if needed its worker) is killed;
        the region is then reported as ``timeout`` and the batch goes on.
    cell_timeout
        Seconds a single cell may run (default: no limit beyond ``timeout``).
    retries
        Re-runs of a region after an infrastructure failure (kernel or worker died,
        kernel did not start). Errors raised by the notebook are never retried.
    resume
        Re-run only regions that failed or are missing in the previous manifest.
    force
        Re-run every region even when nothing changed.
    scheduler
        None for local worker processes; ``"local"`` for a Dask ``LocalCluster``; or a
        Dask scheduler address such as ``"tcp://10.0.0.5:8786"``.
    kernel_name
        Jupyter kernel to use (default: the template's, else ``python3``).
    tz
        Time zone of the manifest's and the index's times (``started``, ``finished``):
        an IANA name such as ``"UTC"``, or ``"local"``. Default: the environment variable
        ``REPKIT_TZ``, else Asia/Shanghai (ISO 8601 with ``+08:00``).
    progress
        Show progress and a summary table (default True): a tqdm bar on a terminal,
        one line per region otherwise (and when ``CI`` is set).
    pdf
        Also print each region's ``plan.html`` to ``plan.pdf`` with headless Chromium
        (``repkit.report.pdf``). Without Chromium the plans are made without PDFs and
        ``notes`` in the manifest says how to install it; a PDF that fails is a
        ``warnings`` line of its region, which stays ``ok``.
    dataset
        The data set the caller has already read from ``data`` (``repkit batch`` reads it
        to find the half), so it is not read a second time; None reads ``data``. It only
        chooses the regions: workers always read ``data`` itself.

    Returns
    -------
    dict
        The manifest (also written to ``out_dir/manifest.json``): ``regions`` maps each
        region to its entry with ``status`` (ok, failed, timeout, skipped), ``folder``,
        timings, ``input_hash``, ``template_hash``, ``params``, ``repkit_version``,
        ``summary`` (the template's ``summary.json``) and ``error`` (cell, exception,
        message, traceback; ``problems`` for a DataError) for failures; ``counts`` and
        ``failed`` (regions that did not succeed).

    Raises
    ------
    ValueError
        Unknown regions (the message lists the valid ones), bad parameters, a template
        without the required parameters, or ``out_dir`` inside ``data``.
    DataError
        When the data folder cannot be read at all.

    Notes
    -----
    A region is skipped (status ``skipped``) when its previous outputs exist and the
    template, the input files' content, the parameters and the repkit version are all
    unchanged. ``repkit batch`` exits with 1 when any region failed or timed out.

    Examples
    --------
    >>> import nbformat
    >>> from pathlib import Path
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    >>> nb = new_notebook(cells=[
    ...     new_code_cell('data = ""\nregion = ""\nout = "."', metadata={"tags": ["parameters"]}),
    ...     new_markdown_cell("# Plan"), new_code_cell("print(region)")])
    >>> nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    >>> nbformat.write(nb, "t.ipynb")
    >>> _ = rk.sample.write(rk.sample.generate(seed=0, regions=2), "data")
    >>> m = rk.batch.run("t.ipynb", data="data", out_dir="reports", workers=1, progress=False)
    >>> {r: e["status"] for r, e in m["regions"].items()}
    {'兰州': 'ok', '西宁': 'ok'}
    >>> sorted(p.name for p in Path("reports/兰州").iterdir())
    ['plan.html', 'plan.ipynb']
    >>> m = rk.batch.run("t.ipynb", data="data", out_dir="reports", workers=1, progress=False)
    >>> m["counts"]
    {'skipped': 2}
    """
    job = _validate(
        template,
        data=data,
        out_dir=out_dir,
        params=params,
        workers=workers,
        timeout=timeout,
        cell_timeout=cell_timeout,
        retries=retries,
        resume=resume,
        force=force,
        scheduler=scheduler,
        kernel_name=kernel_name,
        pdf=bool(pdf),
        tz=tz,
    )
    ds, selected = _load(job, regions, dataset)
    job.out_dir.mkdir(parents=True, exist_ok=True)
    show = True if progress is None else bool(progress)
    with _store.Lock(job.out_dir), _scratch.sigterm_as_interrupt():
        batch = _Batch(job, ds, selected, show)
        try:
            batch.execute()
        finally:
            batch.finalize()
        result = _final(batch.manifest, batch.previous, final=True)
    if show:
        print(summary_table(result))
    return result


class BatchWriteError(RuntimeError):
    """The batch could not write its own records (manifest, index): usually a full disk."""


@dataclass
class _Job:
    """The checked arguments of one batch run."""

    template: Path
    data: Path | str
    """A local data folder or store, or the fsspec URL of a store (``s3://…``)."""
    out_dir: Path
    nb: dict[str, Any]
    template_bytes: bytes
    params: dict[str, Any]
    workers: int | None
    timeout: float
    cell_timeout: float | None
    retries: int
    resume: bool
    force: bool
    scheduler: str | None
    kernel_name: str | None
    pdf: bool = False
    tz: str | None = None
    started: str = ""
    t_start: float = field(default_factory=time.monotonic)

    @property
    def data_abs(self) -> Path | str:
        return self.data if isinstance(self.data, str) else self.data.resolve()


def _validate(template: Any, *, data: Any, out_dir: Any, params: Any, **opts: Any) -> _Job:
    """Stage 1: check every argument before any work (ValueError naming the problem)."""
    template, out_dir = Path(template), Path(out_dir)
    _check_args(opts["workers"], opts["timeout"], opts["cell_timeout"], opts["retries"])
    if opts["scheduler"] is not None:
        from repkit._extras import require

        require("distributed", feature=say("feature.dask"))
    if opts["resume"] and opts["force"]:
        raise ValueError(say("batch.both_modes"))
    nb, declared, template_bytes = _template(template)
    params = check_params(params, allowed=declared)
    data = _data_location(data, out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(say("batch.out_is_file", out=out_dir))
    scheduler = opts["scheduler"]
    if scheduler is None and os.name == "nt":  # pragma: no cover - no fd passing on Windows
        scheduler = "local"
    if scheduler is not None and not isinstance(scheduler, str):
        raise ValueError(say("batch.scheduler", value=scheduler))
    kernel = (
        opts["kernel_name"]
        or (nb.get("metadata", {}).get("kernelspec") or {}).get("name")
        or "python3"
    )
    if scheduler is None:
        _check_kernel(kernel)  # Dask workers may have kernels this machine lacks
    return _Job(
        template=template,
        data=data,
        out_dir=out_dir,
        nb=nb,
        template_bytes=template_bytes,
        params=params,
        **{**opts, "scheduler": scheduler, "kernel_name": kernel},
        started=_now(opts["tz"]),
    )


def _data_location(data: Any, out_dir: Path) -> Path | str:
    """The data folder as a Path, or a store's fsspec URL kept as text (checked to exist)."""
    from repkit.io._stored import MANIFEST, is_url

    if is_url(data):
        import fsspec

        fs, root = fsspec.core.url_to_fs(data)
        if not fs.exists(f"{root.rstrip('/')}/{MANIFEST}"):
            raise FileNotFoundError(say("path.no_store", path=data))
        return str(data)
    data = Path(data)
    if not data.exists():
        raise FileNotFoundError(say("path.no_data", path=data))
    data_abs, out_abs = data.resolve(), out_dir.resolve()
    if out_abs == data_abs or out_abs.is_relative_to(data_abs) or data_abs.is_relative_to(out_abs):
        raise ValueError(say("batch.nested", out=out_dir, data=data))
    return data


def _input_hash(data: Path | str) -> str:
    """Content hash of the input: the files, or a store URL's manifest (it holds their SHA-256)."""
    if isinstance(data, Path):
        return _store.hash_path(data)
    import fsspec

    from repkit.io._stored import MANIFEST

    fs, root = fsspec.core.url_to_fs(data)
    return _store.hash_bytes(fs.cat_file(f"{root.rstrip('/')}/{MANIFEST}"))


def _load(
    job: _Job, regions: Iterable[str] | None, dataset: Dataset | None = None
) -> tuple[Any, list[str]]:
    from repkit.io import load_dataset

    ds = load_dataset(job.data) if dataset is None else dataset
    return ds, _regions(ds, regions)


_WORKER_MEMORY = 600 * 2**20
"""Memory one local worker needs (its process and warm kernel with the data set).

Measured peak RSS on the seed-0 sample (half-year template, forecast="simple"): worker
156 MB + kernel 297 MB = 453 MB; 600 MB leaves room for larger data sets."""


def _available_memory() -> int | None:
    """Bytes of memory available to new processes (None when unknown)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def worker_count(requested: int | None, tasks: int) -> tuple[int, str | None]:
    """Workers for this machine: the request, capped by cores, memory and regions.

    Returns the number and, when a request was lowered, a sentence saying why.
    """
    cores = os.cpu_count() or 1
    memory = _available_memory()
    by_memory = max(1, memory // _WORKER_MEMORY) if memory else cores
    limit = min(cores, by_memory)
    n = max(1, min(requested or limit, limit, tasks))
    note = None
    if requested is not None and requested > limit:
        free = say("batch.memory", gb=memory / 2**30) if memory else say("batch.memory_unknown")
        per = _WORKER_MEMORY / 2**30
        note = say(
            "batch.capped", limit=limit, requested=requested, cores=cores, memory=free, per=per
        )
    return n, note


class _Batch:
    """One batch run's state: the plan of work, the manifest, results as they come."""

    def __init__(self, job: _Job, ds: Dataset, selected: list[str], show: bool):
        from repkit._version import __version__

        self.job, self.ds, self.version = job, ds, __version__
        self.code_hash = _store.code_hash()
        self.template_hash = _store.hash_bytes(job.template_bytes)
        self.input_hash = _input_hash(job.data)
        self.previous = _store.read_manifest(job.out_dir).get("regions", {})
        self.staging_root = job.out_dir.resolve() / _store.STAGING
        shutil.rmtree(self.staging_root, ignore_errors=True)  # leftovers of a killed batch
        self.staging_root.mkdir()
        _scratch.clean_up_earlier_runs()
        self.entries: dict[str, dict[str, Any]] = {}
        self.tasks: list[dict[str, Any]] = []
        self.stopped: dict[str, Any] | None = None
        self.write_failed: OSError | None = None
        self.last_write = 0.0
        self.notes = _pdf_notes(job)
        folders = folder_names(ds.regions)
        for region in selected:
            self._plan_region(region, folders[region])
        self.manifest = self._new_manifest()
        self.bar = _Progress(len(selected), show)
        for note in self.notes:
            self.bar.note(note)
        skipped = len(selected) - len(self.tasks)
        if skipped:
            self.bar.note(say("batch.skipped", n=skipped, total=len(selected)))
            for region, e in self.entries.items():
                if e["status"] == "skipped":
                    self.bar.update(region, "skipped", None)

    # ------------------------------------------------------------------ stage 2: plan work

    def _plan_region(self, region: str, folder: str) -> None:
        """Skip a region whose recorded outputs are intact and unchanged, else queue it."""
        job = self.job
        target = _store.inside(job.out_dir, folder)
        region_params = {**job.params, "region": region}
        fp = _store.fingerprint(
            template=self.template_hash,
            inputs=self.input_hash,
            params=region_params,
            version=self.version,
            code=self.code_hash,
            kernel=job.kernel_name,
        )
        base = {
            "region": region,
            "folder": folder,
            "fingerprint": fp,
            "input_hash": self.input_hash,
            "template_hash": self.template_hash,
            "params": {**region_params, "data": str(job.data_abs)},
            "repkit_version": self.version,
        }
        prev = self.previous.get(region) or {}
        output: dict[str, Any] = prev.get("output") or {}
        intact = prev.get("folder") == folder and _store.outputs_intact(target, output)
        if job.pdf and not self.notes and _store.PDF not in output.get("files", []):
            intact = False  # asked for PDFs now: run again to print one
        reason = None
        if intact and not job.force:
            if job.resume and prev.get("status") in ("ok", "skipped"):
                reason = "resume"
            elif output.get("fingerprint") == fp:
                reason = "unchanged"
        if reason is not None:
            self.entries[region] = {
                **base,
                "status": "skipped",
                "reason": reason,
                "summary": output.get("summary"),
                "output": output,
                "error": None,
                "duration_s": 0.0,
                "finished": output.get("finished"),
            }
            return
        self.entries[region] = {**base, "status": "pending", "output": output or None, "prev": prev}
        self.tasks.append(
            {
                "region": region,
                "folder": folder,
                "params": {**job.params, "data": str(job.data_abs), "region": region, "out": "."},
                "attempt": 1,
                "retried": [],
            }
        )

    def _new_manifest(self) -> dict[str, Any]:
        job = self.job
        return {
            "repkit_version": self.version,
            "template": str(job.template.resolve()),
            "template_hash": self.template_hash,
            "data": str(job.data_abs),
            "input_hash": self.input_hash,
            "params": job.params,
            "out_dir": str(job.out_dir),
            "backend": None,
            "workers": None,
            "started": job.started,
            "finished": None,
            "duration_s": None,
            "counts": {},
            "failed": [],
            "notes": self.notes,
            "regions": self.entries,
        }

    # ------------------------------------------------------------------ stage 3: execute

    def execute(self) -> None:
        """Run the queued regions on the local pool or Dask; results arrive in on_result."""
        if not self.tasks:
            return
        job = self.job
        try:
            # every region runs this snapshot, even if the template is edited meanwhile
            snapshot = self.staging_root / f"template-{self.template_hash[7:19]}.ipynb"
            snapshot.write_bytes(job.template_bytes)
            config = {
                "template": str(snapshot),
                "template_path": str(job.template.resolve()),
                "data": str(job.data_abs),
                "data_cache": None,
                "kernel_name": job.kernel_name,
                "language": _language(job.nb),
                "timeout": float(job.timeout),
                "cell_timeout": job.cell_timeout,
                "imports": _imports(job.nb),
                "staging_root": str(self.staging_root),
                "html": True,
                "pdf": job.pdf and not self.notes,
            }
            if job.scheduler in (None, "local"):
                n, note = worker_count(job.workers, len(self.tasks))
                if note:
                    self.bar.note(note)
            else:  # a remote cluster: its size is the cluster's business
                n = min(job.workers or os.cpu_count() or 1, len(self.tasks))
            self.manifest["workers"] = n
            if job.scheduler is None:
                self._run_local(config, n)
            else:
                self._run_dask(config, n)
        except OSError as err:  # no space for the scratch or the template snapshot
            self.stopped = {"cell": None, "exception": "OSError", "message": str(err)}
            raise BatchWriteError(say("batch.stopped", error=err)) from err

    def _run_local(self, config: dict[str, Any], n: int) -> None:
        from repkit.batch._local import run_local

        self.manifest["backend"] = "local"
        with _scratch.private_scratch() as scratch:
            cache = scratch / "dataset.pickle"
            fd = os.open(cache, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(self.ds, fh, protocol=pickle.HIGHEST_PROTOCOL)
            config["data_cache"] = str(cache)
            run_local(
                self.tasks,
                config,
                workers=n,
                grace=10 + 0.1 * float(self.job.timeout),
                retries=self.job.retries,
                on_result=self.on_result,
                new_staging=self.new_staging,
            )

    def _run_dask(self, config: dict[str, Any], n: int) -> None:
        from repkit.batch._dask import run_dask

        self.manifest["backend"] = run_dask(
            self.tasks,
            config,
            scheduler=str(self.job.scheduler),
            workers=n,
            retries=self.job.retries,
            on_result=self.on_result,
            new_staging=self.new_staging,
        )

    def new_staging(self, task: dict[str, Any]) -> str:
        """A fresh staging folder for one attempt of one region."""
        return str(self.staging_root / f"{task['folder']}.{task['attempt']}.{uuid.uuid4().hex[:8]}")

    def on_result(self, task: dict[str, Any], result: dict[str, Any]) -> None:
        """Record one region's result and move its outputs into place as one unit."""
        region = task["region"]
        entry = self.entries[region]
        target = self.job.out_dir / entry["folder"]
        status = result["status"]
        staging = Path(result.get("staging") or task.get("staging") or self.staging_root / "none")
        timings = result.get("timings") or {}
        entry.pop("prev", None)
        err = result.get("error")
        if err and isinstance(err.get("cell"), int) and not err.get("source"):
            err["source"] = _cell_source(self.job.nb, err["cell"])  # a worker killed mid-cell
        entry.update(
            status="failed" if status == "infra" else status,
            attempts=task["attempt"],
            retried=task["retried"],
            timings=timings,
            duration_s=round(sum(timings.values()), 3),
            finished=_now(self.job.tz),
            worker=result.get("worker"),
            error=err,
            warnings=result.get("warnings") or [],
        )
        if status == "ok":
            self._commit(entry, staging, target, result.get("summary"))
        if entry["status"] != "ok":
            entry["summary"] = None
            entry["failure_files"] = _store.commit_failed(staging, target)
        self.bar.update(region, entry["status"], entry["duration_s"])
        self.save()

    def _commit(self, entry: dict[str, Any], staging: Path, target: Path, summary: Any) -> None:
        old = (entry.get("output") or {}).get("files", [])
        try:
            files = _store.commit_ok(staging, target, previous=old)
        except OSError as err:
            entry.update(
                status="failed",
                error={
                    "cell": None,
                    "exception": "OSError",
                    "message": say("batch.move_failed", error=err),
                },
            )
            return
        entry["summary"] = summary
        entry["output"] = {
            "fingerprint": entry["fingerprint"],
            "finished": entry["finished"],
            "files": files,
            "hashes": _store.hash_files(target, files),
            "summary": summary,
        }
        entry["failure_files"] = []

    # ------------------------------------------------------------------ stage 4: finalize

    def save(self, final: bool = False) -> None:
        """Write manifest.json and index.html (at most once a second until the end).

        A write that fails before the end (a full disk) is retried at the next result.
        """
        if not final and time.monotonic() - self.last_write < 1.0:
            return
        self.last_write = time.monotonic()
        written = _final(self.manifest, self.previous, final=final, stopped=self.stopped)
        from repkit.report.html import index_html

        try:
            _store.write_json(self.job.out_dir / _store.MANIFEST, written)
            _store.write_text(self.job.out_dir / _store.INDEX, index_html(written))
        except OSError as err:
            if final:
                raise
            self.write_failed = err
            self.bar.note(say("batch.manifest_retry", error=err))
        else:
            self.write_failed = None

    def finalize(self) -> None:
        """Stage 4: free the staging space, then write the final manifest and index.

        When even that fails, the previous manifest and index are removed (they would
        claim results this run did not make) and :class:`BatchWriteError` says so.
        """
        self.bar.close()
        shutil.rmtree(self.staging_root, ignore_errors=True)
        self.manifest["finished"] = _now(self.job.tz)
        self.manifest["duration_s"] = round(time.monotonic() - self.job.t_start, 3)
        try:
            self.save(final=True)
        except OSError as err:
            for name in (_store.MANIFEST, _store.INDEX):
                with contextlib.suppress(OSError):
                    (self.job.out_dir / name).unlink()
            lines = [
                f"  {r}: {label_code(e['status'], 'batch_status')}" for r, e in self.entries.items()
            ]
            path = self.job.out_dir / _store.MANIFEST
            raise BatchWriteError(
                say("batch.write_failed", path=path, error=err, lines="\n".join(lines))
            ) from err


def _pdf_notes(job: _Job) -> list[str]:
    """Why PDFs asked for cannot be printed (no Chromium here), else nothing."""
    if not job.pdf or job.scheduler not in (None, "local"):
        return []  # Dask workers on other machines may have Chromium
    from repkit.report.pdf import find_chromium

    if find_chromium() is not None:
        return []
    return [
        "PDFs not written: headless Chromium was not found. Install it with `make "
        "chromium` (Debian: sudo apt-get install chromium) or set REPKIT_CHROMIUM; the "
        "plans (plan.html) are complete and print from any browser."
    ]


def _imports(nb: Mapping[str, Any]) -> list[str]:
    """Top-level import statements of the template's code cells (to warm the kernels)."""
    found: list[str] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(_source(cell))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import) or (
                isinstance(node, ast.ImportFrom) and not node.level and node.module != "__future__"
            ):
                found.append(ast.unparse(node))
    return list(dict.fromkeys(found))


def _final(
    manifest: dict[str, Any],
    previous: Mapping[str, Any],
    *,
    final: bool,
    stopped: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest to write: finished regions, and the previous entries of pending ones."""
    regions = {}
    for region, e in manifest["regions"].items():
        if e["status"] == "pending":
            prev = e.get("prev") or {}
            if not final and prev:
                regions[region] = prev
                continue
            if final:
                e = {k: v for k, v in e.items() if k != "prev"}
                e.update(
                    status="failed",
                    error=dict(stopped)
                    if stopped
                    else {
                        "cell": None,
                        "exception": "Interrupted",
                        "message": say("batch.interrupted"),
                    },
                    summary=None,
                )
            else:
                continue
        regions[region] = e
    counts: dict[str, int] = {}
    for e in regions.values():
        counts[e["status"]] = counts.get(e["status"], 0) + 1
    return {
        **manifest,
        "counts": {s: counts[s] for s in _STATUSES if s in counts},
        "failed": [r for r, e in regions.items() if e["status"] in ("failed", "timeout")],
        "regions": regions,
    }
