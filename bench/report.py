"""bench/RESULTS.md: the machine, the corpus, and one table per size. Rewritten on every run,
except its warm-build section, which bench/warm.py writes (see ``replace_warm_section``)."""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

MB = 1024 * 1024
WARM_SECTION = "## Warm builds"


def machine_facts(repo: Path, args: argparse.Namespace) -> dict[str, str]:
    return {
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": _cpu_model(),
        "Cores": f"{os.cpu_count()} logical, {len(os.sched_getaffinity(0))} usable",
        "RAM": _ram(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "MkDocs": _version("mkdocs"),
        "Material": _version("mkdocs-material"),
        "PaperWiki": _commit(repo),
        "Corpus": _corpus(args.corpus),
        "Options": (f"--per-listing {args.per_listing} --no-byline {args.no_byline} "
                    f"--stage-timeout {args.stage_timeout:g}"
                    + (f" --size-budget {args.size_budget:g}" if args.size_budget else "")
                    + (" --freeze (generator/ copied at the start of the run)"
                       if args.freeze else "")),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _commit(repo: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                              check=False).stdout.rstrip("\n")
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "generator", "overrides", "mkdocs.yml", "content")
    changed = sorted(line[3:] for line in dirty.splitlines() if line.strip())
    if not changed:
        return f"commit {commit}"
    return f"commit {commit} plus uncommitted changes to " + ", ".join(f"`{p}`" for p in changed)


def _corpus(path: Path) -> str:
    data = path.read_bytes()
    records = data.count(b"\n")
    return (f"{path.name}, {records} records, "
            f"sha256 {hashlib.sha256(data).hexdigest()[:12]}")


def write_results(output: Path, facts: dict[str, str], results: list[dict[str, Any]],
                  pending: list[int]) -> None:
    lines = ["# Benchmark results", "",
             ("Written by `python bench/run.py`; every run replaces this file. "
             "Columns are explained in [README.md](README.md)."), "",
             "## Machine and inputs", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in facts.items()]
    lines += ["", *summary_table(results)]
    for result in results:
        lines += ["", *size_table(result)]
    if pending:
        lines += ["", "Not run (the run stopped first): N = " + ", ".join(map(str, pending))]
    text = "\n".join(lines) + "\n"
    output.write_text(_with_warm_section(text, _warm_section(output)), encoding="utf-8")


def replace_warm_section(output: Path, body: str) -> None:
    """Put bench/warm.py's latest tables in RESULTS.md, keeping the rest of the file: the cold
    and warm figures of one wiki are read side by side, though two scripts measure them."""
    text = output.read_text("utf-8") if output.exists() else "# Benchmark results\n"
    section = f"{WARM_SECTION}\n\n{body.strip()}\n"
    output.write_text(_with_warm_section(text.split(WARM_SECTION)[0], section), "utf-8")


def _warm_section(output: Path) -> str:
    text = output.read_text("utf-8") if output.exists() else ""
    return text[text.index(WARM_SECTION):] if WARM_SECTION in text else ""


def _with_warm_section(text: str, section: str) -> str:
    return text.rstrip("\n") + "\n\n" + section if section else text


def _s(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _mb(kb: int | None) -> str:
    return "—" if kb is None else f"{kb / 1024:.0f}"


def _get(result: dict[str, Any], *keys: str) -> Any:
    value: Any = result
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def derived(result: dict[str, Any], time: str = "wall") -> dict[str, float | None]:
    """Ratios from wall times, or from CPU times with ``time="cpu"`` (robust on a busy machine)."""
    build = _get(result, "build", time)
    ref = _get(result, "reference", "wall" if time == "wall" else "process_cpu")
    alone = _get(result, "mkdocs", "alone" if time == "wall" else "alone_cpu")
    return {
        "build_vs_reference": build / ref if build and ref else None,
        "generator_share": 1 - alone / build if build and alone is not None else None,
    }


def _wc(result: dict[str, Any], key: str, wall: str = "seconds", cpu: str = "cpu") -> str:
    """`wall (CPU)` seconds of a stage."""
    return f"{_s(_get(result, key, wall))} ({_s(_get(result, key, cpu))})"


SUMMARY_ROWS = (
    ("Papers imported (records)", lambda r: _papers(r)),
    ("Import, s", lambda r: _wc(r, "import", "wall")),
    ("Load + validate, s", lambda r: _wc(r, "load")),
    ("`paperwiki check`, s", lambda r: _wc(r, "check", "wall")),
    ("Enrich, s", lambda r: _wc(r, "enrich")),
    ("Render Markdown, s", lambda r: _wc(r, "render")),
    ("Render + write docs/ in `generate`, s", lambda r: _s(_get(r, "generate", "laps", "render"))),
    ("Generator cold (load→write), s", lambda r: _wc(r, "generate")),
    ("MkDocs alone, s", lambda r: _wc(r, "mkdocs", "alone", "alone_cpu")),
    ("MkDocs alone, one process, s", lambda r: _wc(r, "mkdocs-serial", "alone", "alone_cpu")),
    ("Plain Material reference, s", lambda r: _wc(r, "reference", "wall", "process_cpu")),
    ("`paperwiki build` cold, s", lambda r: _wc(r, "build", "wall")),
    ("build ÷ plain Material", lambda r: _pair(r, "build_vs_reference", _ratio)),
    ("Generator share of build", lambda r: _pair(r, "generator_share", _percent)),
    ("Peak RSS of build, MB", lambda r: _mb(_get(r, "build", "peak_kb"))),
    ("Regenerate after 1 edit, new process, s", lambda r: _wc(r, "rebuild")),
    ("Regenerate after 1 edit, running process, s", lambda r: _wc(r, "rebuild-warm")),
    ("Files rewritten after 1 edit (new / running)",
     lambda r: f"{_count(_get(r, 'rebuild', 'touched'))} / "
               f"{_count(_get(r, 'rebuild-warm', 'touched'))}"),
    ("Site size, MB", lambda r: _bytes_mb(_get(r, "site", "site_bytes"))),
    ("Paper page, KB average", lambda r: _per_page(_get(r, "site"))),
    ("search_index.json, MB", lambda r: _bytes_mb(_get(r, "site", "search_index_bytes"))),
)


def _pair(result: dict[str, Any], key: str, show: Callable[[float | None], str]) -> str:
    return f"{show(derived(result)[key])} ({show(derived(result, 'cpu')[key])})"


def summary_table(results: list[dict[str, Any]]) -> list[str]:
    if not results:
        return []
    head = "| Measure | " + " | ".join(f"N = {r['size']}" for r in results) + " |"
    lines = ["## Summary", "",
             ("Times are wall seconds with CPU seconds in parentheses; ratios likewise (wall, "
              "then CPU). Other work on the machine inflates wall times, not CPU times. "
              "Generator cold, MkDocs alone and `paperwiki build` are each the run with the "
              "median wall time of several (every run is listed under its size below)."), "",
             head, "|---|" + "---:|" * len(results)]
    lines += [f"| {label} | " + " | ".join(cell(r) for r in results) + " |"
              for label, cell in SUMMARY_ROWS]
    return lines


def _papers(result: dict[str, Any]) -> str:
    papers = _get(result, "import", "papers")
    records = _get(result, "prepare", "records")
    return f"{papers if papers is not None else '—'} ({records})"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _count(items: list[str] | None) -> str:
    return "—" if items is None else str(len(items))


def _bytes_mb(value: int | None) -> str:
    return "—" if value is None else f"{value / MB:.1f}"


def _per_page(site: dict[str, Any] | None) -> str:
    if not site or not site.get("paper_pages"):
        return "—"
    return f"{site['paper_page_bytes'] / site['paper_pages'] / 1024:.1f}"


def size_table(result: dict[str, Any]) -> list[str]:
    loads = [stage["load_avg"] for stage in result.values()
             if isinstance(stage, dict) and stage.get("load_avg") is not None]
    lines = [f"## N = {result['size']}", ""]
    if loads:
        lines += [(f"1-minute load average when stages started: {min(loads):.1f} to "
                   f"{max(loads):.1f} (on {os.cpu_count()} cores); wall times above the CPU "
                   "times of a single-threaded stage mean it waited for a core."), ""]
    lines += ["| Measure | Wall, s | CPU, s | Peak RSS, MB | Details |",
              "|---|---:|---:|---:|---|"]
    lines += [f"| {label} | {wall} | {cpu} | {rss} | {details} |"
              for label, wall, cpu, rss, details in detail_rows(result)]
    failures = result.get("failures", {})
    if failures:
        lines += ["", "Failures:", ""]
        lines += [f"- **{stage}**: {_escape(why)}" for stage, why in failures.items()]
    return lines


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


Row = tuple[str, str, str, str, str]


def _process_row(r: dict[str, Any], key: str, label: str, details: str) -> Row:
    """A stage timed as a whole process."""
    cpu = _get(r, key, "process_cpu")
    if cpu is None:
        cpu = _get(r, key, "cpu")
    return (label, _s(_get(r, key, "wall")), _s(cpu), _mb(_get(r, key, "peak_kb")), details)


def _call_row(r: dict[str, Any], key: str, label: str, details: str) -> Row:
    """A stage timed around one call inside its process."""
    return (label, _s(_get(r, key, "seconds")), _s(_get(r, key, "cpu")),
            _mb(_get(r, key, "peak_kb")), details)


def detail_rows(r: dict[str, Any]) -> list[Row]:
    """(measure, wall, CPU, peak MB, details) for every stage."""
    return [
        ("Listings written", "—", "—", "—", _prepared(r)),
        _process_row(r, "import", "Import (`paperwiki import`, process)", _imported(r)),
        _call_row(r, "load", "Load + validate (`load_content`)", _stage(r, "load")),
        _process_row(r, "check", "`paperwiki check` (process)",
                     "; ".join(_get(r, "check", "summary") or []) or "—"),
        _call_row(r, "enrich", "Enrich (`build_site`)", _stage(r, "enrich")),
        _call_row(r, "render", "Render Markdown (`render_site`)", _stage(r, "render")),
        _call_row(r, "generate", "Generator cold (`generate`, empty docs/)",
                  _laps(r) + _runs(r, "generate")),
        ("Render + write docs/ (`generate`'s render lap, every core)",
         _s(_get(r, "generate", "laps", "render")), "—",
         "—", f"{_get(r, 'generate', 'written') or '—'} files written"),
        _call_row(r, "mkdocs", "`mkdocs build` with the plugin, docs/ already generated",
                  _plugins(r)),
        ("MkDocs alone (the above minus the plugin's hooks)", _s(_get(r, "mkdocs", "alone")),
         _s(_get(r, "mkdocs", "alone_cpu")), "—",
         "Markdown → HTML, theme templates, search index, copying assets; paper pages on "
         "every core" + _runs(r, "mkdocs")),
        _call_row(r, "mkdocs-serial", "`mkdocs build` with the plugin set to `jobs: 1`",
                  _plugins(r, "mkdocs-serial")),
        ("MkDocs alone, one process (the above minus the plugin's hooks)",
         _s(_get(r, "mkdocs-serial", "alone")), _s(_get(r, "mkdocs-serial", "alone_cpu")), "—",
         "every page rendered in one process, as before PaperWiki rendered in parallel"),
        _process_row(r, "reference", "Plain Material reference (process)", _reference(r)),
        _process_row(r, "build", "`paperwiki build` cold (process)",
                     _build(r) + _runs(r, "build")),
        _call_row(r, "rebuild", "Regenerate after one paper edit, new process (`generate`)",
                  _rebuild(r, "rebuild")),
        _call_row(r, "rebuild-warm", "Regenerate after one paper edit, running process "
                  "(`generate` twice, as `paperwiki serve`)", _rebuild(r, "rebuild-warm")),
        ("Site size", "—", "—", "—", _site(r)),
    ]


def _prepared(r: dict[str, Any]) -> str:
    p = r.get("prepare") or {}
    text = f"{p.get('records')} records in {p.get('listings')} listing files"
    if p.get("without_byline"):
        how = ("no metadata block, so undated" if p.get("undated")
               else "`• 0 authors`, so dated with the author count unknown")
        text += (f"; {p['without_byline']} have neither an author count nor an organisation "
                 f"in the corpus: written with {how}")
    return text


def _imported(r: dict[str, Any]) -> str:
    text = "; ".join(_get(r, "import", "summary") or [])
    missing = r.get("not_imported") or []
    if missing:
        text += (f"; **{len(missing)} corpus titles have no paper file of their own** (import "
                 "merged them into a paper whose title gives the same id), e.g. "
                 + " / ".join(f"“{_escape(t)}”" for t in missing[:3]))
    return text or "—"


def _stage(r: dict[str, Any], key: str) -> str:
    stage = r.get(key)
    if not stage:
        return "—"
    parts = [f"process wall {_s(stage.get('wall'))} s",
             f"peak before this stage {_mb(stage.get('peak_before_kb'))} MB"]
    if "papers" in stage and key == "load":
        parts.append(f"{stage['papers']} papers")
    if key == "enrich" and stage.get("topics"):
        topics = stage["topics"]
        parts.append(f"{stage.get('visible_papers')} papers; fallback topic `other` holds "
                     f"{topics.get('other', 0)}")
    if key == "render":
        parts.append(f"{stage.get('files')} files, {stage.get('markdown_bytes', 0) / MB:.1f} MB")
    return "; ".join(parts)


def _laps(r: dict[str, Any]) -> str:
    laps = _get(r, "generate", "laps")
    if not laps:
        return "—"
    text = ", ".join(f"{name} {_s(seconds)}" for name, seconds in laps.items())
    return (f"laps: {text} (render here renders and writes the pages, exports, BibTeX and "
            f"feeds); "
            f"{_get(r, 'generate', 'pages')} files; "
            f"process wall {_s(_get(r, 'generate', 'wall'))} s")


def _runs(r: dict[str, Any], key: str) -> str:
    """Every run of a repeated stage, in the order they ran; the row shows the median one."""
    runs = _get(r, key, "runs")
    if not runs or len(runs) < 2:
        return ""
    walls = ", ".join(_s(wall) for wall, _ in runs)
    cpus = ", ".join(_s(cpu) for _, cpu in runs)
    return f"; the median of {len(runs)} runs: {walls} s wall ({cpus} s CPU)"


def _plugins(r: dict[str, Any], name: str = "mkdocs") -> str:
    stage = r.get(name)
    if not stage:
        return "—"
    hooks = ", ".join(f"{name} {_s(seconds)} s" for name, seconds
                      in sorted(stage["plugin_seconds"].items(), key=lambda item: -item[1])
                      if seconds >= 0.05)
    return f"time in plugin hooks: {hooks}; {stage['warnings']} warnings"


def _reference(r: dict[str, Any]) -> str:
    ref = r.get("reference")
    if not ref:
        return "—"
    return (f"`mkdocs build` call {_s(ref['seconds'])} s; site {ref['site_bytes'] / MB:.0f} MB; "
            f"paper page {_per_page(ref)} KB average; {ref['warnings']} warnings")


def _build(r: dict[str, Any]) -> str:
    d, c = derived(r), derived(r, "cpu")
    reported = _get(r, "build", "reported")
    return (f"{_ratio(d['build_vs_reference'])} the plain Material build "
            f"({_ratio(c['build_vs_reference'])} in CPU time); generator share "
            f"{_percent(d['generator_share'])} ({_percent(c['generator_share'])} in CPU time): "
            "everything that is not MkDocs (start-up, checks, the plugin's hooks); "
            f"the command reports {_s(reported)} s")


def _rebuild(r: dict[str, Any], key: str) -> str:
    rb = r.get(key)
    if not rb:
        return "—"
    text = (f"edited `{rb['edited']}` (added a note); generate reported {len(rb['written'])} "
            f"written; {len(rb['touched'])} files got a new mtime, {len(rb['changed'])} changed "
            f"content, {len(rb['needless'])} rewritten without a change")
    if len(rb["touched"]) <= 6:
        text += ": " + ", ".join(f"`{p}`" for p in rb["touched"])
    laps = ", ".join(f"{k} {_s(v)}" for k, v in rb["laps"].items())
    text += f"; laps {laps}"
    if "first_seconds" in rb:
        text += (f"; the untimed first run took {_s(rb['first_seconds'])} s and wrote "
                 f"{len(rb['first_written'])} files")
    return text


def _site(r: dict[str, Any]) -> str:
    site = r.get("site")
    if not site:
        return "—"
    index = site["search_index_bytes"]
    return (f"site/ {site['site_bytes'] / MB:.1f} MB in {site['site_files']} files; "
            f"{site['paper_pages']} paper pages, {_per_page(site)} KB average; "
            f"search/search_index.json {'—' if index is None else f'{index / MB:.1f} MB'}")
