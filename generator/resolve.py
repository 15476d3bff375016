"""Give curated papers their identity from the Hugging Face Papers API: ``resolve`` finds the
arXiv id of papers by their exact title, ``add`` writes new papers from their ids.

Both only ever replace the tool-owned ``hf:`` block (and fill a missing publication day), never
a curator's field, and write each paper atomically the moment it is known, after checking the
new text against the schema. An interrupted run (Ctrl-C, a lost network) therefore keeps every
paper written so far, and a rerun carries on where it stopped: resolved papers are skipped
unless ``refresh`` asks for new counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .arxiv import paper_ref, title_match_key, unversioned
from .errors import ContentError, Problem
from .hfapi import HubClient, HubPaper
from .importer import paper_id_for
from .records import Paper, schema_problems
from .atomic import write_atomically
from .editing import new_paper_text, updated_paper_text
from .store import ContentPaths, load_curation_settings, load_papers
from .yamlfile import parse_yaml


@dataclass(frozen=True)
class Outcome:
    """What happened to one paper; ``note`` is the line shown for it (None: nothing to say)."""

    paper_id: str
    status: str  # resolved, refreshed, unchanged, skipped, unresolved, added, exists
    note: str | None = None


def resolve_papers(paths: ContentPaths, client: HubClient, names: Iterable[str] = (),
                   refresh: bool = False,
                   progress: Callable[[Outcome, int, int], None] = lambda *_: None,
                   ) -> list[Outcome]:
    """Resolve the named papers (ids or file paths), or all of them; ``progress`` hears of
    each paper as it is done (outcome, number done, total)."""
    every = _all_papers(paths)
    papers = _chosen(every, list(names), paths)
    owners = {unversioned(p.arxiv): p for p in every if p.arxiv}
    outcomes = []
    for done, paper in enumerate(papers, 1):
        outcome = _resolve_one(paths, client, paper, refresh, owners)
        outcomes.append(outcome)
        progress(outcome, done, len(papers))
    return outcomes


def _all_papers(paths: ContentPaths) -> list[Paper]:
    """Every paper file, or ContentError: a file that does not validate is not edited."""
    problems: list[Problem] = []
    papers = load_papers(paths, problems)
    if problems:
        raise ContentError([*problems, Problem("content/papers", None, "nothing was resolved",
                                               "fix the files above, then run it again")])
    return papers


def _chosen(papers: list[Paper], names: list[str], paths: ContentPaths) -> list[Paper]:
    if not names:
        return papers
    by_id = {paper.id: paper for paper in papers}
    wanted = [Path(name).stem if name.endswith(".yaml") else name for name in names]
    missing = [name for name in wanted if name not in by_id]
    if missing:
        raise ContentError([Problem(paths.label(paths.paper_file(name)), None, "no such paper",
                                    "name papers by id (the file name without .yaml)")
                            for name in missing])
    return [by_id[name] for name in dict.fromkeys(wanted)]


def _resolve_one(paths: ContentPaths, client: HubClient, paper: Paper, refresh: bool,
                 owners: dict[str, Paper]) -> Outcome:
    label = paper.source
    if paper.resolved and unversioned(paper.arxiv or "") == paper.resolved and not refresh:
        return Outcome(paper.id, "skipped")
    if paper.arxiv:
        found = client.paper(paper.arxiv)
        if found is None:
            return Outcome(paper.id, "unresolved",
                           f"{label}: Hugging Face knows no paper {paper.arxiv} — check `arxiv:` "
                           "against the paper's arxiv.org address")
    else:
        found, problem = _by_title(client, paper)
        if found is None:
            return Outcome(paper.id, "unresolved", f"{label}: {problem}")
    owner = owners.get(unversioned(found.arxiv))
    if owner is not None and paper.id not in (owner.id, owner.same_as) \
            and owner.id != paper.same_as:  # a second file of one paper: the curator decides
        return Outcome(paper.id, "unresolved",
                       f"{label}: Hugging Face's paper {found.arxiv} is already "
                       f"{owner.source} — if both files are that paper, add "
                       f"`same_as: {owner.id}` here; otherwise add the right `arxiv:` by hand")
    owners[unversioned(found.arxiv)] = paper
    changed = _write_identity(paths, paper, found)
    status = "refreshed" if paper.resolved else "resolved"
    return Outcome(paper.id, status if changed else "unchanged", _dropped_note(label, found))


def _by_title(client: HubClient, paper: Paper) -> tuple[HubPaper | None, str]:
    """The one paper whose normalised title is this one's, then its full record."""
    key = title_match_key(paper.title)
    matches = {unversioned(hit.arxiv): hit for hit in client.search(paper.title)
               if title_match_key(hit.title) == key}
    if not matches:
        return None, ("no paper on Hugging Face has exactly this title — add `arxiv: <id>` by "
                      "hand (from the paper's arxiv.org address), then run resolve again")
    if len(matches) > 1:
        return None, (f"{len(matches)} papers on Hugging Face have this title "
                      f"({', '.join(sorted(matches))}) — add the right one as `arxiv: <id>` by "
                      "hand, then run resolve again")
    (arxiv_id,) = matches
    found = client.paper(arxiv_id)
    if found is None:
        return None, f"Hugging Face lists {arxiv_id} but has no record of it — try again later"
    return found, ""


