"""The commands that ask Hugging Face: ``resolve``, ``add`` and ``import --day/--week/--month``.

Each is a thin shell over ``resolve.py`` or ``daily.py``. Network trouble ends the command
with one line and exit code 5; Ctrl-C with exit code 130. Either way every paper already
written is complete (each is written atomically as soon as it is known) and a rerun carries
on. Papers that could not be resolved are named one per line with what to do, exit code 6.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .cli import (
    EXIT_INTERRUPTED, EXIT_NETWORK, EXIT_UNRESOLVED, _content_paths, _fail_with_problems,
    config_option, main, one_run_at_a_time,
)
from .errors import ContentError
from .store import ContentPaths

endpoint_option = click.option(
    "--endpoint", envvar="HF_ENDPOINT", show_envvar=True,
    help="The Hugging Face address (default: https://huggingface.co). HF_TOKEN, when set, "
         "raises the rate limit from 500 to 1,000 requests per 5 minutes.")


@contextmanager
def _hub_errors(done: Callable[[], str]) -> Iterator[None]:
    """One line and a documented exit code for whatever stops a run midway; ``done`` says
    what had been written by then."""
    from .hfapi import HubError

    try:
        yield
    except ContentError as error:
        _fail_with_problems(error)
    except HubError as error:
        click.secho(f"Stopped: {error}", fg="red", err=True)
        click.echo(f"{done()} Run the same command again to carry on.", err=True)
        sys.exit(EXIT_NETWORK)
    except KeyboardInterrupt:
        click.secho("Interrupted.", fg="red", err=True)
        click.echo(f"{done()} Run the same command again to carry on.", err=True)
        sys.exit(EXIT_INTERRUPTED)


class _Tally:
    """Counts outcomes as they come and prints the line each one has to say."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def __call__(self, outcome: object, done: int, total: int) -> None:
        status = getattr(outcome, "status")
        self.counts[status] = self.counts.get(status, 0) + 1
        note = getattr(outcome, "note")
        if note:
            click.echo(note, err=True)
        if done % 25 == 0 or done == total:
            click.echo(f"[{done}/{total}] " + self.summary(), err=True)

    def summary(self) -> str:
        return ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items())) or "nothing done"

    def written(self) -> str:
        written = sum(self.counts.get(s, 0) for s in ("resolved", "refreshed", "added"))
        return f"{written} paper file(s) written and complete."


def _client(endpoint: str | None):  # noqa: ANN202 - a HubClient, imported only when needed
    from .hfapi import HubClient

    return HubClient(endpoint=endpoint)


@main.command()
@click.argument("papers", nargs=-1)
@click.option("--refresh", is_flag=True,
              help="Ask again for papers already resolved (new upvote and star counts).")
@endpoint_option
@config_option
def resolve(papers: tuple[str, ...], refresh: bool, endpoint: str | None,
            config_file: Path) -> None:
    """Find each paper on Hugging Face and fill its arXiv id, authors and links.

    PAPERS are paper ids (file names in content/papers/ without .yaml); all papers when none
    are named. A paper is found by its arXiv id when it has one, else by its exact title
    (case, spacing, punctuation and LaTeX aside). A title that matches no paper, or several,
    is named with what to do, and nothing is written for it. Only the tool-owned `hf:` block
    of a file changes; resolved papers are skipped unless --refresh.

    \b
    Exit codes: 0 all resolved, 1 content problems, 5 network trouble, 6 some unresolved,
    130 interrupted. Every paper written is complete; run again to carry on.

    \b
    Examples:
      paperwiki resolve
      paperwiki resolve scaling-laws-for-downstream-task-performance-of-large-language-models
      paperwiki resolve --refresh
    """
    from .resolve import resolve_papers

    paths = _content_paths(config_file)
    tally = _Tally()
    with _hub_errors(tally.written), one_run_at_a_time(paths, "paperwiki resolve"):
        click.echo("Asking Hugging Face …", err=True)
        resolve_papers(paths, _client(endpoint), papers, refresh, progress=tally)
    _finish(tally)


