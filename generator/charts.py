"""Charts as small static SVG strings, drawn at build time: no JavaScript, no CDN, no library.

The SVG is inlined in the page, so it inherits the theme's colours: text and lines use
``currentColor`` (the page's text colour) and marks use Material's link colour, which the theme
keeps readable on both the light and the dark background. Every label is XML-escaped here, at
the point of output, because topic names and organisations are curated or scraped text.

Output is deterministic: coordinates are rounded to one decimal and only ``sqrt`` is used for
layout (it is exactly rounded everywhere, unlike sin and cos), so the same data gives the same
bytes on every machine. An SVG never contains a blank line, so Markdown keeps it as one block.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from .model import Site
from .text import plain_text

WIDTH = 720
NARROW = 360  # each chart is drawn again this wide for phones, where 720 units made 6 px text
FONT_SIZE = 12
CHAR_WIDTH = 0.58 * FONT_SIZE  # an average glyph of the theme's sans-serif fonts
MARK = "fill:var(--md-typeset-a-color,#4051b5)"  # the link colour: legible in light and dark
MAP_CENTRE = (WIDTH / 2, 260)
GRID = "stroke:var(--md-default-fg-color--lighter,#00000052)"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length, and the text written after it (e.g. "34% · 12 of 35")."""

    label: str
    value: float
    text: str


@dataclass(frozen=True)
class Series:
    """Values along the shared x axis of a line or column chart."""

    name: str
    values: tuple[int, ...]


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar],
              maximum: float | None = None, width: int = WIDTH) -> str:
    """Horizontal bars, label on the left and value on the right, one row per bar.

    ``maximum`` fixes the full length (1.0 for shares) so charts of the same kind compare."""
    row, label_width = 22, _text_width([bar.label for bar in bars], width * 9 // 20)
    value_width = _text_width([bar.text for bar in bars], width // 4)
    start = label_width + 8
    room = width - start - value_width - 8
    top = max([maximum or 0.0] + [bar.value for bar in bars]) or 1.0
    labels: list[str] = []
    rects: list[str] = []
    values: list[str] = []
    for index, bar in enumerate(bars):
        y = index * row
        length = room * max(bar.value, 0.0) / top
        labels.append(_text(label_width, y + 15, bar.label, "end", label_width))
        rects.append(f'<rect x="{_n(start)}" y="{_n(y + 4)}" width="{_n(length)}" height="14"/>')
        values.append(_text(start + length + 6, y + 15, bar.text))
    height = max(len(bars), 1) * row
    axis = f'<line x1="{_n(start)}" y1="0" x2="{_n(start)}" y2="{height}" style="{GRID}"/>'
    body = [f'<g style="{MARK}">', *rects, "</g>", '<g fill="currentColor">', *labels, *values,
            "</g>", axis]
    return _svg(chart_id, title, description, height, body, width=width)


def line_or_column_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
                         series: Sequence[Series], axis_labels: Mapping[int, str] | None = None,
                         kind: Literal["column", "line"] = "column", width: int = WIDTH) -> str:
    """Counts along an axis (papers per month): one panel per series, stacked, on one scale.

    Several series become small multiples rather than overlapping lines: sparse monthly
    counts drawn on top of each other are unreadable, side by side they compare at a glance.
    ``axis_labels`` maps positions to the text under the axis (a year at each January)."""
    plot = _Plot(left=36, width=width - 44, count=len(labels),
                 ceiling=_ticks(max((max(s.values, default=0) for s in series), default=0))[-1],
                 panel=150 if len(series) == 1 else 64, titled=len(series) > 1)
    body = ['<g fill="currentColor">']
    for index, one in enumerate(series):
        body += _panel(plot, index, one, labels, kind)
    ends = {0: labels[0], len(labels) - 1: labels[-1]} if labels else {}
    body += _axis(plot, len(series), ends if axis_labels is None else axis_labels)
    body.append("</g>")
    return _svg(chart_id, title, description, plot.bottom(len(series)) + 22, body, width=width)


@dataclass(frozen=True)
class _Plot:
    """Geometry shared by every panel of a line or column chart."""

    left: int
    width: int
    count: int
    ceiling: int
    panel: int
    titled: bool

    @property
    def step(self) -> float:
        return self.width / max(self.count, 1)

    def offset(self, index: int) -> int:
        """Where panel ``index`` starts; the panel title, if any, sits above the plot."""
        title = 18 if self.titled else 0
        return 10 + index * (title + self.panel + 24) + title

    def bottom(self, panels: int) -> int:
        """The x axis, under the last panel."""
        return self.offset(panels - 1) + self.panel

    def y(self, index: int, value: float) -> float:
        return self.offset(index) + self.panel * (1 - value / self.ceiling)


def _panel(plot: _Plot, index: int, series: Series, labels: Sequence[str],
           kind: str) -> list[str]:
    """One panel: its name (for small multiples), gridlines, then the line or the columns."""
    out: list[str] = []
    if plot.titled:
        out.append(_text(plot.left, plot.offset(index) - 6, series.name, weight="bold"))
    ticks = _ticks(plot.ceiling)
    shown = ticks if not plot.titled else [0, ticks[-1]]  # small panels: zero and the top only
    out.append(f'<g style="{GRID}">')
    for tick in shown:
        y = _n(plot.y(index, tick))
        out.append(f'<line x1="{plot.left}" y1="{y}" x2="{plot.left + plot.width}" y2="{y}"/>')
    out.append("</g>")
    out += [_text(plot.left - 6, plot.y(index, tick) + 4, str(tick), "end") for tick in shown]
    return out + (_line(plot, index, series) if kind == "line" else
                  _columns(plot, index, series, labels))


def _line(plot: _Plot, index: int, series: Series) -> list[str]:
    points = " ".join(f"{_n(plot.left + (i + 0.5) * plot.step)},{_n(plot.y(index, v))}"
                      for i, v in enumerate(series.values))
    return [f'<polyline points="{points}" fill="none" stroke-width="2" '
            f'style="stroke:var(--md-typeset-a-color,#4051b5)"/>']


def _columns(plot: _Plot, index: int, series: Series, labels: Sequence[str]) -> list[str]:
    """A column per non-zero value, its label and value as a tooltip for mouse readers."""
    out = [f'<g style="{MARK}">']
    for i, value in enumerate(series.values):
        if value:
            x, y = plot.left + i * plot.step + 0.5, plot.y(index, value)
            out.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(plot.step - 1, 0.6))}" '
                       f'height="{_n(plot.y(index, 0) - y)}">'
                       f"<title>{_escape(f'{labels[i]}: {value}')}</title></rect>")
    out.append("</g>")
    return out