def _dropped_note(label: str, found: HubPaper) -> str | None:
    if not found.dropped:
        return None
    return f"{label}: left out of hf: what failed the checks: {'; '.join(found.dropped)}"


def _write_identity(paths: ContentPaths, paper: Paper, found: HubPaper) -> bool:
    """Replace the file's ``hf:`` block (and fill a missing day) in its current text, check
    the result, and write it atomically. Returns whether the file changed."""
    path = paths.paper_file(paper.id)
    changes: dict[str, Any] = {"hf": found.hf_block()}
    if paper.published is None and found.published is not None:
        changes["published"] = found.published
    text = updated_paper_text(path.read_text("utf-8"), changes)
    _check_before_writing(text, paper.source)
    return write_atomically(path, text)


def _check_before_writing(text: str, label: str) -> None:
    """The text a tool is about to write must be a valid paper file; it is never written
    otherwise (the checks in hfapi.py should make this impossible)."""
    data = parse_yaml(text, label)
    problems = schema_problems("paper", data, label)
    if problems:
        raise ContentError([*problems, Problem(label, None, "the paper was not written",
                                               "report this: the Hub's answer passed our checks")])


def add_papers(paths: ContentPaths, client: HubClient, references: Iterable[str],
               topic: str | None = None,
               progress: Callable[[Outcome, int, int], None] = lambda *_: None,
               ) -> list[Outcome]:
    """Write a new paper file for each arXiv id or paper address, filled from the Hub.

    A paper already in the wiki (same arXiv id) is left alone and named."""
    references = list(references)
    settings = load_curation_settings(paths)
    ids = _arxiv_ids(references, settings.mirror_hosts)
    papers = _all_papers(paths)
    _check_topic(paths, topic)
    known = {unversioned(p.arxiv): p for p in papers if p.arxiv}
    taken = {p.id for p in papers} | {alias for p in papers for alias in p.aliases}
    outcomes = []
    for done, arxiv_id in enumerate(ids, 1):
        outcome = _add_one(paths, client, arxiv_id, topic, known, taken)
        outcomes.append(outcome)
        progress(outcome, done, len(ids))
    return outcomes


def _arxiv_ids(references: list[str], mirror_hosts: tuple[str, ...]) -> list[str]:
    ids, problems = [], []
    for reference in references:
        arxiv_id = paper_ref(reference, mirror_hosts)
        if arxiv_id is None:
            problems.append(Problem(reference, None, "not an arXiv id or paper address",
                                    "give an id like 2410.08565 or hep-th/9901001, or an "
                                    "arxiv.org/abs/… or huggingface.co/papers/… address"))
        else:
            ids.append(arxiv_id)
    if problems:
        raise ContentError(problems)
    return list(dict.fromkeys(ids))


def _check_topic(paths: ContentPaths, topic: str | None) -> None:
    if topic is None:
        return
    data = parse_yaml(paths.topics_file.read_text("utf-8"), paths.label(paths.topics_file))
    ids = {item.get("id") for item in data.get("topics", ()) if isinstance(item, dict)}
    if topic not in ids:
        raise ContentError(Problem(paths.label(paths.topics_file), None,
                                   f"no topic {topic!r}", "use the id of a topic in this file"))


def _add_one(paths: ContentPaths, client: HubClient, arxiv_id: str, topic: str | None,
             known: dict[str, Paper], taken: set[str]) -> Outcome:
    existing = known.get(unversioned(arxiv_id))
    if existing is not None:
        return Outcome(existing.id, "exists",
                       f"{existing.source}: already in the wiki as {arxiv_id}; left as it is "
                       "(`paperwiki resolve --refresh` updates its counts)")
    found = client.paper(arxiv_id)
    if found is None:
        return Outcome(arxiv_id, "unresolved", f"{arxiv_id}: Hugging Face knows no such paper "
                       "— check the id on arxiv.org")
    if not found.abstract:
        return Outcome(arxiv_id, "unresolved", f"{arxiv_id}: Hugging Face has no abstract for "
                       "it — write the paper's file by hand (see the curation guide)")
    paper_id = _free_id(paper_id_for(found.title), taken)
    fields: dict[str, Any] = {"title": found.title, "abstract": found.abstract}
    if found.published:
        fields["published"] = found.published
    if topic:
        fields["add_topics"] = [topic]
    fields["hf"] = found.hf_block()
    path = paths.paper_file(paper_id)
    text = new_paper_text(fields)
    _check_before_writing(text, paths.label(path))
    write_atomically(path, text)
    taken.add(paper_id)
    known[unversioned(arxiv_id)] = _placeholder(paper_id, found)
    return Outcome(paper_id, "added", _dropped_note(paths.label(path), found))


def _free_id(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _placeholder(paper_id: str, found: HubPaper) -> Paper:
    """Enough of a just-added paper to recognise it when the same id is named twice."""
    return Paper(id=paper_id, title=found.title, abstract=found.abstract or "", source=paper_id,
                 arxiv=found.arxiv)
