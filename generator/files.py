"""Read a content file only when it is an ordinary file inside the project.

A FIFO named ``x.yaml`` blocks a read forever, a link to ``/dev/zero`` fills memory, and a link
leading out of the project publishes a file nobody reviewed: each is refused as an environment
problem before a byte is read. A folder or a dangling link with a content file's name is a
curator's slip: refused as a content problem. The kind of file is checked on the opened file
descriptor (opened without blocking), so a file swapped after the link check is still caught.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path

from .errors import ContentError, EnvironmentIssue, EnvironmentProblem, Problem, environment_problem


def read_file(path: Path, label: str, project: Path) -> bytes:
    """The bytes of ``path`` (named ``label`` in messages); ``project`` is the folder no link
    may lead out of."""
    target = _target(path, label, project)
    try:
        handle = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ContentError(Problem(label, None, "the file is missing",
                                   "create it, or run the command from the project")) from None
    except OSError as error:  # a socket cannot be opened at all: say what it is
        _check_kind(os.stat(target).st_mode, label)
        raise environment_problem(error, label, "read the file") from None
    try:
        _check_kind(os.fstat(handle).st_mode, label)
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read()
    except OSError as error:
        raise environment_problem(error, label, "read the file") from None
    finally:
        os.close(handle)


def _target(path: Path, label: str, project: Path) -> str:
    """The file to open: ``path`` itself, or where its links lead if that is in the project."""
    name = os.fspath(path)
    if not os.path.islink(name) and _folder_inside(os.path.dirname(name), os.fspath(project)):
        return name
    if not os.path.exists(name):
        raise ContentError(Problem(label, None, "the link leads to a file that does not exist",
                                   f"point it at an existing file, or delete it "
                                   f"(it leads to {os.readlink(name)})"))
    real = os.path.realpath(name)
    if not _inside(real, os.path.realpath(project)):
        raise EnvironmentProblem(EnvironmentIssue(
            label, None, f"a link leads out of the project, to {real}",
            "copy the file into the project instead of linking to it"))
    return real


@lru_cache(maxsize=256)
def _folder_inside(folder: str, project: str) -> bool:
    """Whether ``folder``, with every link in its path followed, is inside ``project``
    (cached: thousands of files share a handful of folders)."""
    return _inside(os.path.realpath(folder), os.path.realpath(project))


def _inside(real: str, real_project: str) -> bool:
    return real == real_project or real.startswith(real_project.rstrip(os.sep) + os.sep)


_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def _check_kind(mode: int, label: str) -> None:
    if stat.S_ISDIR(mode):
        raise ContentError(Problem(label, None, "this is a folder, not a file",
                                   "rename or move the folder: only files may carry this name"))
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not an ordinary file")
        raise EnvironmentProblem(EnvironmentIssue(
            label, None, f"the file is {kind}, which is never read",
            "replace it with an ordinary file, or remove it"))
