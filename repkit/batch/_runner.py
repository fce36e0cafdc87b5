"""One warm kernel that runs the template for region after region (papermill + nbclient).

A :class:`Runner` lives in a worker process (a local pool worker or a Dask worker). It
starts a Jupyter kernel once, imports what the template imports and loads the data set
once (:mod:`repkit.batch._kernel`), then for each region resets the kernel's state and
executes the template through papermill with a papermill engine that reuses the running
kernel. The output notebook is a normal papermill notebook (injected parameters cell,
papermill metadata). A watchdog thread kills the kernel when a region exceeds its time
limit; the runner itself is outside the kernel, so a hung cell cannot hang it.
"""

from __future__ import annotations

import ast
import contextlib
import errno
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from repkit.batch import _store
from repkit.messages import say

ENGINE = "repkit-warm"
_LOCAL = threading.local()
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_START_TIMEOUT = 120
_CONTROL_TIMEOUT = 60


def start_timeout(base: float = _START_TIMEOUT) -> float:
    """Seconds to wait for a kernel to start: ``base``, longer on a loaded machine.

    Scaled by the 1-minute load average per CPU core (at most 10 × ``base``), so that
    kernels on a busy machine are not declared dead while they are only slow.

    Examples
    --------
    >>> rk.batch._runner.start_timeout(60) >= 60
    True
    """
    try:
        load = os.getloadavg()[0] / (os.cpu_count() or 1)
    except (OSError, AttributeError):  # pragma: no cover - Windows
        load = 1.0
    return float(base) * min(10.0, max(1.0, load))


_ONE_THREAD = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)
"""Thread pools of numpy's BLAS: one thread per kernel, as Dask's nanny does.

A batch runs one kernel per core already; a BLAS that starts a thread per core in every
kernel oversubscribes the machine and spins (measured: ~4 % more CPU per realistic
region with 2 kernels on 2 cores, nothing gained in wall time)."""


