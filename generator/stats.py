"""The statistics page: how many papers, when, in which topics, with code, from whom.

Counting lives here and drawing in ``charts.py``, so the numbers can be tested without
reading SVG. Charts are embedded as raw HTML blocks, which Python-Markdown (and any
CommonMark builder) passes through untouched when they stand alone between blank lines.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache, partial

from .charts import NARROW, WIDTH, Bar, Series, bar_chart, line_or_column_chart, topic_map
from .model import PaperEntry, Site, TopicEntry
from .outputs import STATS as STATS_PAGE
from .records import CurationSettings, Paper
from .templating import environment, front_matter
from .text import plain_text

TOP_TOPICS = 5  # small multiples: more panels stop fitting on one screen
CODE_TOPICS = 10
TOP_ORGANISATIONS = 10
# A bar chart says something from three bars on, one of them longer than one paper: three
# organisations with a paper each is a sentence, not a chart.
FEWEST_BARS, LONGEST_BAR_AT_LEAST = 3, 2


def render_stats(site: Site) -> dict[str, str]:
    """The statistics page, keyed by its path relative to docs/ (served at ``stats/``)."""
    return {STATS_PAGE: _page(tuple(map(_counted, site.papers.values())),
                              tuple(site.topics.values()))}


@lru_cache(maxsize=65_536)
def _counted(entry: PaperEntry) -> PaperEntry:
    """A paper with only what the page counts: its id, date, organisation, code links and
    topics. Kept from build to build, so an edit of anything else (a title, a note) finds
    the page in ``_page``'s memo instead of counting 10,000 papers again."""
    paper = entry.paper
    return PaperEntry(Paper(paper.id, "", "", "", published=paper.published,
                            organization=paper.organization),
                      entry.topics, tuple(link for link in entry.links if link.kind == "code"), ())


@lru_cache(maxsize=4)
def _page(entries: tuple[PaperEntry, ...], topics: tuple[TopicEntry, ...]) -> str:
    site = Site(papers={entry.id: entry for entry in entries},
                topics={entry.id: entry for entry in topics}, listings={}, redirects={},
                settings=CurationSettings(), citation_keys={})
    meta = front_matter(title="Statistics",
                        description="Papers per month, per topic and with code, the organisations "
                                    "behind them, and a map of how topics overlap.")
    with_code, total = code_share(site.papers.values())
    organisations = sum(1 for e in site.papers.values() if e.paper.organization)
    return environment().get_template("stats.md.j2").render(
        meta=meta, site=site, months=month_span(site), with_code=with_code,
        code_percent=_percent(with_code, total), organisations=organisations,
        top_count=len(top_topics(site, TOP_TOPICS)),
        charts=_charts(site))


def _charts(site: Site) -> dict[str, tuple[str, str] | None]:
    """Each chart's SVG, wide and narrow (for phones), or None where there is nothing to
    draw yet."""
    months = month_span(site)
    drawings: dict[str, Callable[[int], str] | None] = {
        "months": partial(_months_chart, site, months) if months else None,
        "topic_months": (partial(_topic_months_chart, site, months)
                         if months and site.topics else None),
        "topics": partial(_topics_chart, site) if site.topics else None,
        "code": partial(_code_chart, site) if site.papers else None,
        "organisations": (partial(_organisations_chart, site)
                          if worth_a_chart(top_organisations(site, TOP_ORGANISATIONS)) else None),
        "map": partial(topic_map, site) if site.topics else None,
    }
    return {name: draw and (draw(WIDTH), draw(NARROW)) for name, draw in drawings.items()}


def month_span(site: Site) -> list[str]:
    """Every month ("2024-05") from the earliest dated paper to the latest, empty ones too:
    a gap in publishing should show as a gap, not vanish from the axis."""
    dates = [e.paper.published for e in site.papers.values() if e.paper.published]
    if not dates:
        return []
    first, last = min(dates), max(dates)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [f"{first.year + (first.month - 1 + i) // 12}-{(first.month - 1 + i) % 12 + 1:02d}"
            for i in range(count)]


def papers_per_month(site: Site, months: list[str],
                     paper_ids: Iterable[str] | None = None) -> tuple[int, ...]:
    """How many of the papers (all by default) were published in each month; undated ones
    are left out."""
    entries = site.papers.values() if paper_ids is None else [site.papers[p] for p in paper_ids]
    counts = Counter(e.paper.published.strftime("%Y-%m") for e in entries if e.paper.published)
    return tuple(counts[month] for month in months)


def top_topics(site: Site, count: int) -> list[str]:
    """The topics with the most papers; ties keep the curated order."""
    return sorted(site.topics, key=lambda tid: -len(site.topics[tid].papers))[:count]


