"""Values kept between builds in checksummed JSON files: the generator's stage caches.

A stage cache maps keys (hashes of everything a value depends on) to plain JSON values. It is
safe to lose, corrupt or share (CI restores it from another machine):

- each file starts with a header naming the format, the store, the shard and the SHA-256 and
  length of its body; a file whose header or checksum does not match (truncated, edited,
  written by another version or for another store) is ignored whole, as if absent;
- the body is JSON, read with ``json.loads``: nothing in a cache file can run code;
- a build keeps only the entries it used or stored, so what no build uses is pruned, and the
  store never holds more than one build's values; a shard larger than ``max_bytes`` is not
  written at all.

Entries are spread over shards by the first hex digit of their key, so a build that changes
one entry rewrites one shard's file, not the whole store; an unchanged shard is not written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .atomic import write_atomically

FORMAT = "paperwiki-stage-cache 1"
MAX_BYTES = 256 << 20  # per shard: a 10,000-paper wiki's largest store is about 3 MB a shard



class JsonStore:
    """The entries of one stage cache (``folder/name.*.json``) and what this build does with
    them: ``get`` and ``put`` note each entry this build keeps, ``commit`` writes them."""

    def __init__(self, folder: Path, name: str, shards: int = 16,
                 max_bytes: int = MAX_BYTES) -> None:
        if shards not in (1, 16):
            raise ValueError("a store has one shard or sixteen (one per first hex digit)")
        self.folder, self.name, self.shards, self.max_bytes = folder, name, shards, max_bytes
        self._loaded: dict[int, dict[str, Any]] = {}  # shard -> entries found on disk
        self._kept: dict[int, dict[str, Any]] = {}  # shard -> entries this build uses
        self._changed: set[int] = set()  # shards given an entry they did not hold

    def get(self, key: str) -> Any | None:
        """The value stored under ``key``, or None."""
        shard = self._shard(key)
        value = self._entries(shard).get(key)
        if value is not None:
            self._kept.setdefault(shard, {})[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` (plain JSON: dicts with text keys, lists, text, numbers, booleans,
        None) under ``key``; None is not a value (it means absent)."""
        shard = self._shard(key)
        if self._entries(shard).get(key) != value:
            self._changed.add(shard)
        self._kept.setdefault(shard, {})[key] = value

    def commit(self) -> None:
        """Write each shard whose kept entries differ from its file's, and remove the files
        of shards this build did not use; a failure to write only costs the work again next
        time."""
        for shard in range(self.shards):
            kept = self._kept.get(shard, {})
            if shard in self._changed or len(kept) != len(self._entries(shard)):
                try:
                    self._write(shard, kept)
                except (OSError, ValueError, TypeError):  # a value JSON cannot hold: unwritten
                    pass
        self._loaded, self._kept, self._changed = {}, {}, set()

    def remove(self) -> None:
        """Remove the store's files now, whatever they hold: what they say is no longer
        true (a change under way that a kill could cut short)."""
        for name in self.file_names():
            (self.folder / name).unlink(missing_ok=True)
        self._loaded, self._kept, self._changed = {}, {}, set()

    def _shard(self, key: str) -> int:
        return int(key[0], 16) if self.shards > 1 else 0

    def file_names(self) -> set[str]:
        """The names of the files this store may write in its folder."""
        return {self._path(shard).name for shard in range(self.shards)}

    def _path(self, shard: int) -> Path:
        return self.folder / f"{self.name}.{shard:x}.json"

    def _entries(self, shard: int) -> dict[str, Any]:
        if shard not in self._loaded:
            self._loaded[shard] = self._read(shard)
        return self._loaded[shard]

    def _header(self, shard: int, body: bytes) -> bytes:
        checksum = hashlib.sha256(body).hexdigest()
        return f"{FORMAT} {self.name} {shard:x} {checksum} {len(body)}\n".encode("ascii")

    def _read(self, shard: int) -> dict[str, Any]:
        try:
            data = self._path(shard).read_bytes()
        except OSError:
            return {}
        header, newline, body = data.partition(b"\n")
        if not newline or header + newline != self._header(shard, body):
            return {}
        try:
            entries = json.loads(body)
        except (ValueError, RecursionError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def _write(self, shard: int, entries: dict[str, Any]) -> None:
        path = self._path(shard)
        body = json.dumps(entries, separators=(",", ":"), allow_nan=False).encode("ascii")
        if not entries or len(body) > self.max_bytes:
            path.unlink(missing_ok=True)
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(path, self._header(shard, body) + body)
