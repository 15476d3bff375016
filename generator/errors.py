"""Errors that point a person at the exact place to fix.

Every problem PaperWiki reports is a value with a location, rendered as
``path:line: what is wrong — how to fix it`` so editors and CI logs can jump to it.

Two kinds are told apart, because they have different fixes and exit codes: a ``ContentError``
is something a curator wrote (exit 1); an ``EnvironmentProblem`` is a file that could not be
read or written at all — a FIFO, a device, a link leading out of the project, a read-only
folder, a full disk (exit 4).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, and where."""

    path: str
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        fix = f" — {self.hint}" if self.hint else ""
        return f"{where}: {self.message}{fix}"


@dataclass(frozen=True)
class ContentWarning(Problem):
    """Something a curator should look at that does not stop a build: it is printed by
    `paperwiki check` and the build, and `paperwiki check --strict` fails on it."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        fix = f" — {self.hint}" if self.hint else ""
        return f"{where}: warning: {self.message}{fix}"


class ContentError(Exception):
    """Raised when content cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:
        """Rebuilt from its problems, not its message: a content error found in a worker
        process travels to the parent pickled, and Exception would pass the message string
        back as ``problems`` — one character per problem."""
        return type(self), (self.problems,)


@dataclass(frozen=True)
class EnvironmentIssue(Problem):
    """A problem that is the machine's, not the content's: the file could not be read or
    written at all."""


class EnvironmentProblem(ContentError):
    """Raised for one EnvironmentIssue. A ContentError all the same, so that loading goes on
    collecting every other problem; the issue keeps its kind in the collected list."""

    def __init__(self, issue: EnvironmentIssue):
        super().__init__(issue)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.problems[0],)


def is_environment(error: ContentError) -> bool:
    """Whether any problem of ``error`` is the environment's: then the command exits with the
    environment code, since content cannot be judged from files that cannot be read."""
    return any(isinstance(problem, EnvironmentIssue) for problem in error.problems)


_FIXES = {
    errno.ENOSPC: "free some disk space, then run the command again",
    errno.EDQUOT: "free some of your disk quota, then run the command again",
    errno.EACCES: "make it readable and writable for you (chmod u+rw), or run as its owner",
    errno.EPERM: "make it readable and writable for you (chmod u+rw), or run as its owner",
    errno.EROFS: "the file system is read-only: work in a writable copy of the project",
    errno.EADDRINUSE: "another program uses that address: choose another with --dev-addr",
}


def environment_problem(error: OSError, label: str, doing: str) -> EnvironmentProblem:
    """An OSError raised while ``doing`` something to the file ``label`` (relative to the
    project), as one located line with the usual fix for its cause."""
    reason = error.strerror or str(error)
    hint = _FIXES.get(error.errno or 0, "check the file and its folder, then run the command again")
    return EnvironmentProblem(EnvironmentIssue(label, None, f"could not {doing}: {reason}", hint))