def kernel_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of a batch kernel: the caller's, one BLAS thread unless set there.

    Examples
    --------
    >>> env = kernel_env({"PATH": "/bin", "OMP_NUM_THREADS": "4"})
    >>> env["OMP_NUM_THREADS"], env["OPENBLAS_NUM_THREADS"], env["PYTHONHASHSEED"]
    ('4', '1', '0')
    """
    env = {**environ, "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    for name in _ONE_THREAD:
        env.setdefault(name, "1")
    return env


class InfraError(RuntimeError):
    """The kernel or worker failed (died, could not start): worth a retry."""


def _literal_path(path: object) -> str:
    """A path papermill's ``str.format`` leaves as it is (``{`` and ``}`` doubled)."""
    return str(path).replace("{", "{{").replace("}", "}}")


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    if ENGINE in papermill_engines._engines:
        return

    class WarmEngine(NBClientEngine):
        """Execute on the runner's running kernel instead of starting a new one."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: float | None = None,
            **kwargs: Any,
        ) -> Any:
            run = _LOCAL.run
            run["nb_man"] = nb_man
            if run.get("template_path"):  # executed from a snapshot; record the original
                nb_man.nb.metadata.papermill["input_path"] = run["template_path"]
            on_cell = run.get("on_cell")
            if on_cell is not None:
                start = nb_man.cell_start

                def cell_start(cell: Any, cell_index: int | None = None, **kw: Any) -> Any:
                    on_cell(cell_index)
                    return start(cell, cell_index, **kw)

                nb_man.cell_start = cell_start
            client = PapermillNotebookClient(
                nb_man,
                km=run["km"],
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log_output=False,
            )
            try:
                return client.execute(cleanup_kc=False)
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(ENGINE, WarmEngine)

    from papermill.translators import PythonTranslator, papermill_translators

    class ReadableTranslator(PythonTranslator):
        """Inject text parameters as Python literals that keep Chinese readable."""

        @classmethod
        def translate_str(cls, val: str) -> str:
            return repr(val)

    papermill_translators.register("python", ReadableTranslator)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error(cell: int | None, nb: Any, ename: str, evalue: str, tb: Any = None) -> dict:
    source = ""
    count = None
    if nb is not None and cell is not None and 0 <= cell < len(nb.cells):
        source = nb.cells[cell].get("source", "")
        count = nb.cells[cell].get("execution_count")
    if isinstance(tb, list):
        tb = "\n".join(tb)
    return {
        "cell": cell,
        "execution_count": count,
        "source": _short(source, 500),
        "exception": ename,
        "message": _short(_ANSI.sub("", str(evalue)), 2000),
        "traceback": _short(_ANSI.sub("", tb), 4000) if tb else None,
    }


def notebook_error(nb: Any) -> dict | None:
    """The first error output of an executed notebook, or None.

    Papermill treats ``sys.exit(0)`` in a cell as success; the batch does not. Errors in
    cells tagged ``raises-exception`` are allowed, except ``SystemExit``.
    """
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        allowed = "raises-exception" in cell.get("metadata", {}).get("tags", [])
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            if allowed and out.get("ename") != "SystemExit":
                continue
            return _error(
                index, nb, out.get("ename", ""), out.get("evalue", ""), out.get("traceback")
            )
    return None


class Runner:
    """A warm kernel that executes the template for one region at a time.

    Parameters
    ----------
    config
        ``template``, ``data``, ``data_cache``, ``kernel_name``, ``timeout``,
        ``cell_timeout``, ``imports``, ``staging_root``, ``html`` (see ``batch.run``).
    on_cell
        Called with the index of each cell as it starts (the local pool uses it to name
        the cell a killed region was running).
    on_kernel
        Called with the kernel's process id whenever a kernel starts.
    """

    def __init__(
        self,
        config: dict[str, Any],
        *,
        on_cell: Callable[[int | None], None] | None = None,
        on_kernel: Callable[[int | None], None] | None = None,
    ):
        self.config = config
        self.on_cell = on_cell
        self.on_kernel = on_kernel
        self.km: Any = None
        self.kc: Any = None
        self._dir: str | None = None
        self._stale = True
        self._timed_out = False
        self._cell: int | None = None

    # ------------------------------------------------------------------ kernel

    @property
    def kernel_pid(self) -> int | None:
        """Process id of the running kernel (None before it starts)."""
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(proc, "pid", None)

    def alive(self) -> bool:
        """Whether the kernel process is running."""
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        return proc is not None and proc.poll() is None

    def ensure_ready(self) -> None:
        """Start (or restart) and warm the kernel if it is not usable."""
        if self._stale or not self.alive():
            self._start()

    def _start(self) -> None:
        last = ""
        for attempt in range(3):
            self.close()
            if attempt:  # let a loaded machine breathe before the next try
                time.sleep(min(30.0, 2.0**attempt * start_timeout(1.0)))
            try:
                self._start_once()
            except Exception as err:  # port clash, slow start, broken kernel spec
                last = f"{type(err).__name__}: {err}"
                continue
            self._stale = False
            return
        self.close()
        raise InfraError(say("batch.no_kernel_start", error=last))

    def _start_once(self) -> None:
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._dir = tempfile.mkdtemp(prefix="repkit-k")
        posix = os.name == "posix"
        self.km = AsyncKernelManager(
            kernel_name=self.config.get("kernel_name") or "python3",
            transport="ipc" if posix else "tcp",  # unix sockets: no ports to race for
            connection_file=os.path.join(self._dir, f"k{uuid.uuid4().hex[:8]}.json"),
        )
        env = kernel_env(os.environ)
        run_sync(self.km.start_kernel)(
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
            cwd=self.config["staging_root"],
            env=env,
        )
        if self.on_kernel is not None:
            self.on_kernel(self.kernel_pid)
        _register_engine()  # imports papermill while the kernel boots
        kc = BlockingKernelClient()
        kc.load_connection_info(self.km.get_connection_info())
        kc.start_channels()
        self.kc = kc
        limit = start_timeout()
        kc.wait_for_ready(timeout=limit)
        data, cache = self.config.get("data"), self.config.get("data_cache")
        imports = list(self.config.get("imports", ()))
        self._call(
            "__import__('repkit.batch._kernel', fromlist=['warm'])"
            f".warm({data!r}, cache={cache!r}, imports={imports!r})",
            timeout=limit,
        )

    def _call(self, code: str, *, timeout: float = _CONTROL_TIMEOUT, **kw: Any) -> dict:
        """Run control code silently in the kernel; InfraError when it fails."""
        try:
            reply = self.kc.execute_interactive(
                code,
                silent=True,
                store_history=False,
                allow_stdin=False,
                timeout=timeout,
                output_hook=lambda msg: None,
                **kw,
            )
        except TimeoutError as err:
            raise InfraError(say("batch.kernel_silent", limit=timeout)) from err
        content = reply["content"]
        if content.get("status") != "ok":
            raise InfraError(
                say("batch.kernel_setup", error=f"{content.get('ename')}: {content.get('evalue')}")
            )
        return content

    def _kill(self) -> None:
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        if proc is None or proc.poll() is not None:
            return
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)  # the kernel leads its own session
            else:  # pragma: no cover - Windows
                proc.kill()
        except (ProcessLookupError, PermissionError, OSError):
            proc.kill()

    def close(self) -> None:
        """Kill the kernel (no graceful shutdown that could hang) and clean its files."""
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            self._kill()
            proc = getattr(self.km.provisioner, "process", None)
            if proc is not None:
                with contextlib.suppress(Exception):  # a zombie is reaped at exit
                    proc.wait(timeout=10)
            self.km = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        self._stale = True

    def _deadline(self) -> None:
        self._timed_out = True
        self._kill()

    def _cell_started(self, index: int | None) -> None:
        self._cell = index
        if self.on_cell is not None:
            self.on_cell(index)

    def _problems(self) -> list | None:
        try:
            content = self._call(
                "",
                user_expressions={
                    "p": "__import__('repkit.batch._kernel', fromlist=['x']).last_problems()"
                },
                timeout=20,
            )
            value = content["user_expressions"]["p"]["data"]["text/plain"]
            return json.loads(ast.literal_eval(value))
        except Exception:
            return None

    # ------------------------------------------------------------------ regions

    def run(self, task: dict[str, Any]) -> dict[str, Any]:
        """Execute the template for one region into a fresh staging folder.

        Returns a result dict: ``status`` (ok, failed, timeout, infra), ``error``,
        ``staging``, ``timings``, ``summary`` (the template's summary.json, if any).
        """
        cfg = self.config
        staging = Path(task.get("staging") or Path(cfg["staging_root"]) / uuid.uuid4().hex)
        staging.mkdir(parents=True, exist_ok=True)
        result: dict[str, Any] = {
            "region": task["region"],
            "status": "ok",
            "error": None,
            "staging": str(staging),
            "timings": {},
            "summary": None,
            "worker": os.getpid(),
        }
        t0 = time.monotonic()
        try:
            self.ensure_ready()
        except InfraError as err:
            result.update(status="infra", error=_error(None, None, "KernelError", str(err)))
            return result
        result["timings"]["start"] = round(time.monotonic() - t0, 3)
        self._timed_out, self._cell = False, None
        _LOCAL.run = {
            "km": self.km,
            "on_cell": self._cell_started,
            "template_path": cfg.get("template_path"),
        }
        timer = threading.Timer(cfg["timeout"], self._deadline)
        timer.daemon = True
        timer.start()
        t1 = time.monotonic()
        try:
            nb = self._execute(task, staging, result)
        finally:
            timer.cancel()
            _LOCAL.run = None
        if self._timed_out:
            self._stale = True
        result["timings"]["execute"] = round(time.monotonic() - t1, 3)
        t2 = time.monotonic()
        if nb is not None and cfg.get("html", True) and result["status"] != "infra":
            from repkit.report.html import notebook_to_html

            ok = result["status"] == "ok"
            title = f"{task['region']} {_title(nb)}".strip()
            html = notebook_to_html(nb, code=not ok, title=title, folder=staging)
            _store.write_text(staging / _store.HTML, html)
        result["timings"]["html"] = round(time.monotonic() - t2, 3)
        if cfg.get("pdf") and result["status"] == "ok" and (staging / _store.HTML).is_file():
            _print_pdf(staging, result)
        summary = staging / "summary.json"
        if result["status"] == "ok" and summary.is_file():
            try:
                data = json.loads(summary.read_text(encoding="utf-8"))
                result["summary"] = data if isinstance(data, dict) else None
            except ValueError:
                result["summary"] = None
        return result

    def _execute(self, task: dict[str, Any], staging: Path, result: dict[str, Any]) -> Any:
        """Run the notebook for one region; record failures in ``result``; the notebook."""
        import papermill as pm
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        cfg = self.config
        nb = None
        out_nb = staging / _store.NOTEBOOK
        try:
            self._call(
                f"__import__('repkit.batch._kernel', fromlist=['reset']).reset({str(staging)!r})"
            )
            nb = pm.execute_notebook(  # papermill str.format()s both paths: escape braces
                _literal_path(cfg["template"]),
                _literal_path(out_nb),
                parameters=task["params"],
                engine_name=ENGINE,
                kernel_name=cfg.get("kernel_name") or "python3",
                language=cfg.get("language") or "python",
                progress_bar=False,
                request_save_on_cell_execute=False,
                log_output=False,
                execution_timeout=cfg.get("cell_timeout"),
                start_timeout=int(start_timeout()),
            )
            error = notebook_error(nb)
            if error is None and not self.alive() and not self._timed_out:
                error = _error(None, nb, "KernelExit", "the kernel exited while the notebook ran")
                self._stale = True
            if error is not None:
                result.update(status="failed", error=error)
        except PapermillExecutionError as err:
            nb = _read(out_nb)
            error = _error(None, None, err.ename, err.evalue, err.traceback)
            error.update(cell=err.cell_index, execution_count=err.exec_count)
            error["source"] = _short(err.source or "", 500)
            if err.ename == "DataError":
                error["problems"] = self._problems()
            result.update(status="failed", error=error)
        except CellTimeoutError:
            self._stale = True
            nb = self._partial(out_nb)
            limit = cfg.get("cell_timeout")
            msg = say("batch.cell_limit", limit=limit)
            result.update(status="timeout", error=_error(self._cell, nb, "CellTimeout", msg))
        except (DeadKernelError, InfraError, RuntimeError, OSError) as err:
            self._stale = True
            nb = self._partial(out_nb)
            if self._timed_out:
                msg = say("batch.kernel_timeout", limit=cfg["timeout"])
                result.update(status="timeout", error=_error(self._cell, nb, "Timeout", msg))
            elif isinstance(err, OSError) and err.errno == errno.ENOSPC:
                msg = say("batch.disk_full", error=err)
                result.update(status="failed", error=_error(self._cell, nb, "DiskFull", msg))
            else:
                msg = f"{type(err).__name__}: {err}"
                result.update(status="infra", error=_error(self._cell, nb, "KernelDied", msg))
        return nb

    def _partial(self, path: Path) -> Any:
        """Write what ran of an interrupted notebook, for the failure record."""
        import nbformat

        nb_man = (getattr(_LOCAL, "run", None) or {}).get("nb_man")
        if nb_man is None:
            return None
        try:
            nbformat.write(nb_man.nb, str(path))
        except Exception:
            return None
        return nb_man.nb


def _print_pdf(staging: Path, result: dict[str, Any]) -> None:
    """Print the region's plan.html to plan.pdf; a failure is a warning, not a failed plan."""
    from repkit.report.pdf import html_to_pdf

    t = time.monotonic()
    try:
        html_to_pdf(staging / _store.HTML, staging / _store.PDF)
    except (OSError, RuntimeError) as err:
        result.setdefault("warnings", []).append(f"plan.pdf not written: {err}")
    result["timings"]["pdf"] = round(time.monotonic() - t, 3)


def _read(path: Path) -> Any:
    import nbformat

    try:
        return nbformat.read(str(path), as_version=4)
    except Exception:
        return None


def _title(nb: Any) -> str:
    """The first markdown heading of a notebook."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""
