"""``paperwiki serve``'s rebuild after an edit: only the pages the generator wrote.

A dirty MkDocs build still does work in proportion to the whole wiki on every edit: it lists
docs/ again, makes a File and a Page for each of ten thousand files, builds the navigation,
looks at every page's modification time, writes the sitemap and the 404 page. An edit of a
paper (its text, hiding it, adding one), a topic's description, a note or a hand-written page
changes none of that but the pages the generator writes or removes. So the server keeps the
last build's files, navigation and theme environment, and renders only those pages, through
MkDocs' own page functions and every plugin's events, copies the data files written, adds
and drops files where MkDocs' listing of docs/ would, and writes the sitemap again when pages
came, went or changed dates; the search index is merged page by page (``incremental.py``).
The site is what a build gives.

Anything else (the navigation or mkdocs.yml changed, a plugin we do not know) renders every
page, as does the first build. A dirty build would not do: the pages it does not read again
have no title, which the navigation of the pages it renders shows."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
import os
from dataclasses import dataclass
from functools import partial

import jinja2
from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, _file_sort_key, set_exclusions
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler

from .parallel import SAFE_PLUGINS, page_positions

log = logging.getLogger("mkdocs.plugins.paperwiki")


@dataclass(frozen=True)
class Edit:
    """What a run of the generator changed in docs/, as files."""

    written: list[File]  # of the last build
    added: list[File]  # not in the last build
    removed: list[File]  # of the last build
    dated: bool  # a page's date changed, which the sitemap gives


@dataclass
class LastBuild:
    """What the last successful build under ``serve`` gathered, reused by the next one.
    ``positions`` is the plugin's (each page's place in build order, see ``parallel.py``)."""

    files: Files
    nav: Navigation
    env: jinja2.Environment
    positions: dict[str, int]

    def edit(self, config: MkDocsConfig, written: Iterable[str], removed: Iterable[str],
             dated: set[str]) -> Edit | None:
        """The files the generator wrote and removed, when rendering only those gives what
        a build gives: no page removed is in the navigation, every page whose date changed
        (``dated``) was written or removed, and no plugin but ours and search keeps state
        between events. Else None. (A page new to the navigation changes the navigation.)"""
        written, removed = list(written), list(removed)
        if set(config.plugins) - SAFE_PLUGINS or not dated <= {*written, *removed}:
            return None
        found = {name: self.files.get_file_from_path(name) for name in written}
        gone = [self.files.get_file_from_path(name) for name in removed]
        listed = {id(page) for page in self.nav.pages}
        if any(file is None or id(file.page) in listed for file in gone):
            return None
        return Edit([file for file in found.values() if file is not None],
                    [File(name, config.docs_dir, config.site_dir, config.use_directory_urls)
                     for name, file in found.items() if file is None],
                    [file for file in gone if file is not None], bool(dated))

    def render(self, config: MkDocsConfig, edit: Edit, start: Callable[[], None]) -> bool:
        """Render ``edit`` as a build would, after ``start`` (the plugins' pre-build events,
        which delete what was removed); False, having written only data files, when the
        title of a page in the navigation changed (every page shows it): then every page
        must be rendered."""
        start()
        if edit.added or edit.removed:
            self._change_files(config, edit)
        changed = [*edit.written, *edit.added]
        pages = [file.page for file in changed if file.page is not None]
        for file in changed:
            if not file.is_documentation_page():
                file.copy_file()
        listed = [page for page in pages if page in self.nav.pages]
        titles = [page.title for page in listed]
        for page in pages:
            _populate_page(page, config, self.files)
        if titles != [page.title for page in listed]:
            return False
        env = config.plugins.on_env(self.env, config=config, files=self.files)
        if edit.added or edit.removed or edit.dated:  # the sitemap lists pages, their dates
            for template in config.theme.static_templates:
                _build_theme_template(template, env, self.files, config, self.nav)
        documentation = self.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for page in pages:
            _build_page(page, config, documentation, self.nav, env)
        for page in pages:
            page.validate_anchor_links(files=self.files,
                                       log_level=config.validation.links.anchors)
        config.plugins.on_post_build(config=config)
        log.info("PaperWiki: %d changed files rendered, %d removed", len(changed),
                 len(edit.removed))
        return True

    def _change_files(self, config: MkDocsConfig, edit: Edit) -> None:
        """The files as MkDocs would list docs/ now (in its order), the new pages made as
        its build makes pages outside the navigation, and every page's place again."""
        set_exclusions(edit.added, config)
        for file in edit.added:
            if file.is_documentation_page():
                Page(None, file, config)
        gone = {id(file) for file in edit.removed}
        files = sorted([*(file for file in self.files if id(file) not in gone), *edit.added],
                       key=partial(_listing_order, config))
        self.files = Files(files)
        self.positions.clear()
        self.positions.update(page_positions(self.files.documentation_pages()))


def _listing_order(config: MkDocsConfig, file: File) -> tuple[int, tuple[tuple[object, ...], ...]]:
    """Where ``get_files`` lists a file: docs/ walked top down, folders sorted, a folder's
    files (index pages first) before its subfolders; the theme's files after (in their
    order: the sort is stable)."""
    if file.abs_src_path is None or not file.abs_src_path.startswith(config.docs_dir + os.sep):
        return 1, ()
    *folders, name = file.src_uri.split("/")
    return 0, (*((1, folder) for folder in folders), (0, *_file_sort_key(name)))


@contextmanager
def as_a_build(config: MkDocsConfig) -> Iterator[None]:
    """A build's handling of what goes wrong, around work done outside MkDocs' ``build``:
    a warning fails a strict build, and the plugins hear of an error (so the next build
    renders every page)."""
    warnings = CountHandler()
    warnings.setLevel(logging.WARNING)
    mkdocs_log = logging.getLogger("mkdocs")
    if config.strict:
        mkdocs_log.addHandler(warnings)
    try:
        yield
        if counts := warnings.get_counts():
            found = ", ".join(f"{count} {level.lower()}s" for level, count in counts)
            raise Abort(f"Aborted with {found} in strict mode!")
    except Exception as error:
        config.plugins.on_build_error(error=error)
        if isinstance(error, BuildError):
            log.error(str(error))
            raise Abort("Aborted with a BuildError!") from None
        raise
    finally:
        mkdocs_log.removeHandler(warnings)
