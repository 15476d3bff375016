"""The ``paperwiki`` command: import, resolve, add, check, generate, build, clean, serve —
each a thin shell over the library.

Exit codes scripts can rely on: 0 success, 1 content problems (each printed as
``path:line: what is wrong — how to fix it``), 2 usage errors, 3 the site build failed,
4 an environment problem: a file could not be read or written (a FIFO, device or link out of
the project in content/, a read-only folder, a full disk), printed the same way;
5 the Hugging Face API could not be reached or kept failing (every paper written before
that is complete; run the command again to carry on), 6 ``resolve`` or ``add`` left some
papers unresolved (each named with what to do), 130 interrupted (Ctrl-C; likewise nothing
is half-written).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
import yaml

from .errors import ContentError, environment_problem, is_environment
from .runlock import process_tag, project_lock, remove_staged_sites, remove_temporary_files
from .settings import Settings, load_settings
from .store import ContentPaths

if TYPE_CHECKING:
    from .model import Curated
    from .records import Content

EXIT_CONTENT, EXIT_BUILD, EXIT_ENVIRONMENT = 1, 3, 4
EXIT_NETWORK, EXIT_UNRESOLVED, EXIT_INTERRUPTED = 5, 6, 130


def _settings(config_file: Path) -> Settings:
    try:
        return load_settings(config_file)
    except (ValueError, yaml.YAMLError) as error:
        raise click.UsageError(f"{config_file}: {error}") from None


def _content_paths(config_file: Path) -> ContentPaths:
    return ContentPaths(_settings(config_file).content_dir)


def _fail_with_problems(error: ContentError) -> NoReturn:
    """Print every problem, one located line each, and exit: 4 if any is the environment's
    (content cannot be judged from files that cannot be read), else 1. A command stops on
    content problems before writing; a write that failed leaves every file whole."""
    for problem in error.problems:
        click.echo(str(problem), err=True)
    environment = is_environment(error)
    outcome = "no file is half-written" if environment else "nothing was written"
    click.secho(f"{len(error.problems)} problem(s) found; {outcome}.", fg="red", err=True)
    sys.exit(EXIT_ENVIRONMENT if environment else EXIT_CONTENT)


class _Commands(click.Group):
    """The command group; a file that cannot be read or written ends any command with one
    located line and exit 4, never a traceback (e.g. a full disk while MkDocs writes)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except OSError as error:
            if error.filename:
                problem = environment_problem(error, _label(error.filename), "read or write the file")
            else:  # an address in use, say: named by the command that needed it
                problem = environment_problem(error, f"paperwiki {ctx.invoked_subcommand}", "run")
            _fail_with_problems(problem)


def _label(filename: object) -> str:
    """How a message names a file an OSError names: relative to the working folder."""
    path = Path(os.fsdecode(filename)).absolute()  # type: ignore[arg-type]
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


verbose_option = click.option("--verbose", "-v", is_flag=True,
                              help="Also show MkDocs' progress messages.")


config_option = click.option(
    "--config-file", "-f", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default="mkdocs.yml", show_default=True, help="The site's mkdocs.yml; content/ is beside it.")


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="paperwiki")
def main() -> None:
    """PaperWiki: a curated wiki of research papers, built as a static site.

    \b
    Typical session:
      paperwiki resolve         # arXiv ids, authors and links from Hugging Face
      paperwiki import          # listings in content/listings/ -> content/papers/*.yaml
      paperwiki check           # validate every YAML file
      paperwiki serve           # preview at http://127.0.0.1:8000, live reload on edits
      paperwiki build           # the whole site into site/
    """


def run() -> NoReturn:
    """The ``paperwiki`` console command: ``main``, then exit without tearing down the
    interpreter. Teardown frees every object of the wiki one by one: 0.7 s after a
    10,000-paper build, for nothing. Exit handlers (registered with ``atexit``) still run."""
    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
    atexit._run_exitfuncs()  # noqa: SLF001 - what sys.exit would run, without the teardown
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


