"""Files replaced whole or not at all: content/ by imports, docs/ by the generator.

A crash, a kill or a full disk never leaves half a file: the new bytes go to a temporary
file beside the old one, which is then renamed over it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from .runlock import TEMPORARY_SUFFIX, process_tag


def _new_file_mode() -> int:
    """What open() gives a new file under this process's umask (read once, at import)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


NEW_FILE_MODE = _new_file_mode()


def write_atomically(path: Path, text: str | bytes,
                     create: Callable[[Path, bytes], None] | None = None) -> bool:
    """Write ``text`` (bytes are written as they are, text in UTF-8) unless the file already
    holds it; a crash never leaves half a file.

    Returns whether the file changed, so callers can report and so unchanged files keep their
    modification time (MkDocs' live reload and incremental tools rely on it). ``create``
    writes a file that does not exist yet, when the caller has a quicker way that is as safe
    (see ``docsdir.py``); by default it is written like any other.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        if create is not None:
            create(path, data)
            return True
    _replace_atomically(path, data)
    return True


def _replace_atomically(path: Path, data: bytes) -> None:
    """Write a temporary file beside ``path``, then rename it over ``path``. The file keeps its
    permissions, or gets those of any new file (a temporary file is only readable by its
    owner)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=TEMPORARY_SUFFIX,
                                             prefix=f".{path.name}.{process_tag()}")
    except OSError as error:
        raise _naming(error, path) from None
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _naming(error, path) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise



def _naming(error: OSError, path: Path) -> OSError:
    """The same error, naming the file being replaced rather than its temporary (or nothing,
    as a failed write does): that is the file a person knows."""
    return OSError(error.errno, error.strerror, str(path))