def _axis(plot: _Plot, panels: int, axis_labels: Mapping[int, str]) -> list[str]:
    """Tick marks and labels under the last panel."""
    y = plot.bottom(panels)
    out: list[str] = []
    for position, label in sorted(axis_labels.items()):
        x = plot.left + position * plot.step
        out.append(f'<line x1="{_n(x)}" y1="{y}" x2="{_n(x)}" y2="{y + 4}" stroke="currentColor"/>')
        anchor = "start" if position == 0 else "end" if position == plot.count - 1 else "middle"
        out.append(_text(x, y + 16, label, anchor))
    return out


def _ticks(maximum: int) -> list[int]:
    """Round gridline values from 0 up to at least ``maximum``: at most five, in steps of
    1, 2, 5, 10, 20…"""
    step = next(s for s in _round_steps() if math.ceil(maximum / s) <= 4)
    return list(range(0, max(math.ceil(maximum / step), 1) * step + 1, step))


def _round_steps() -> Iterator[int]:
    scale = 1
    while True:
        yield from (scale, 2 * scale, 5 * scale)
        scale *= 10


def topic_map(site: Site, width: int = WIDTH) -> str:
    """Topics as circles sized by their papers, joined by lines as thick as their shared papers.

    Nodes sit in curated order round an ellipse, evenly spaced in height so that horizontal
    labels never collide; related topics, listed together by curators, end up side by side.
    Each node links to its topic page, relative to the statistics page at ``stats/``."""
    ids = list(site.topics)
    centre = (width / 2, MAP_CENTRE[1])
    positions = _ellipse_positions(len(ids), centre, radii=(190 * width / WIDTH, 236))
    biggest = max((len(entry.papers) for entry in site.topics.values()), default=0) or 1
    # Area, not radius, grows with the papers: a topic twice as big looks twice as big.
    sizes = {tid: 4 + 12 * math.sqrt(len(site.topics[tid].papers) / biggest) for tid in ids}
    body = _edges(site, dict(zip(ids, positions)), centre)
    body.append('<g fill="currentColor">')
    label = 22 * width // WIDTH  # characters a label's line holds beside its node
    for tid, (x, y) in zip(ids, positions):
        body.append(_node(site, tid, x, y, sizes[tid], right=x >= width / 2, label=label))
    body.append("</g>")
    return _svg("pw-topic-map", "Topic map", _map_description(site), 2 * MAP_CENTRE[1], body,
                role="group", width=width)


