"""The local backend: worker processes with warm kernels, deadlines kept by the parent.

Each worker process owns one :class:`~repkit.batch._runner.Runner` (one warm kernel) and
runs regions one at a time. The parent hands out regions, and kills a worker together
with its kernel when a region overruns its time limit (the runner's own watchdog fires
first; the parent is the second line for a runner that is itself stuck). A worker that
dies is replaced; its region is retried when the failure was the infrastructure's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

_START_TIMEOUT = 300.0


def _worker_main(conn: Any, config: dict[str, Any]) -> None:
    """Body of a worker process: start a warm runner, then run regions until told to stop."""
    from repkit.batch._runner import InfraError, Runner

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C

    def send(*msg: Any) -> None:
        conn.send(msg)

    runner = Runner(
        config, on_cell=lambda i: send("cell", i), on_kernel=lambda pid: send("kernel", pid)
    )
    try:
        try:
            runner.ensure_ready()
        except InfraError as err:
            send("fatal", str(err))
            return
        send("ready")
        while True:
            msg = conn.recv()
            if msg[0] != "run":
                break
            send("done", runner.run(msg[1]))
            try:
                runner.ensure_ready()
            except InfraError as err:
                send("fatal", str(err))
                return
            send("ready")
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass
    finally:
        runner.close()


def _kill_group(pid: int | None) -> None:
    if pid is None:
        return
    with contextlib.suppress(OSError):
        if os.name == "posix":
            os.killpg(pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            os.kill(pid, signal.SIGTERM)


class _Process:
    """A worker started as ``python -m repkit.batch._local`` (never re-imports ``__main__``)."""

    def __init__(self, config: dict[str, Any]):
        parent, child = socket.socketpair()
        with child:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "repkit.batch._local", str(child.fileno())],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
            )
        self.conn = Connection(parent.detach())
        self.conn.send(config)

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    @property
    def exitcode(self) -> int | None:
        return self.popen.poll()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.popen.kill()

    def join(self, timeout: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)


class _Slot:
    def __init__(self, proc: _Process, conn: Any):
        self.proc = proc
        self.conn = conn
        self.kernel: int | None = None
        self.task: dict[str, Any] | None = None
        self.ready = False
        self.born = time.monotonic()
        self.deadline = 0.0
        self.started = 0.0
        self.cell: int | None = None


def run_local(
    tasks: list[dict[str, Any]],
    config: dict[str, Any],
    *,
    workers: int,
    grace: float,
    retries: int,
    on_result: Callable[[dict[str, Any], dict[str, Any]], None],
    new_staging: Callable[[dict[str, Any]], str],
    on_start: Callable[[dict[str, Any]], None] | None = None,
    start_timeout: float = _START_TIMEOUT,
) -> None:
    """Run tasks on ``workers`` warm worker processes; report each result once."""
    queue: deque[dict[str, Any]] = deque(tasks)
    slots: list[_Slot] = []
    failures = 0
    last_failure = ""
    limit = config["timeout"] + grace

    def spawn() -> None:
        proc = _Process(config)
        slots.append(_Slot(proc, proc.conn))

    def discard(slot: _Slot) -> None:
        _kill_group(slot.kernel)
        if slot.proc.is_alive():
            slot.proc.kill()
        slot.proc.join(10)
        slot.conn.close()
        slots.remove(slot)

    def finish(slot: _Slot, result: dict[str, Any]) -> None:
        task, slot.task = slot.task, None
        if task is None:
            return
        if result["status"] == "infra" and task["attempt"] <= retries:
            task["retried"].append(result.get("error"))
            task["attempt"] += 1
            queue.append(task)
        else:
            on_result(task, result)

    def lost(task: dict[str, Any], message: str, status: str = "infra") -> dict[str, Any]:
        return {
            "region": task["region"],
            "status": status,
            "staging": task.get("staging"),
            "error": {"cell": None, "exception": "WorkerLost", "message": message},
            "timings": {},
            "summary": None,
        }

    try:
        while queue or any(s.task for s in slots):
            busy = sum(1 for s in slots if s.task)
            while len(slots) < min(workers, len(queue) + busy):
                spawn()
            for slot in slots:
                if slot.ready and slot.task is None and queue:
                    task = queue.popleft()
                    task["staging"] = new_staging(task)
                    slot.conn.send(("run", task))
                    slot.task, slot.ready, slot.cell = task, False, None
                    slot.started = time.monotonic()
                    slot.deadline = slot.started + limit
                    if on_start is not None:
                        on_start(task)
            now = time.monotonic()
            waits = [s.deadline for s in slots if s.task]
            waits += [s.born + start_timeout for s in slots if not s.ready and s.task is None]
            timeout = max(0.0, min(waits) - now) if waits else 1.0
            wait([s.conn for s in slots], timeout=timeout)
            for slot in list(slots):
                gone = False
                try:
                    while slot.conn.poll():
                        kind, *rest = slot.conn.recv()
                        if kind == "kernel":
                            slot.kernel = rest[0]
                        elif kind == "cell":
                            slot.cell = rest[0]
                        elif kind == "ready":
                            slot.ready, failures = True, 0
                        elif kind == "done":
                            finish(slot, rest[0])
                        elif kind == "fatal":
                            failures, last_failure = failures + 1, rest[0]
                            gone = True
                            break
                except (EOFError, OSError):
                    gone = True
                if gone or not slot.proc.is_alive():
                    if slot.task is not None:
                        code = slot.proc.exitcode
                        finish(slot, lost(slot.task, f"worker process died (exit code {code})"))
                    elif not slot.ready:
                        failures += 1
                        last_failure = last_failure or "worker exited while starting"
                    discard(slot)
            now = time.monotonic()
            for slot in list(slots):
                if slot.task is not None and now > slot.deadline:
                    task = slot.task
                    msg = f"the region ran longer than {limit:g} s; its worker was killed"
                    result = lost(task, msg, status="timeout")
                    result["error"].update(cell=slot.cell, exception="Timeout")
                    result["timings"] = {"execute": round(now - slot.started, 3)}
                    slot.task = None
                    discard(slot)
                    on_result(task, result)
                elif slot.task is None and not slot.ready and now > slot.born + start_timeout:
                    failures, last_failure = failures + 1, "worker did not start in time"
                    discard(slot)
            if failures >= max(3, 2 * workers):
                while queue:
                    task = queue.popleft()
                    on_result(task, lost(task, f"could not start a worker: {last_failure}"))
                for slot in list(slots):
                    if slot.task is not None:
                        task, slot.task = slot.task, None
                        on_result(task, lost(task, f"could not start a worker: {last_failure}"))
                break
    finally:
        for slot in slots:
            with contextlib.suppress(OSError):
                slot.conn.send(("stop",))
        end = time.monotonic() + 10
        for slot in list(slots):
            slot.proc.join(max(0.0, end - time.monotonic()))
            discard(slot)


if __name__ == "__main__":
    # jsonschema (via nbformat) imports rfc3987_syntax when installed, which builds a
    # grammar parser at import (seconds); notebooks never use that format check.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    _conn = Connection(int(sys.argv[1]))
    _profile = os.environ.get("REPKIT_BATCH_PROFILE")  # a folder: one cProfile per worker
    if _profile:
        import cProfile

        cProfile.run(
            "_worker_main(_conn, _conn.recv())", os.path.join(_profile, f"worker-{os.getpid()}")
        )
    else:
        _worker_main(_conn, _conn.recv())
