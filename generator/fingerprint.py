"""Keys of the build caches: digests of their inputs, and the versions of what computes them.

A cached value is reused only under a key naming everything it came from; the libraries a
stage runs on are part of that, by version, so upgrading one recomputes what it made.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from importlib import metadata


def digest(*parts: bytes) -> str:
    """The SHA-256 of ``parts``, each preceded by its length (no two lists of parts give the
    same bytes)."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


def library_versions(distributions: Iterable[str]) -> str:
    """Python's version and each distribution's (``none`` when not installed)."""
    found = []
    for name in distributions:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return f"python={sys.version_info[0]}.{sys.version_info[1]} " + " ".join(found)