def shared_papers(site: Site) -> Counter[tuple[str, str]]:
    """Papers in common for each pair of topics, the pair in curated order."""
    order = {tid: index for index, tid in enumerate(site.topics)}
    shared: Counter[tuple[str, str]] = Counter()
    for entry in site.papers.values():
        topics = sorted((t for t in set(entry.topics) if t in order), key=order.__getitem__)
        for i, a in enumerate(topics):
            for b in topics[i + 1:]:
                shared[a, b] += 1
    return shared


def _ellipse_positions(count: int, centre: tuple[float, float],
                       radii: tuple[float, float]) -> list[tuple[float, float]]:
    """Clockwise from the top: down the right side, then up the left side."""
    (cx, cy), (rx, ry) = centre, radii
    right = math.ceil(count / 2)
    positions: list[tuple[float, float]] = []
    for index in range(count):
        side, k, n = (1, index, right) if index < right else (-1, count - 1 - index, count - right)
        y = cy - ry + (k + 0.5) * 2 * ry / n
        x = cx + side * rx * math.sqrt(max(0.0, 1 - ((y - cy) / ry) ** 2))
        positions.append((round(x, 1), round(y, 1)))
    return positions


def _edges(site: Site, at: dict[str, tuple[float, float]],
           centre: tuple[float, float]) -> list[str]:
    """Curves bowed towards the centre, weakest first so the strongest are drawn on top."""
    shared = shared_papers(site)
    strongest = max(shared.values(), default=1)
    order = {tid: index for index, tid in enumerate(site.topics)}
    out = ['<g fill="none" stroke="currentColor">']
    weakest_first = sorted(shared.items(), key=lambda i: (i[1], order[i[0][0]], order[i[0][1]]))
    for (a, b), count in weakest_first:
        (x1, y1), (x2, y2) = at[a], at[b]
        qx, qy = (x1 + x2) / 4 + centre[0] / 2, (y1 + y2) / 4 + centre[1] / 2
        weight = count / strongest
        out.append(f'<path d="M{_n(x1)} {_n(y1)}Q{_n(qx)} {_n(qy)} {_n(x2)} {_n(y2)}" '
                   f'stroke-width="{_n(0.8 + 5 * weight)}" '
                   f'stroke-opacity="{_n(0.15 + 0.6 * weight, 2)}"/>')
    out.append("</g>")
    return out


def _node(site: Site, topic_id: str, x: float, y: float, radius: float, right: bool,
          label: int) -> str:
    """A linked circle with its name beside it, on the outer side, wrapped onto two lines."""
    name, count = _name(site, topic_id), len(site.topics[topic_id].papers)
    label_x = x + radius + 5 if right else x - radius - 5
    return (f'<a href="../topics/{_escape(quote(topic_id))}/">'
            f"<title>{_escape(f'{name}: {count} paper' + 's' * (count != 1))}</title>"
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}"/>'
            f'<text y="{_n(y)}" text-anchor="{"start" if right else "end"}">'
            f"{_spans(_wrap(name, label), label_x)}</text></a>")


