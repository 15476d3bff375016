"""Run independent pieces of one build on several cores, by forking.

Forked children see the parent's memory as it is, so nothing but the results travels (pickled
through a pipe), and no task has to be importable or picklable. That is also why it is only
done where it is safe: on Linux (macOS system libraries are not fork-safe, Windows has no
fork), and when no other thread runs (a thread holding a lock at the fork would leave the
child stuck on it). Anywhere else the same tasks run one after another, with the same results.
"""

from __future__ import annotations

import itertools
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fork_is_safe() -> tuple[bool, str]:
    """Whether this process may fork now, and why not."""
    if not sys.platform.startswith("linux"):
        return False, "forking is only safe on Linux"
    if threading.active_count() > 1:
        return False, "other threads are running"
    return True, ""


MIN_ITEMS_PER_PROCESS = 500  # forking costs more than a shorter run saves


def split(items: Sequence[T], parallel: bool, minimum: int | None = None) -> list[Sequence[T]]:
    """Contiguous runs of ``items``, as equal as can be: one per core when ``parallel``, but
    none shorter than ``minimum`` (default MIN_ITEMS_PER_PROCESS)."""
    minimum = minimum or MIN_ITEMS_PER_PROCESS
    parts = max(1, min(usable_cores(), len(items) // minimum)) if parallel else 1
    size, extra = divmod(len(items), parts)
    bounds = [index * size + min(index, extra) for index in range(parts + 1)]
    return [items[start:end] for start, end in itertools.pairwise(bounds)]


def run_tasks(tasks: Sequence[Callable[[], T]], parallel: bool = True) -> list[T]:
    """Each task's result, in order. With ``parallel`` (and a safe fork) every task but the
    first runs in a forked child while this process runs the first; an exception in a child
    is raised here."""
    if not parallel or len(tasks) < 2 or not fork_is_safe()[0]:
        return [task() for task in tasks]
    children = [_start(task) for task in tasks[1:]]
    try:
        first = tasks[0]()
    except BaseException:
        for pid, reader in children:
            stop(pid, reader)
        raise
    results, error = [first], None
    for pid, reader in children:  # every child is reaped, even after one failed
        try:
            results.append(_result(pid, reader))
        except BaseException as failure:  # noqa: BLE001 - raised below, after the others
            error = error or failure
    if error is not None:
        raise error
    return results


def _start(task: Callable[[], Any]) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        return pid, reader
    os.close(reader)
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    status = 0
    try:
        outcome: tuple[str, Any] = ("ok", task())
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
        status, outcome = 1, ("error", _portable(error))
    try:
        with os.fdopen(writer, "wb") as pipe:
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(status)


def _portable(error: BaseException) -> BaseException:
    """The exception itself when it survives pickling (ContentError does), else its text."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - anything unpicklable is described instead
        return RuntimeError("".join(traceback.format_exception(error)))


def _result(pid: int, reader: int) -> Any:
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise RuntimeError(f"a worker process ended without a result "
                           f"(exit status {os.waitstatus_to_exitcode(status)})")
    kind, value = pickle.loads(data)
    if kind == "error":
        raise value
    return value


def stop(pid: int, reader: int) -> None:
    """End a child early (this process failed) and reap it."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.close(reader)
    os.waitpid(pid, 0)
