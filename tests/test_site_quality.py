"""The built wiki's quality in a real browser: offline, accessible, usable on a phone.

Every page is served under the base path of ``site_url`` (``/paperwiki/`` for the shipped
wiki), the way GitHub Pages serves a project site: a missing address gets the site's
404.html with status 404. Nothing here fetches from the web; requests anywhere else than
the site are blocked and recorded.

Accessibility is checked with axe-core, vendored in tests/vendor/axe-core/ (see its
README). Every violation, of any impact, is printed per page and colour scheme, so the test
log doubles as a report; serious and critical ones fail the test.

README screenshots: ``PAPERWIKI_UPDATE_SCREENSHOTS=1 "$(make -s venv-dir)/bin/python" -m pytest
tests/test_site_quality.py -k screenshots`` rewrites .github/screenshots/*.png.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from tests.browser import serve_directory, watch_page
from tests.project import REPO
from tests.sitemap import base_path

pytestmark = pytest.mark.browser

BCODER = "b-coder-value-based-deep-reinforcement-learning-for-program-synthesis"

# One page of each kind, relative to the base URL. The paper has math in its title, so
# KaTeX and its fonts load too.
PAGES = {
    "home": "",
    "paper": f"papers/{BCODER}/",
    "topic": "topics/scaling-laws/",
    "listing": "listings/pretraining/",
    "papers-index": "papers/",
    "topics-index": "topics/",
    "curation-guide": "curation/",
    "stats": "stats/",
    "404": "404.html",
}
MISSING = "papers/no-such-paper/"  # served the 404 page, as GitHub Pages does

AXE_DIR = Path(__file__).parent / "vendor" / "axe-core"
AXE_SCRIPT = AXE_DIR / "axe.min.js"
AXE_VERSION = (AXE_DIR / "VERSION").read_text("utf-8").strip()
FAILING_IMPACTS = ("serious", "critical")

SCHEMES = {"light": "default", "dark": "slate"}  # emulated colour scheme -> Material palette
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ON_A_PHONE = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
SCREENSHOTS_ENV = "PAPERWIKI_UPDATE_SCREENSHOTS"
SCREENSHOTS_DIR = REPO / ".github" / "screenshots"
SCREENSHOT_MAX_BYTES = 300_000


@pytest.fixture(scope="module")
def base_url(shipped_project: Path, shipped_site: Path):
    base = base_path(shipped_project)
    assert base.startswith("/") and base.endswith("/"), base
    with serve_directory(shipped_site, base, not_found_page=shipped_site / "404.html") as url:
        yield url



# -- helpers --------------------------------------------------------------------------------

def settle(page, network: bool = False) -> None:
    """Wait for the page's fonts and client-side rendering; with ``network``, also until
    no request has been in flight for half a second (search index, late fetches)."""
    page.wait_for_load_state("networkidle" if network else "load")
    page.evaluate("document.fonts.ready.then(() => true)")
    if page.locator("#pw-facets").count():
        page.wait_for_selector("#pw-facets[data-ready]", timeout=10_000)


@pytest.fixture(scope="module")
def contexts(browser):
    """Browser contexts shared by the tests of this module, one per set of options."""
    made: dict[str, object] = {}

    def context(**options):
        key = repr(sorted(options.items()))
        if key not in made:
            made[key] = browser.new_context(**options)
        return made[key]

    yield context
    for context_ in made.values():
        context_.close()


def open_page(contexts, base_url: str, path: str, **context_options):
    """A new page showing ``path`` in a shared context; returns (page, problems)."""
    page = contexts(**context_options).new_page()
    problems = watch_page(page, origin=base_url)
    page.goto(base_url + path)
    settle(page)
    return page, problems


def scheme_of(page) -> str | None:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    assert page.evaluate("axe.version") == AXE_VERSION
    return page.evaluate("""() => axe.run(document, {resultTypes: ['violations']}).then(r =>
        r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.map(String), summary: n.failureSummary}))
        })))""")


def describe(violations: list[dict]) -> str:
    if not violations:
        return "no violations"
    return ", ".join(f"{v['id']} [{v['impact']}] x{len(v['nodes'])}" for v in violations)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", png[16:24])


# -- 1. offline and under any base path -----------------------------------------------------

@pytest.mark.parametrize("path", [*PAGES.values(), MISSING], ids=[*PAGES, "404-at-missing-address"])
def test_page_works_offline_under_the_base_path(browser, base_url: str, path: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    url = base_url + path
    routed: list[str] = []
    blocked: list[str] = []

    def only_the_site(route) -> None:
        request_url = route.request.url
        routed.append(request_url)
        if request_url.startswith(base_url):
            route.continue_()
        else:
            blocked.append(request_url)
            route.abort("blockedbyclient")

    context = browser.new_context()
    context.route("**/*", only_the_site)
    page = context.new_page()
    problems = watch_page(page, origin=base_url)
    response = page.goto(url)
    settle(page, network=True)
    expected_status = 404 if path == MISSING else 200
    assert response is not None and response.status == expected_status
    if path == MISSING:
        # The 404 status of the page itself is the point; anything else is a problem.
        problems = [p for p in problems if p != f"HTTP 404: {url}"
                    and not (p.startswith("console error:") and "404" in p and p.endswith(f"({url})"))]

    assert page.locator("article h1").first.is_visible()
    assert routed, "the route handler saw no request: the blocking is not in place"
    # Every stylesheet and script the page names was fetched from under the base URL.
    assets = page.evaluate("""() => [
        ...[...document.querySelectorAll('link[rel~=stylesheet]')].map(l => l.href),
        ...[...document.querySelectorAll('script[src]')].map(s => s.src)]""")
    assert assets
    assert [a for a in assets if not a.startswith(base_url)] == []
    assert [a for a in assets if a not in routed] == []
    # Links within this server stay under the base path.
    links = page.evaluate("""() => [...document.querySelectorAll('a[href]')].map(a =>
        typeof a.href === 'string' ? a.href : new URL(a.href.baseVal, document.baseURI).href)""")
    origin = base_url[: base_url.index("/", len("http://"))]
    assert [link for link in links if link.startswith(origin) and not link.startswith(base_url)] == []
    with capsys.disabled():
        print(f"\n  offline {path or 'index.html'}: {len(routed)} requests, "
              f"{len(blocked)} to other origins {blocked}")
    assert blocked == []
    assert problems == []
    context.close()


@pytest.mark.parametrize("base, path", [("/another-wiki/", "papers/no-such-paper/"),
                                        ("/another-wiki/", "no-such-page"),
                                        ("/", "topics/no-such-topic/")],
                         ids=["renamed-project-paper", "renamed-project-top", "custom-domain"])
def test_404_page_works_under_any_base_path(browser, shipped_site: Path, base: str,
                                            path: str) -> None:
    """The same build served under another path than site_url's (a fork, a renamed
    repository, a custom domain): the 404 page still gets its style and scripts, and its
    links lead to the wiki's home, All papers and Topics under that path."""
    with serve_directory(shipped_site, base, not_found_page=shipped_site / "404.html") as url:
        page = browser.new_page(viewport=DESKTOP)
        problems = watch_page(page, origin=url[: url.index("/", len("http://"))])
        response = page.goto(url + path)
        settle(page, network=True)
        assert response is not None and response.status == 404
        problems = [p for p in problems if url + path not in p]  # the page's own 404 status
        assert problems == []
        assets = page.evaluate("""() => [
            ...[...document.querySelectorAll('link[rel~=stylesheet]')].map(l => l.href),
            ...[...document.querySelectorAll('script[src]')].map(s => s.src)]""")
        assert assets and [a for a in assets if not a.startswith(url)] == []
        # Material's stylesheet applied: the header is a coloured bar, not unstyled text.
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") \
            in ("sticky", "fixed")
        links = {a.inner_text(): a.evaluate("a => a.href")
                 for a in page.locator("article a").all()}
        assert links["Home"] == url and links["All papers"] == url + "papers/"
        page.goto(links["All papers"])
        assert page.locator("article h1").inner_text().startswith("All papers")
        page.close()