@main.command()
@click.argument("references", nargs=-1, required=True)
@click.option("--topic", help="Give the new papers this topic (an id in content/topics.yaml).")
@endpoint_option
@config_option
def add(references: tuple[str, ...], topic: str | None, endpoint: str | None,
        config_file: Path) -> None:
    """Add papers by arXiv id or address, with their authors and links from Hugging Face.

    REFERENCES are arXiv ids (2410.08565, hep-th/9901001) or addresses of a paper on
    arxiv.org or huggingface.co/papers (or one of the mirror hosts in content/config.yaml).
    A paper already in the wiki is named and left as it is.

    \b
    Exit codes: 0 all added, 1 content problems, 5 network trouble, 6 some not found,
    130 interrupted.

    \b
    Examples:
      paperwiki add 2410.08565 https://arxiv.org/abs/1706.03762 --topic pretraining
      paperwiki add https://huggingface.co/papers/2502.01234
    """
    from .resolve import add_papers

    paths = _content_paths(config_file)
    tally = _Tally()
    with _hub_errors(tally.written), one_run_at_a_time(paths, "paperwiki add"):
        add_papers(paths, _client(endpoint), references, topic, progress=tally)
    _finish(tally)


def _finish(tally: _Tally) -> None:
    click.echo(tally.summary())
    if tally.counts.get("unresolved"):
        click.secho("Some papers were not resolved: see the lines above.", fg="yellow", err=True)
        sys.exit(EXIT_UNRESOLVED)


def import_period(config_file: Path, endpoint: str | None, day: str | None, week: str | None,
                  month: str | None) -> None:
    """``paperwiki import --day/--week/--month``: store the API's answer as the listing
    ``daily-<period>.json``, then import it like any listing."""
    from .daily import period
    from .importer import NewListing, import_listings

    try:
        chosen = period(day, week, month)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    paths = _content_paths(config_file)
    with _hub_errors(lambda: "No file was written."):
        click.echo(f"Asking Hugging Face for the {chosen.title} …", err=True)
        body, papers = _client(endpoint).daily(**{chosen.kind: chosen.value})
        _check_utf8(body)
        click.echo(f"{len(papers)} papers in the answer.", err=True)
    new_listing = None if (paths.listings / f"{chosen.listing_id}.yaml").exists() else \
        NewListing(chosen.title, chosen.last_day, "Imported from the Hugging Face Daily Papers API.")
    try:
        with one_run_at_a_time(paths, "paperwiki import"):
            report = _stored_and_imported(paths, chosen.listing_id, body, new_listing,
                                          import_listings)
    except ContentError as error:
        _fail_with_problems(error)
    click.echo(f"{report.records} records, {report.papers} papers: {len(report.created)} new, "
               f"{len(report.updated)} updated, {report.unchanged} unchanged")


def _stored_and_imported(paths: ContentPaths, listing_id: str, body: bytes, new_listing,  # noqa: ANN001
                         import_listings):  # noqa: ANN001, ANN202
    """Keep the response as the listing and import it; a first import that fails takes its
    new response file away again, so no listing is left without its YAML."""
    from .atomic import write_atomically

    response_file = paths.listings / f"{listing_id}.json"
    existed = response_file.exists()
    previous = response_file.read_bytes() if existed else None
    _write_bytes(response_file, body, write_atomically)
    try:
        return import_listings(paths, [listing_id], new_listing=new_listing,
                               progress=lambda message: click.echo(message, err=True))
    except BaseException:
        if previous is None:
            response_file.unlink(missing_ok=True)
        else:
            _write_bytes(response_file, previous, write_atomically)
        raise


def _check_utf8(body: bytes) -> None:
    from .hfapi import HubError

    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise HubError("the Daily Papers answer is not UTF-8 text — try again later") from None


def _write_bytes(path: Path, data: bytes, write_atomically) -> None:  # noqa: ANN001
    """The response exactly as received (it is UTF-8 JSON; the decode only checks that)."""
    write_atomically(path, data.decode("utf-8"))
