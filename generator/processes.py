"""Run independent pieces of one build on several cores, by forking.

Forked children see the parent's memory as it is, so nothing but the results travels (pickled
through a pipe), and no task has to be importable or picklable. That is also why it is only
done where it is safe: on Linux (macOS system libraries are not fork-safe, Windows has no
fork), and when no other thread runs (a thread holding a lock at the fork would leave the
child stuck on it). Anywhere else the same tasks run one after another, with the same results.
"""

from __future__ import annotations

import gc
import itertools
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

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


def processes_for(items: int, minimum: int) -> int:
    """One process per core, while each still gets at least ``minimum`` items."""
    return max(1, min(usable_cores(), items // minimum))


def split(items: Sequence[T], parallel: bool) -> list[Sequence[T]]:
    """Contiguous runs of ``items``, as equal as can be: one per core when ``parallel``, but
    none shorter than MIN_ITEMS_PER_PROCESS."""
    parts = processes_for(len(items), MIN_ITEMS_PER_PROCESS) if parallel else 1
    size, extra = divmod(len(items), parts)
    bounds = [index * size + min(index, extra) for index in range(parts + 1)]
    return [items[start:end] for start, end in itertools.pairwise(bounds)]


def run_tasks(tasks: Sequence[Callable[[], T]], parallel: bool = True) -> list[T]:
    """Each task's result, in order. With ``parallel`` (and a safe fork) every task but the
    first runs in a forked child while this process runs the first; an exception in a child
    is raised here."""
    if not parallel or len(tasks) < 2 or not fork_is_safe()[0]:
        return [task() for task in tasks]
    children = _start_all(tasks[1:])
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


def _start_all(tasks: Sequence[Callable[[], Any]]) -> list[tuple[int, int]]:
    """Fork a child for each task. The children start with every object of this process
    frozen (``gc.freeze``): their collections then skip them, instead of touching every
    object and so copying every page of memory the parent shares with them."""
    gc.freeze()
    try:
        return [_start(task) for task in tasks]
    finally:
        gc.unfreeze()


def _start(task: Callable[[], Any]) -> tuple[int, int]:
    pid, pipe = fork_with_pipe()
    if pid:
        return pid, pipe
    try:
        outcome: tuple[str, Any] = ("ok", task())
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
        send_and_exit(pipe, ("error", _portable(error)), status=1)
    send_and_exit(pipe, outcome, status=0)


def fork_with_pipe() -> tuple[int, int]:
    """fork() with a pipe from the child to the parent: ``(0, write end)`` in the child,
    ``(child pid, read end)`` in the parent. Ctrl-C or SIGTERM ends a child at once, whatever
    the parent does on them (``paperwiki serve`` stops on either); the parent handles it."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        return pid, reader
    os.close(reader)
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    return 0, writer


def send_and_exit(writer: int, payload: Any, status: int) -> NoReturn:
    """A child's last act: its result to the parent, then exit without running anything else
    (no atexit handlers, no unwinding into the caller's code)."""
    try:
        with os.fdopen(writer, "wb") as pipe:
            pickle.dump(payload, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(status)


def receive(pid: int, reader: int) -> tuple[Any, int]:
    """What a child sent (None if nothing readable) and its exit status (negative: the signal
    that killed it), once it has ended."""
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    try:
        payload = pickle.loads(data) if data else None
    except (pickle.UnpicklingError, EOFError):
        payload = None
    return payload, os.waitstatus_to_exitcode(status)


def _portable(error: BaseException) -> BaseException:
    """The exception itself when it survives pickling (ContentError does), else its text."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - anything unpicklable is described instead
        return RuntimeError("".join(traceback.format_exception(error)))


def _result(pid: int, reader: int) -> Any:
    outcome, status = receive(pid, reader)
    if outcome is None:
        raise RuntimeError(f"a worker process ended without a result (exit status {status})")
    kind, value = outcome
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
