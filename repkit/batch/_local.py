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

from repkit.messages import say

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
    pool = _Pool(
        tasks,
        config,
        workers=workers,
        retries=retries,
        limit=config["timeout"] + grace,
        start_timeout=start_timeout,
        on_result=on_result,
        new_staging=new_staging,
        on_start=on_start,
    )
    try:
        while pool.queue or any(s.task for s in pool.slots):
            pool.dispatch()
            pool.receive()
            pool.enforce_deadlines()
            if pool.failures >= max(3, 2 * workers):
                pool.give_up()
                break
    finally:
        pool.stop()


class _Pool:
    """The parent's view of its workers: queue, slots, failures (see :func:`run_local`)."""

    def __init__(
        self,
        tasks: list[dict[str, Any]],
        config: dict[str, Any],
        *,
        workers: int,
        retries: int,
        limit: float,
        start_timeout: float,
        on_result: Callable[[dict[str, Any], dict[str, Any]], None],
        new_staging: Callable[[dict[str, Any]], str],
        on_start: Callable[[dict[str, Any]], None] | None,
    ):
        self.queue: deque[dict[str, Any]] = deque(tasks)
        self.slots: list[_Slot] = []
        self.config, self.workers, self.retries = config, workers, retries
        self.limit, self.start_timeout = limit, start_timeout
        self.on_result, self.new_staging, self.on_start = on_result, new_staging, on_start
        self.failures = 0
        self.last_failure = ""

    def discard(self, slot: _Slot) -> None:
        _kill_group(slot.kernel)
        if slot.proc.is_alive():
            slot.proc.kill()
        slot.proc.join(10)
        slot.conn.close()
        self.slots.remove(slot)

    def finish(self, slot: _Slot, result: dict[str, Any]) -> None:
        task, slot.task = slot.task, None
        if task is None:
            return
        if result["status"] == "infra" and task["attempt"] <= self.retries:
            task["retried"].append(result.get("error"))
            task["attempt"] += 1
            self.queue.append(task)
        else:
            self.on_result(task, result)

    def dispatch(self) -> None:
        """Start workers as needed and hand a region to every ready, idle worker."""
        busy = sum(1 for s in self.slots if s.task)
        while len(self.slots) < min(self.workers, len(self.queue) + busy):
            proc = _Process(self.config)
            self.slots.append(_Slot(proc, proc.conn))
        for slot in self.slots:
            if slot.ready and slot.task is None and self.queue:
                task = self.queue.popleft()
                task["staging"] = self.new_staging(task)
                slot.conn.send(("run", task))
                slot.task, slot.ready, slot.cell = task, False, None
                slot.started = time.monotonic()
                slot.deadline = slot.started + self.limit
                if self.on_start is not None:
                    self.on_start(task)

    def receive(self) -> None:
        """Wait for messages (up to the next deadline) and handle them."""
        now = time.monotonic()
        waits = [s.deadline for s in self.slots if s.task]
        waits += [s.born + self.start_timeout for s in self.slots if not s.ready and s.task is None]
        timeout = max(0.0, min(waits) - now) if waits else 1.0
        wait([s.conn for s in self.slots], timeout=timeout)
        for slot in list(self.slots):
            gone = False
            try:
                while slot.conn.poll():
                    kind, *rest = slot.conn.recv()
                    if kind == "kernel":
                        slot.kernel = rest[0]
                    elif kind == "cell":
                        slot.cell = rest[0]
                    elif kind == "ready":
                        slot.ready, self.failures = True, 0
                    elif kind == "done":
                        self.finish(slot, rest[0])
                    elif kind == "fatal":
                        self.failures, self.last_failure = self.failures + 1, rest[0]
                        gone = True
                        break
            except (EOFError, OSError):
                gone = True
            if gone or not slot.proc.is_alive():
                if slot.task is not None:
                    code = slot.proc.exitcode
                    self.finish(slot, _lost(slot.task, say("batch.worker_died", code=code)))
                elif not slot.ready:
                    self.failures += 1
                    self.last_failure = self.last_failure or say("batch.worker_exited")
                self.discard(slot)

    def enforce_deadlines(self) -> None:
        """Kill workers whose region overran or that did not start in time."""
        now = time.monotonic()
        for slot in list(self.slots):
            if slot.task is not None and now > slot.deadline:
                task = slot.task
                msg = say("batch.worker_timeout", limit=self.limit)
                result = _lost(task, msg, status="timeout")
                result["error"].update(cell=slot.cell, exception="Timeout")
                result["timings"] = {"execute": round(now - slot.started, 3)}
                slot.task = None
                self.discard(slot)
                self.on_result(task, result)
            elif slot.task is None and not slot.ready and now > slot.born + self.start_timeout:
                self.failures, self.last_failure = self.failures + 1, "worker did not start in time"
                self.discard(slot)

    def give_up(self) -> None:
        """Workers keep failing to start: report every region left as failed."""
        message = say("batch.no_worker", error=self.last_failure)
        while self.queue:
            task = self.queue.popleft()
            self.on_result(task, _lost(task, message))
        for slot in list(self.slots):
            if slot.task is not None:
                task, slot.task = slot.task, None
                self.on_result(task, _lost(task, message))

    def stop(self) -> None:
        """Ask every worker to stop, then kill what is left (kernels included)."""
        for slot in self.slots:
            with contextlib.suppress(OSError):
                slot.conn.send(("stop",))
        end = time.monotonic() + 10
        for slot in list(self.slots):
            slot.proc.join(max(0.0, end - time.monotonic()))
            self.discard(slot)


def _lost(task: dict[str, Any], message: str, status: str = "infra") -> dict[str, Any]:
    return {
        "region": task["region"],
        "status": status,
        "staging": task.get("staging"),
        "error": {"cell": None, "exception": "WorkerLost", "message": message},
        "timings": {},
        "summary": None,
    }


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