def code_share(entries: Iterable[PaperEntry]) -> tuple[int, int]:
    """(papers linking to their code, papers): code is what readers most often look for."""
    flags = [any(link.kind == "code" for link in entry.links) for entry in entries]
    return sum(flags), len(flags)


def top_organisations(site: Site, count: int) -> list[tuple[str, int]]:
    """Organisations by number of papers, then by name, so ties always list the same way."""
    names = Counter(plain_text(e.paper.organization.name) for e in site.papers.values()
                    if e.paper.organization)
    return sorted(names.items(), key=lambda item: (-item[1], item[0]))[:count]


def worth_a_chart(counts: list[tuple[str, int]]) -> bool:
    """Whether counts are enough for a bar chart (see FEWEST_BARS) rather than a sentence."""
    return (len(counts) >= FEWEST_BARS
            and max(count for _, count in counts) >= LONGEST_BAR_AT_LEAST)


def year_labels(months: list[str], most: int = 12) -> dict[int, str]:
    """Axis labels that never crowd: under two years, every few months ("2024-05"); beyond,
    each year at its January, thinned to about ``most``, plus the first month's year when its
    January is off the axis and the next one is far enough away."""
    if len(months) < 24:
        every = math.ceil(len(months) / (most // 2))
        return {i: month for i, month in enumerate(months) if i % every == 0}
    every = math.ceil(len(months) / 12 / most)
    labels = {i: m[:4] for i, m in enumerate(months)
              if m.endswith("-01") and int(m[:4]) % every == 0}
    first_january = next(i for i, m in enumerate(months) if m.endswith("-01"))
    if first_january >= max(3, len(months) / 15) * every:
        labels[0] = months[0][:4]
    return dict(sorted(labels.items()))


def _months_chart(site: Site, months: list[str], width: int) -> str:
    counts = papers_per_month(site, months)
    busiest = max(range(len(months)), key=lambda i: (counts[i], -i))
    undated = len(site.papers) - sum(counts)
    description = (f"One column per month from {months[0]} to {months[-1]}: {sum(counts)} dated "
                   f"papers, the most in {months[busiest]} ({counts[busiest]})."
                   + (f" {undated} undated papers are not counted." if undated else ""))
    return line_or_column_chart("pw-months", "Papers per month", description, months,
                                [Series("All papers", counts)], _axis_labels(months, width), width=width)


def _topic_months_chart(site: Site, months: list[str], width: int) -> str:
    series = [Series(plain_text(site.topics[tid].topic.name),
                     papers_per_month(site, months, site.topics[tid].papers))
              for tid in top_topics(site, TOP_TOPICS)]
    summary = "; ".join(f"{s.name}: {sum(s.values)} dated papers" for s in series)
    description = f"One panel per topic, all on the same scale, months {months[0]} to " \
                  f"{months[-1]}. {summary}."
    return line_or_column_chart("pw-topic-months", "Papers per month in the largest topics",
                                description, months, series, _axis_labels(months, width), width=width)


def _axis_labels(months: list[str], width: int) -> dict[int, str]:
    """Half as many labels under a narrow chart: its axis is half as long."""
    return year_labels(months, 12 * width // WIDTH)


def _topics_chart(site: Site, width: int) -> str:
    bars = [Bar(plain_text(site.topics[tid].topic.name), len(site.topics[tid].papers),
                str(len(site.topics[tid].papers))) for tid in top_topics(site, len(site.topics))]
    return bar_chart("pw-topics", "Papers per topic", _listed(bars), bars, width=width)


def _code_chart(site: Site, width: int) -> str:
    rows = [("All papers", site.papers.values())]
    rows += [(plain_text(site.topics[tid].topic.name),
              [site.papers[p] for p in site.topics[tid].papers])
             for tid in top_topics(site, CODE_TOPICS)]
    bars = []
    for label, entries in rows:
        with_code, total = code_share(entries)
        bars.append(Bar(label, with_code / total if total else 0.0,
                        f"{_percent(with_code, total)}% · {with_code} of {total}"))
    return bar_chart("pw-code", "Share of papers with code", _listed(bars), bars, maximum=1.0,
                     width=width)


def _organisations_chart(site: Site, width: int) -> str:
    bars = [Bar(name, count, str(count))
            for name, count in top_organisations(site, TOP_ORGANISATIONS)]
    return bar_chart("pw-organisations", "Organisations with the most papers", _listed(bars), bars,
                     width=width)


def _listed(bars: list[Bar]) -> str:
    """The chart's data as a sentence: what a screen reader says instead of the picture."""
    return "; ".join(f"{bar.label}: {bar.text}" for bar in bars) + "."


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0
