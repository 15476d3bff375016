"""One benchmark stage in a fresh process; prints one JSON line of results on stdout.

    python bench/worker.py load|enrich|render|generate PROJECT
    python bench/worker.py rebuild-warm PROJECT PAPER_FILE TEXT_TO_APPEND
    python bench/worker.py mkdocs CONFIG_FILE SITE_DIR

Run by bench/run.py, which measures the process's wall time and peak memory from outside.
Inside, each stage times only its own work: a stage that needs earlier ones (rendering needs
the enriched site) runs them first, untimed, and reports the memory peak before its own work.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


_CPU: dict[str, float] = {}


def _cpu_seconds() -> float:
    """This process's CPU time plus that of the workers it forked and reaped."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _timed(work: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``work``; return its value and wall seconds, keeping its CPU seconds in _CPU."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    value = work()
    _CPU["last"] = _cpu_seconds() - cpu
    return value, time.perf_counter() - started


def content_stage(stage: str, project: Path) -> dict[str, Any]:
    """load: load_content; enrich: build_site; render: render_site — each timed alone."""
    from generator.model import build_site
    from generator.render import render_site
    from generator.store import ContentPaths, load_content

    paths = ContentPaths(project / "content")
    site_url = _site_url(project / "mkdocs.yml")
    result: dict[str, Any] = {}
    result["peak_before_kb"] = _peak_kb()
    content, seconds = _timed(lambda: load_content(paths))
    result.update(seconds=seconds, papers=len(content.papers))
    if stage in ("enrich", "render"):
        result["peak_before_kb"] = _peak_kb()
        site, result["seconds"] = _timed(lambda: build_site(content))
        result["visible_papers"] = len(site.papers)
        result["topics"] = {tid: len(entry.papers) for tid, entry in site.topics.items()}
    if stage == "render":
        result["peak_before_kb"] = _peak_kb()
        files, result["seconds"] = _timed(lambda: render_site(site, site_url))
        result["files"] = len(files)
        result["markdown_bytes"] = sum(len(text.encode("utf-8")) for text in files.values())
    result["peak_kb"] = _peak_kb()
    return result


def generate_stage(project: Path) -> dict[str, Any]:
    """The generator exactly as the plugin runs it in a build: load, enrich, render, write to
    docs/, on every core."""
    from generator.generate import generate
    from generator.store import ContentPaths

    paths = ContentPaths(project / "content")
    report, seconds = _timed(lambda: generate(paths, project / "docs", parallel=True,
                                              site_url=_site_url(project / "mkdocs.yml")))
    return {"seconds": seconds, "laps": report.seconds, "pages": report.pages,
            "written": list(report.written), "removed": list(report.removed),
            "peak_kb": _peak_kb()}


def warm_rebuild_stage(project: Path, edited: Path, addition: str) -> dict[str, Any]:
    """What `paperwiki serve` does after an edit: generate once (docs/ current), edit one
    paper file, generate again in the same process; only the second run is timed."""
    from generator.generate import generate
    from generator.store import ContentPaths

    paths = ContentPaths(project / "content")
    site_url = _site_url(project / "mkdocs.yml")
    first, first_seconds = _timed(lambda: generate(paths, project / "docs", site_url=site_url))
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.rstrip("\n") + "\n" + addition, encoding="utf-8")
    report, seconds = _timed(lambda: generate(paths, project / "docs", site_url=site_url))
    return {"seconds": seconds, "first_seconds": first_seconds,
            "first_written": list(first.written), "laps": report.seconds,
            "written": list(report.written), "removed": list(report.removed),
            "peak_kb": _peak_kb()}


