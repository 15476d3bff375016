"""The wiki's settings, read once from mkdocs.yml, used by every command and by the plugin.

mkdocs.yml stays the one file a site owner edits: its site name, address and repository,
and the ``paperwiki`` plugin's options (where the content lives, the search engine, the
number of processes). Reading it here, as plain YAML, keeps the commands that never build
(``check``, ``import``, ``generate``) independent of the site builder.

What curators set in content/config.yaml (mirror hosts, related papers, import filters) is
``records.CurationSettings``: it is content, loaded and checked with the other content files,
so that its errors name their line like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SEARCH_ENGINES = ("builtin", "pagefind")


@dataclass(frozen=True)
class Settings:
    config_file: Path
    content_dir: Path
    docs_dir: Path
    site_dir: Path
    site_name: str
    site_url: str
    repo_url: str | None
    edit_uri: str | None  # relative to repo_url, pointing at content_dir
    search: str
    jobs: int  # 0: one process per core on large wikis, 1: one process

    @property
    def project(self) -> Path:
        return self.config_file.parent

    def edit_url(self, source: str) -> str | None:
        """Where a curator edits ``source`` (a file named relative to the project, such as
        ``content/papers/x.yaml``), or None when the site names no repository or the file is
        not in the content folder, which is what ``edit_uri`` points at."""
        path = (self.project / source).resolve()
        if not self.repo_url or not self.edit_uri or not path.is_relative_to(self.content_dir):
            return None
        inside = path.relative_to(self.content_dir).as_posix()
        return f"{self.repo_url.rstrip('/')}/{self.edit_uri.strip('/')}/{inside}"


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml as data: tags for MkDocs' own loader (``!ENV``, ``!!python/name``)
    are read as their plain value, since none of the settings read here use them."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


_Loader.add_multi_constructor("!", _untagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _untagged)


def load_settings(config_file: Path) -> Settings:
    """The settings of the site configured by ``config_file``; ValueError says what is wrong."""
    config_file = config_file.resolve()
    data = yaml.load(config_file.read_text("utf-8"), Loader=_Loader) or {}  # noqa: S506
    options = _plugin_options(data.get("plugins") or [])
    root = config_file.parent
    search = options.get("search", "builtin")
    if search not in SEARCH_ENGINES:
        raise ValueError(f"{config_file.name}: the paperwiki plugin's search is {search!r} — "
                         f"use one of {', '.join(SEARCH_ENGINES)}")
    return Settings(
        config_file=config_file, content_dir=(root / options.get("content_dir", "content")).resolve(),
        docs_dir=(root / data.get("docs_dir", "docs")).resolve(),
        site_dir=(root / data.get("site_dir", "site")).resolve(),
        site_name=str(data.get("site_name") or "PaperWiki"), site_url=data.get("site_url") or "",
        repo_url=data.get("repo_url"), edit_uri=data.get("edit_uri"), search=search,
        jobs=int(options.get("jobs", 0)))


def _plugin_options(plugins: list[Any] | dict[str, Any]) -> dict[str, Any]:
    """The paperwiki plugin's options, from either form MkDocs accepts for ``plugins``."""
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(entry.items())) if isinstance(entry, dict) else (entry, {}) for entry in plugins)
    return next((options or {} for name, options in entries if name == "paperwiki"), {})