@main.command("import")
@click.argument("listings", nargs=-1)
@click.option("--title", help="Title of a new listing: writes the YAML beside its text.")
@click.option("--captured", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Day a new listing's page was saved (YYYY-MM-DD), with --title.")
@click.option("--description", help="One sentence on a new listing (optional, with --title).")
@click.option("--day", help="Import the Daily Papers of this day (YYYY-MM-DD) from Hugging Face.")
@click.option("--week", help="Import the Daily Papers of this ISO week (YYYY-Www).")
@click.option("--month", help="Import the Daily Papers of this month (YYYY-MM).")
@click.option("--endpoint", envvar="HF_ENDPOINT", show_envvar=True,
              help="The Hugging Face address, with --day/--week/--month.")
@config_option
def import_command(listings: tuple[str, ...], title: str | None, captured: datetime | None,
                   description: str | None, day: str | None, week: str | None,
                   month: str | None, endpoint: str | None, config_file: Path) -> None:
    """Parse listings into the curated paper YAML, never undoing an edit.

    LISTINGS are listing ids (file names in content/listings/ without .txt or .json); all
    listings are imported when none are named. Each listing needs a YAML beside it with its
    title and capture date; for a new listing, --title and --captured write it (only once the
    listing has parsed, like the paper files).

    With --day, --week or --month, the Daily Papers of that period are asked of Hugging Face
    and kept as the listing daily-<period>.json (so builds stay offline); the filters under
    `daily_import` in content/config.yaml choose which papers are imported. Exit code 5 when
    the API cannot be reached (nothing is written then).

    \b
    Examples:
      paperwiki import knowledge-distillation
      paperwiki import rl-agents --title "RL agents" --captured 2025-11-20
      paperwiki import --week 2026-W34
    """
    from .importer import import_listings

    if day or week or month:
        if listings or title or captured or description or sum(map(bool, (day, week, month))) > 1:
            raise click.UsageError("--day, --week and --month name one period, alone")
        from .cli_hub import import_period

        import_period(config_file, endpoint, day, week, month)
        return
    paths = _content_paths(config_file)
    new_listing = _new_listing(listings, title, captured, description)
    try:
        with one_run_at_a_time(paths, "paperwiki import"):
            report = import_listings(paths, listings, new_listing=new_listing,
                                     progress=lambda message: click.echo(message, err=True))
    except ContentError as error:
        _fail_with_problems(error)
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    click.echo(f"{report.records} records, {report.papers} papers: {len(report.created)} new, "
               f"{len(report.updated)} updated, {report.unchanged} unchanged")


def _new_listing(listings: tuple[str, ...], title: str | None, captured: datetime | None,
                 description: str | None) -> NewListing | None:
    """What --title and --captured say of a new listing, or a usage error (exit 2) if they
    are incomplete or do not name exactly one listing."""
    from .importer import NewListing

    if title is None and captured is None and description is None:
        return None
    if title is None or captured is None or not title.strip():
        raise click.UsageError("a new listing needs both --title and --captured")
    if len(listings) != 1:
        raise click.UsageError("--title and --captured describe one listing: name exactly one")
    return NewListing(title.strip(), captured.date(), description)


@main.command()
@config_option
@click.option("--strict", is_flag=True,
              help="Fail (exit 1) on warnings too: papers no topic rule matches, files that "
                   "are not read.")
def check(config_file: Path, strict: bool) -> None:
    """Validate all content; exit 1 and list every problem if anything is wrong.

    Warnings (a paper no topic rule matches, a paper saved as .yml) are printed but do not
    fail, unless --strict.

    \b
    Examples:
      paperwiki check && git commit -am "Curate topics"
      paperwiki check --strict     # in CI: every paper has a curated topic
    """
    started = time.perf_counter()
    content, curated = _check_or_exit(config_file)
    if strict and curated.warnings:
        _fail_with_problems(ContentError(list(curated.warnings)))
    for warning in curated.warnings:
        click.echo(str(warning), err=True)
    warned = f"; {len(curated.warnings)} warning(s) above" if curated.warnings else ""
    click.echo(f"OK: {len(curated.papers)} papers, {len(content.topics)} topics, "
               f"{len(content.listings)} listings checked in "
               f"{time.perf_counter() - started:.1f} s{warned}")


def _check_or_exit(config_file: Path) -> tuple[Content, Curated]:
    """Validate everything; on problems print them and exit 1. Returns what was checked."""
    from .model import curate
    from .store import load_content

    try:
        content = load_content(_content_paths(config_file), parallel=True)
        return content, curate(content)
    except ContentError as error:
        _fail_with_problems(error)


@main.command()
@config_option
def generate(config_file: Path) -> None:
    """Write the wiki's Markdown pages and data files into docs/, without building the site.

    Besides the pages, docs/.nav.yml holds the navigation in mkdocs.yml's `nav:` form, so
    any builder can make the site from docs/ alone, with or without the paperwiki plugin.
    Content is checked first: with any problem nothing is written (exit 1).

    \b
    Example:
      paperwiki generate && properdocs build --strict
    """
    from .generate import generate as generate_docs
    from .search import search_page

    settings = _settings(config_file)
    paths = ContentPaths(settings.content_dir)
    try:
        with one_run_at_a_time(paths, "paperwiki generate"):
            report = generate_docs(
                paths, settings.docs_dir, site_url=settings.site_url,
                site_name=settings.site_name, parallel=settings.jobs != 1,
                extra_files=search_page() if settings.search == "pagefind" else {},
                progress=lambda message: click.echo(message, err=True))
    except ContentError as error:
        _fail_with_problems(error)
    click.echo(f"Generated {report.pages} files in {settings.docs_dir} "
               f"({len(report.written)} changed, {len(report.removed)} removed)")


@main.command()
@config_option
@verbose_option
@click.option("--site-dir", "-d", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: site_dir of mkdocs.yml).")
@click.option("--no-cache", is_flag=True,
              help="Render every page, neither reading nor writing the page cache.")
def build(config_file: Path, verbose: bool, site_dir: Path | None, no_cache: bool) -> None:
    """Check the content, generate the pages and build the site (strict).

    Checking comes first: with any content problem nothing is generated (exit 1). The new
    site is built beside the old one and published only when complete, so a failed build
    leaves the previous site untouched. Large wikis render on every core (`jobs:` in the
    paperwiki plugin's options in mkdocs.yml; `jobs: 1` renders in one process).

    Pages whose inputs did not change since the last build are taken from the page cache in
    .cache/paperwiki/ beside mkdocs.yml (`cache: false` in the plugin's options, or
    --no-cache, renders them all); the site is the same byte for byte. Those still in the
    site as the last build left them stay in place.

    \b
    Examples:
      paperwiki build --site-dir /tmp/wiki
      paperwiki build --no-cache
    """
    from .mkdocs.build import prepare_logging

    prepare_logging(verbose)
    started = time.perf_counter()
    settings = _settings(config_file)
    _make_docs_dir(settings)
    target = (site_dir or settings.site_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with one_run_at_a_time(_content_paths(config_file), "paperwiki build", site=target):
        _build_into(config_file, target, cache=not no_cache)
    click.echo(f"Built {target} in {time.perf_counter() - started:.1f} s")


def _make_docs_dir(settings: Settings) -> None:
    """docs/ holds only what the generator writes, so a checkout without it builds too:
    MkDocs refuses a missing docs_dir before the generator could make it."""
    settings.docs_dir.mkdir(parents=True, exist_ok=True)


def _build_into(config_file: Path, target: Path, cache: bool = True) -> None:
    """Build into a staging folder beside ``target`` and publish it once complete; exit 1, 3
    or 4 (see the module's docstring) when the build fails, with ``target`` untouched."""
    from .mkdocs.build import BuildFailed, build_site
    from .mkdocs.livesite import publish
    from .mkdocs.pagecache import cache_dir

    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.{process_tag()}", dir=target.parent))
    click.echo(f"Building the site into {target} …", err=True)
    try:
        built = build_site(config_file, staging, cache=cache, replacing=target)
    except BuildFailed as failure:
        shutil.rmtree(staging, ignore_errors=True)
        problems = failure.problems
        click.secho("Build stopped: fix the problems above; nothing was changed." if problems
                    else f"Build failed: {failure}", fg="red", err=True)
        sys.exit(EXIT_BUILD if problems is None else
                 EXIT_ENVIRONMENT if is_environment(problems) else EXIT_CONTENT)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(staging, target, built, cache_dir(config_file.resolve()))


@contextmanager
def one_run_at_a_time(paths: ContentPaths, command: str, site: Path | None = None,
                      ) -> Iterator[None]:
    """Hold the project's lock (a second build or import waits, saying for whom), then remove
    what interrupted runs left: temporary files in content/ and sites staged beside ``site``."""
    with project_lock(paths.project, command, waiting=lambda message: click.echo(message,
                                                                                 err=True)):
        removed = remove_temporary_files(paths.papers, paths.listings)
        if site is not None:
            removed += remove_staged_sites(site)
        if removed:
            click.echo(f"Removed what interrupted runs left: "
                       f"{', '.join(paths.label(path) for path in removed)}", err=True)
        yield


@main.command()
@config_option
def clean(config_file: Path) -> None:
    """Remove what builds make: the page cache, the generated pages in docs/ and the site.

    The next build is then a cold one. Content, mkdocs.yml and overrides/ are not touched.
    Exit code 4 if something could not be removed.

    \b
    Example:
      paperwiki clean && paperwiki build
    """
    from .mkdocs.pagecache import cache_dir

    settings = _settings(config_file)
    paths = ContentPaths(settings.content_dir)
    with one_run_at_a_time(paths, "paperwiki clean", site=settings.site_dir):
        removed = [label for label, folder in (
            (CACHE_LABEL, cache_dir(config_file.resolve())),
            (f"{settings.docs_dir.name}/", settings.docs_dir),
            (f"{settings.site_dir.name}/", settings.site_dir)) if _remove_tree(folder)]
    click.echo(f"Removed {', '.join(removed)}" if removed else "Nothing to remove")


CACHE_LABEL = "the page cache"


def _remove_tree(folder: Path) -> bool:
    """Remove ``folder``, or only its contents when it is docs/, whose .gitignore keeps it in
    git. Returns whether anything was there."""
    from .docsdir import KEEP

    if not folder.is_dir():
        return False
    kept = [entry for entry in folder.iterdir() if entry.name in KEEP]
    if not kept:
        shutil.rmtree(folder)
        return True
    found = False
    for entry in folder.iterdir():
        if entry.name not in KEEP:
            found = True
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    return found


@main.command()
@config_option
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", show_default=True,
              help="IP address and port to serve on.")
@click.option("--full-rebuilds", is_flag=True,
              help="Render every page again on every change instead of only the pages the "
                   "change touched (minutes on a wiki of thousands of papers).")
def serve(config_file: Path, dev_addr: str, full_rebuilds: bool) -> None:
    """Preview the wiki locally; pages rebuild when a file under content/ changes.

    Only the pages an edit touches are rendered again, so a change shows in seconds even on a
    large wiki; a change to the navigation or to mkdocs.yml renders every page. While the
    content has problems, the last good site stays served, with the problems shown on every
    page as well as here.

    \b
    Example:
      paperwiki serve --dev-addr 127.0.0.1:8080
    """
    from .mkdocs.build import prepare_logging
    from .mkdocs.serving import serve as serve_site

    prepare_logging(verbose=True)  # "Serving on …" and rebuild notices are the point here
    _make_docs_dir(_settings(config_file))
    serve_site(str(config_file), dev_addr=dev_addr, dirty=not full_rebuilds)


from . import cli_hub  # noqa: E402,F401 - registers resolve and add on `main`

if __name__ == "__main__":
    main()