def mkdocs_stage(config_file: Path, site_dir: Path) -> dict[str, Any]:
    """``mkdocs build`` of a config, with the time spent in each plugin's event handlers."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    warnings = _count_mkdocs_warnings()
    config = load_config(str(config_file))
    config.site_dir = str(site_dir)
    plugin_seconds, plugin_cpu = _time_plugin_events(config)
    _, seconds = _timed(lambda: build(config))
    return {"seconds": seconds, "plugin_seconds": plugin_seconds,
            "plugin_cpu": plugin_cpu.as_dict(),
            "warnings": warnings.count, "peak_kb": _peak_kb()}


def _time_plugin_events(config: Any) -> tuple[dict[str, float], _SharedTotals]:
    """Wrap every registered event handler so its wall and CPU time add up under its plugin's
    name (and under ``plugin:event``).

    Page workers forked during the build run handlers too (post_page, page_markdown). Their
    CPU time adds up in memory shared with this process. Their wall time does not: the
    workers run beside this process on their share of the pages, so this process's own
    handler time is what the build's wall time would lose without them."""
    plugins = config.plugins
    origins = getattr(plugins, "_event_origins", {})
    names = {origins.get(method, "<unknown>") for methods in plugins.events.values()
             for method in methods}
    keys = sorted({*names, *(f"{name}:{event}" for event in plugins.events for name in names)})
    totals: dict[str, float] = {}
    cpu = _SharedTotals(keys)
    for event, methods in plugins.events.items():
        for index, method in enumerate(methods):
            name = origins.get(method, "<unknown>")
            wrapped = _accumulating(method, totals, cpu, name, event)
            methods[index] = wrapped
            origins[wrapped] = name
    return totals, cpu


class _SharedTotals:
    """Seconds by key, added to by this process and by every process it forks."""

    def __init__(self, keys: list[str]) -> None:
        import multiprocessing

        self.index = {key: position for position, key in enumerate(keys)}
        self.values = multiprocessing.Array("d", len(keys))

    def add(self, key: str, seconds: float) -> None:
        with self.values.get_lock():
            self.values[self.index[key]] += seconds

    def as_dict(self) -> dict[str, float]:
        return {key: self.values[position] for key, position in self.index.items()
                if self.values[position]}


def _accumulating(method: Callable[..., Any], totals: dict[str, float], cpu: _SharedTotals,
                  name: str, event: str) -> Callable[..., Any]:
    # pre_build runs the generator, whose forked workers are reaped within the hook: their
    # CPU is the plugin's. The page workers reaped in post_build render for MkDocs.
    clock = _cpu_seconds if event == "pre_build" else time.process_time
    parent = os.getpid()

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started, cpu_started, process = time.perf_counter(), clock(), os.getpid()
        try:
            return method(*args, **kwargs)
        finally:
            if os.getpid() == process:  # else a worker forked inside the handler returns
                spent, cpu_spent = time.perf_counter() - started, clock() - cpu_started
                for key in (name, f"{name}:{event}"):
                    if process == parent:
                        totals[key] = totals.get(key, 0.0) + spent
                    cpu.add(key, cpu_spent)
    wrapper.mkdocs_priority = getattr(method, "mkdocs_priority", 0)  # type: ignore[attr-defined]
    return wrapper


class _Counter(logging.Handler):
    count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _count_mkdocs_warnings() -> _Counter:
    log = logging.getLogger("mkdocs")
    shown = logging.StreamHandler(sys.stderr)
    shown.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    counter = _Counter(level=logging.WARNING)
    log.handlers[:] = [shown, counter]
    log.setLevel(logging.WARNING)
    return counter


def _site_url(config_file: Path) -> str:
    import yaml

    class _Loader(yaml.SafeLoader):  # mkdocs.yml may hold !ENV or python tags; ignore them
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader)
    return (data or {}).get("site_url") or "https://example.org/"


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    stage = argv[0]
    if stage in ("load", "enrich", "render"):
        result = content_stage(stage, Path(argv[1]))
    elif stage == "generate":
        result = generate_stage(Path(argv[1]))
    elif stage == "rebuild-warm" and len(argv) == 4:
        result = warm_rebuild_stage(Path(argv[1]), Path(argv[2]), argv[3])
    elif stage == "mkdocs" and len(argv) == 3:
        result = mkdocs_stage(Path(argv[1]), Path(argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    result["cpu"] = _CPU.get("last")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