def _spans(lines: list[str], x: float) -> str:
    """Lines of one label, the block centred on the node whatever the number of lines."""
    first = _n(0.35 - 0.6 * (len(lines) - 1), 2)
    return "".join(f'<tspan x="{_n(x)}" dy="{"1.2" if index else first}em">'
                   f"{_escape(line)}</tspan>" for index, line in enumerate(lines))


def _map_description(site: Site) -> str:
    """What the picture shows, and its strongest links, for readers who cannot see it."""
    strongest = sorted(shared_papers(site).items(), key=lambda item: -item[1])[:5]
    links = "; ".join(f"{_name(site, a)} and {_name(site, b)} ({n})" for (a, b), n in strongest)
    return (f"{len(site.topics)} topics as circles sized by their number of papers, each linking "
            "to its page; a line joins two topics that share papers, thicker the more they share."
            + (f" Most shared: {links}." if links else ""))


def _name(site: Site, topic_id: str) -> str:
    return plain_text(site.topics[topic_id].topic.name)


def _wrap(text: str, width: int, max_lines: int = 2) -> list[str]:
    """Break at spaces and after hyphens into at most ``max_lines`` lines; an overlong last
    line ends in "…". Hyphens matter: topic names are full of "domain-adaptive" words."""
    lines: list[str] = []
    for glue, piece in _pieces(text):
        if lines and len(lines[-1]) + len(glue) + len(piece) <= width:
            lines[-1] += glue + piece
        elif len(lines) < max_lines:
            lines.append(piece)
        else:  # no room for another line: the last one takes the rest, shortened below
            lines[-1] += glue + piece
    return [_shorten(line, width) for line in lines] or [""]


def _pieces(text: str) -> Iterator[tuple[str, str]]:
    """(what joins it to the previous piece, piece): words, split after their hyphens."""
    for number, word in enumerate(text.split()):
        for index, part in enumerate(re.findall(r"[^-]+-?|-", word)):
            yield (" " if number and not index else ""), part


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, description: str, height: float, body: list[str],
         role: str = "img", width: int = WIDTH) -> str:
    """The outer element: named and described for screen readers, and scaled to the width of
    the column by its viewBox, on a phone too (a minimum width cut charts off there). A
    narrower drawing is the phones' one (``pw-chart__narrow``; the stylesheet shows one of
    the two), its text as large on a phone as the wide one's on a desktop.

    Charts that hold links are a ``group``: ``img`` would hide their links from assistive
    technology while keyboards could still reach them."""
    narrow = width != WIDTH
    cid = _escape(chart_id + ("-narrow" if narrow else ""))
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" id="{cid}" viewBox="0 0 {width} '
            f'{_n(height)}" width="{width}" height="{_n(height)}" role="{role}" '
            + ('class="pw-chart__narrow" ' if narrow else "")
            + f'aria-labelledby="{cid}-title" aria-describedby="{cid}-desc" '
            f'font-size="{FONT_SIZE}" style="width:100%;height:auto">')
    lines = [head, f'<title id="{cid}-title">{_escape(title)}</title>',
             f'<desc id="{cid}-desc">{_escape(description)}</desc>', *body, "</svg>"]
    return "\n".join(lines)


def _text(x: float, y: float, text: str, anchor: str = "start", width: float | None = None,
          weight: str | None = None) -> str:
    """A label, shortened to ``width`` pixels if given, its full text kept as a tooltip."""
    shown = _shorten(text, int(width / CHAR_WIDTH)) if width else text
    tip = f"<title>{_escape(text)}</title>" if shown != text else ""
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{bold}>{tip}'
            f"{_escape(shown)}</text>")


def _text_width(texts: Sequence[str], limit: int) -> int:
    return min(limit, math.ceil(max((len(t) for t in texts), default=0) * CHAR_WIDTH))


def _escape(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=True)


def _n(value: float, digits: int = 1) -> str:
    """A coordinate with at most ``digits`` decimals and no trailing zeros, never "-0"."""
    text = f"{round(value, digits):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
