"""Measuring from outside: run a process with a time limit and read its peak memory; sizes.

Peak memory comes from ``os.wait4``, the kernel's resource usage of exactly that child (and
of any children it waited for), so each stage's figure is its own, not a running maximum.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class ProcessRun:
    command: str
    seconds: float
    cpu: float  # user + system seconds of the process and the children it waited for
    peak_kb: int
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False
    load_avg: float | None = None  # the 1-minute load average when the process started

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def failure(self) -> str:
        """The last lines of the error output: where a stage says why it failed."""
        if self.timed_out:
            return f"timed out after {self.seconds:.0f} s"
        tail = [line for line in self.stderr.strip().splitlines() if line.strip()][-6:]
        return f"exit code {self.returncode}: " + " / ".join(tail)


def run_process(command: list[str], cwd: Path, timeout: float, log_file: Path,
                env: dict[str, str] | None = None) -> ProcessRun:
    """Run ``command``; kill its process group if it outlives ``timeout`` seconds."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    out_file, err_file = log_file.with_suffix(".out"), log_file.with_suffix(".err")
    with out_file.open("wb") as out, err_file.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   env=env)
        expired = threading.Event()
        timer = threading.Timer(timeout, _kill_group, (process.pid, expired))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    return ProcessRun(" ".join(command), seconds, usage.ru_utime + usage.ru_stime,
                      usage.ru_maxrss, process.returncode,
                      out_file.read_text("utf-8", "replace"),
                      err_file.read_text("utf-8", "replace"),
                      expired.is_set())


def _kill_group(pid: int, expired: threading.Event) -> None:
    expired.set()
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def last_json_line(text: str) -> dict[str, Any]:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("the stage printed no JSON result")


@dataclass(frozen=True)
class FileState:
    mtime_ns: int
    digest: str


def snapshot(folder: Path) -> dict[str, FileState]:
    """Every file under ``folder``: modification time and content hash."""
    states = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            states[path.relative_to(folder).as_posix()] = FileState(
                path.stat().st_mtime_ns, hashlib.sha1(path.read_bytes()).hexdigest())
    return states


def tree_size(folder: Path, pattern: str = "**/*") -> tuple[int, int]:
    """Total bytes and number of files matching ``pattern`` under ``folder``."""
    files = [path for path in folder.glob(pattern) if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


def clear_folder(folder: Path, keep: tuple[str, ...] = (".gitignore",)) -> None:
    """Empty a folder but keep the named top-level files (docs/.gitignore)."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        if path.name in keep:
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
