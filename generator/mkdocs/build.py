"""``paperwiki build`` through MkDocs: the builder's logging, configuration and errors."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from ..errors import ContentError
from .livesite import BuiltSite
from .plugin import ContentProblems, PaperWikiPlugin


class BuildFailed(Exception):
    """The builder stopped; ``problems`` holds the content's problems when they were why."""

    def __init__(self, message: str, problems: ContentError | None) -> None:
        super().__init__(message)
        self.problems = problems


def prepare_logging(verbose: bool) -> None:
    """Show MkDocs' warnings (strict mode fails on them, so they must be seen) and PaperWiki's
    progress, and hide the end-of-life banners Material prints, which say nothing about this
    wiki."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.handlers[:] = [handler]
    mkdocs_log.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("mkdocs.plugins.paperwiki").setLevel(logging.INFO)


def build_site(config_file: Path, site_dir: Path, cache: bool = True,
               replacing: Path | None = None) -> BuiltSite:
    """Build the site of ``config_file`` into ``site_dir``, strictly; BuildFailed if it stops.
    Without ``cache`` every page is rendered and the page cache is neither read nor written.
    ``replacing`` is the published site the new one will replace: pages the cache says are
    unchanged there are left out of ``site_dir`` and named in the result (see livesite.py)."""
    try:
        config = load_config(str(config_file), strict=True)
        config.site_dir = str(site_dir)
        plugin = config.plugins.get("paperwiki")
        if isinstance(plugin, PaperWikiPlugin):
            plugin.config.cache = plugin.config.cache and cache
            plugin.live_site = replacing
        build(config)
        return plugin.built if isinstance(plugin, PaperWikiPlugin) else BuiltSite()
    except MkDocsException as error:
        # MkDocs logs the plugin's message and re-raises a generic Abort; the cause tells
        # content problems (the curator's to fix) from a failed site build.
        problems = next((e for e in (error, error.__context__) if isinstance(e, ContentProblems)),
                        None)
        raise BuildFailed(str(error), problems.error if problems else None) from None