# -- 2. accessibility ------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("name", ["home", "paper", "topic", "listing", "papers-index"])
def test_no_serious_accessibility_violations(contexts, base_url: str, name: str, scheme: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    page, problems = open_page(contexts, base_url, PAGES[name], color_scheme=scheme,
                               viewport=DESKTOP)
    assert scheme_of(page) == SCHEMES[scheme], "the emulated colour scheme did not switch the palette"
    violations = run_axe(page)
    with capsys.disabled():
        print(f"\n  axe {AXE_VERSION} {name} ({scheme}): {describe(violations)}")
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert failing == [], "\n".join(
        f"{v['id']} [{v['impact']}] {v['help']}: " + "; ".join(
            " ".join(n["target"]) + " - " + n["summary"].replace("\n", " ") for n in v["nodes"][:5])
        for v in failing)
    assert problems == []
    page.close()


def test_search_dialog_has_an_accessible_name(contexts, base_url: str) -> None:
    page, _ = open_page(contexts, base_url, "", viewport=DESKTOP)
    page.add_script_tag(path=str(AXE_SCRIPT))
    violations = page.evaluate("""() => axe.run(document, {runOnly: ['aria-dialog-name']})
        .then(r => r.violations.map(v => v.id))""")
    page.close()
    assert violations == []


# -- 3. phones -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["home", "paper", "papers-index", "topic"])
def test_no_horizontal_scrolling_on_a_phone(contexts, base_url: str, name: str, tmp_path: Path) -> None:
    page, problems = open_page(contexts, base_url, PAGES[name], **ON_A_PHONE)
    # A phone that finds the page too wide zooms out, widening the layout viewport, so the
    # page is measured against the screen's width, not window.innerWidth. Wide tables may
    # scroll inside Material's .md-typeset__scrollwrap; the page itself may not.
    widths = page.evaluate("""(screen) => ({
        page: document.documentElement.scrollWidth,
        window: window.innerWidth,
        widest: [...document.querySelectorAll('article *')]
            .filter(e => e.getBoundingClientRect().right > screen + 1
                         && !e.closest('.md-typeset__scrollwrap, .katex-display'))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + [...e.classList].map(c => '.' + c).join('')
                              + ' ends at ' + Math.round(e.getBoundingClientRect().right) + 'px')
    })""", PHONE["width"])
    page.screenshot(path=str(tmp_path / f"{name}-phone.png"))
    assert widths["page"] <= PHONE["width"] and widths["window"] == PHONE["width"], \
        f"the page is wider than a {PHONE['width']} px screen: {widths}"
    assert problems == []
    page.close()


def test_bibtex_stays_inside_its_box_on_a_phone(contexts, base_url: str) -> None:
    page, problems = open_page(contexts, base_url, PAGES["paper"], **ON_A_PHONE)
    box, text = page.evaluate("""() => {
        const code = document.querySelector('.pw-bibtex code');
        return [[code.getBoundingClientRect().width, code.scrollWidth], code.textContent];
    }""")
    assert box[1] <= box[0] + 1 <= PHONE["width"] + 1, f"BibTeX is {box[1]} px wide in {box[0]}"
    assert text.startswith("@") and "\n  title = {" in text  # copied as written
    assert problems == []
    page.close()


def test_home_buttons_do_not_touch_on_a_phone(contexts, base_url: str) -> None:
    page, problems = open_page(contexts, base_url, PAGES["home"], **ON_A_PHONE)
    boxes = page.evaluate("""() => [...document.querySelectorAll('article .md-button')]
        .map(b => { const r = b.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
    assert len(boxes) >= 2
    for first, second in zip(boxes, boxes[1:]):
        apart = second[1] - first[3] if second[1] >= first[3] else second[0] - first[2]
        assert apart >= 6, f"buttons {first} and {second} are {apart} px apart"
    assert problems == []
    page.close()



@pytest.mark.parametrize("screen", ["desktop", "phone"])
@pytest.mark.parametrize("name, feed", [("home", "feeds/all.xml"),
                                        ("topic", "feeds/topics/scaling-laws.xml")])
def test_a_visible_subscribe_button_leads_to_the_feed(contexts, base_url: str, name: str,
                                                      feed: str, screen: str) -> None:
    """The feeds were only a <link rel=alternate> in the head, which no browser shows."""
    options = {"viewport": DESKTOP} if screen == "desktop" else ON_A_PHONE
    page, problems = open_page(contexts, base_url, PAGES[name], **options)
    button = page.locator("article a.pw-subscribe")
    assert button.count() == 1 and button.is_visible()
    assert "Subscribe" in button.inner_text()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= options["viewport"]["width"]
    assert box["y"] < 2 * options["viewport"]["height"]  # near the top, not after the lists
    href = button.evaluate("a => a.href")
    assert href == base_url + feed
    answer = page.request.get(href)
    assert answer.status == 200 and "<feed" in answer.text()
    assert problems == []
    page.close()


def test_stats_charts_scale_to_a_phone(contexts, base_url: str) -> None:
    """Charts had a minimum width of 540 px and were cut off on a 390 px screen."""
    page, problems = open_page(contexts, base_url, PAGES["stats"], **ON_A_PHONE)
    boxes = page.evaluate("""() => [...document.querySelectorAll('article svg[viewBox]')]
        .filter(svg => svg.getClientRects().length)  /* the one of each pair that is shown */
        .map(svg => { const r = svg.getBoundingClientRect();
                      return [svg.id, Math.round(r.left), Math.round(r.right)]; })""")
    assert len(boxes) >= 4
    for chart, left, right in boxes:
        assert 0 <= left and right <= PHONE["width"], f"{chart} spans {left}-{right} px"
        assert right - left >= PHONE["width"] * 0.8, f"{chart} is {right - left} px wide"
    assert problems == []
    page.close()


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_chart_text_is_legible(contexts, base_url: str, screen: str) -> None:
    """Drawn 720 units wide and scaled to a phone's column, chart text was 6 px high: phones
    are shown a narrower drawing of each chart, desktops the wide one."""
    options = {"viewport": DESKTOP} if screen == "desktop" else ON_A_PHONE
    page, problems = open_page(contexts, base_url, PAGES["stats"], **options)
    charts = page.evaluate("""() => [...document.querySelectorAll('article .pw-chart')].map(div =>
        [...div.querySelectorAll('svg')].filter(svg => svg.getClientRects().length).map(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const sizes = [...svg.querySelectorAll('text')].map(t =>
                parseFloat(getComputedStyle(t).fontSize) * scale);
            return [svg.id, Math.min(...sizes)];
        }))""")
    assert len(charts) >= 4
    for shown in charts:
        assert len(shown) == 1, f"not one drawing of the chart shown: {shown}"
        chart, smallest = shown[0]
        assert chart.endswith("-narrow") == (screen == "phone"), chart
        assert smallest >= 11, f"{chart}: text {smallest:.1f} px high"
    assert problems == []
    page.close()


@pytest.mark.parametrize("name", ["paper", "listing", "topic"])
def test_dates_do_not_break_on_a_phone(contexts, base_url: str, name: str) -> None:
    """A date at the end of a line went "2025-" on one line and "10-22" on the next."""
    page, problems = open_page(contexts, base_url, PAGES[name], **ON_A_PHONE)
    lines = page.evaluate("""() => [...document.querySelectorAll('article time')]
        .map(t => [t.textContent, t.getClientRects().length, getComputedStyle(t).whiteSpace])""")
    assert lines, "no <time> on the page"
    assert [line for line in lines if line[1] != 1 or line[2] != "nowrap"] == []
    assert problems == []
    page.close()

# -- 4. README screenshots -------------------------------------------------------------------

def test_readme_screenshots(contexts, base_url: str, tmp_path: Path) -> None:
    update = os.environ.get(SCREENSHOTS_ENV) == "1"
    shots = {
        "home.png": ("home", DESKTOP, {}),
        "home-mobile.png": ("home", PHONE, {"is_mobile": True, "has_touch": True}),
        "paper.png": ("paper", DESKTOP, {}),
        "paper-mobile.png": ("paper", PHONE, {"is_mobile": True, "has_touch": True}),
    }
    for filename, (name, viewport, options) in shots.items():
        page, problems = open_page(contexts, base_url, PAGES[name], viewport=viewport,
                                   color_scheme="light", device_scale_factor=1, **options)
        assert scheme_of(page) == "default"
        page.mouse.move(0, viewport["height"] - 1)  # hover nothing
        heading = page.locator("article h1").first
        assert heading.is_visible() and heading.bounding_box()["y"] < viewport["height"]
        png = page.screenshot(type="png", animations="disabled", caret="hide")
        (tmp_path / filename).write_bytes(png)
        assert png_size(png) == (viewport["width"], viewport["height"])
        assert len(png) < SCREENSHOT_MAX_BYTES, f"{filename} is {len(png)} bytes"
        assert problems == []
        page.close()
        if update:
            SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
            (SCREENSHOTS_DIR / filename).write_bytes(png)
