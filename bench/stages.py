"""The stages of one benchmark size, in order, each in its own process.

Every stage stores a plain dict in ``results``; a failed stage stores its reason in
``results["failures"]`` and stages that depend on it are skipped with that reason.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from corpus import ScratchProject
from measure import (
    ProcessRun,
    clear_folder,
    last_json_line,
    run_process,
    snapshot,
    tree_size,
)

HERE = Path(__file__).resolve().parent
WORKER = HERE / "worker.py"
EDIT_NOTE = 'note: "Benchmark edit: one curator note added to time an incremental rebuild."\n'


def paperwiki_command() -> list[str]:
    script = Path(sys.executable).parent / "paperwiki"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from generator.cli import run; run()"]


class SizeRun:
    def __init__(self, size: int, project: ScratchProject, records: list[dict[str, Any]],
                 progress: Callable[[str], None], stage_timeout: float,
                 budget: float | None, env: dict[str, str] | None = None,
                 repeat: int = 1) -> None:
        self.size, self.project, self.records = size, project, records
        self.root = project.root
        self.progress = progress
        self.stage_timeout = stage_timeout
        self.deadline = time.monotonic() + budget if budget else None
        self.env = env
        self.repeat = repeat
        self.results: dict[str, Any] = {"size": size, "failures": {}}

    # -- running ---------------------------------------------------------------------------

    def run_all(self) -> None:
        steps = [("import", self.import_listings, ()), ("load", self.content_stage, ("import",)),
                 ("enrich", self.content_stage, ("import",)),
                 ("render", self.content_stage, ("import",)),
                 ("check", self.check, ("import",)),
                 ("generate", self.repeated(self.generate_cold, "seconds", "cpu"), ("import",)),
                 ("mkdocs", self.repeated(self.mkdocs_alone, "alone", "alone_cpu"), ("generate",)),
                 ("mkdocs-serial", self.mkdocs_alone_serial, ("generate",)),
                 ("reference", self.reference_build, ("generate",)),
                 ("build", self.repeated(self.full_build, "wall", "cpu"), ("import",)),
                 ("rebuild", self.rebuild_after_edit, ("build",)),
                 ("rebuild-warm", self.rebuild_in_process, ("build",))]
        for name, step, needs in steps:
            blocked = [need for need in needs if need not in self.results]
            if blocked or self.results["failures"].get("prepare"):
                self.fail(name, f"skipped: needs {', '.join(blocked) or 'prepare'}")
                continue
            try:
                step(name)
            except Exception as error:  # noqa: BLE001 - a broken stage must not lose the others
                self.fail(name, f"{type(error).__name__}: {error}")

    def repeated(self, step: Callable[[str], None], wall: str, cpu: str,
                 ) -> Callable[[str], None]:
        """``step`` run ``self.repeat`` times; its result is the run with the median ``wall``
        time, and ``runs`` lists every run's (``wall``, ``cpu``) seconds in order."""

        def run(name: str) -> None:
            runs = []
            for _ in range(self.repeat):
                step(name)
                if name not in self.results:  # failed: the reason is already recorded
                    return
                runs.append(self.results.pop(name))
            median = sorted(runs, key=lambda result: result[wall])[(len(runs) - 1) // 2]
            self.results[name] = {**median, "runs": [(result[wall], result[cpu])
                                                     for result in runs]}

        return run

    def fail(self, name: str, why: str) -> None:
        self.results["failures"][name] = why
        self.progress(f"N={self.size} {name}: FAILED — {why}")

    def _timeout(self) -> float:
        if self.deadline is None:
            return self.stage_timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the size budget is used up")
        return min(self.stage_timeout, left)

    def _process(self, name: str, command: list[str]) -> ProcessRun | None:
        self.progress(f"N={self.size} {name}: running")
        load_avg = os.getloadavg()[0]
        run = run_process(command, self.root, self._timeout(), self.root.parent / "logs" / name,
                          self.env)
        run.load_avg = load_avg
        if not run.ok:
            self.fail(name, run.failure())
            return None
        self.progress(f"N={self.size} {name}: {run.seconds:.1f} s wall, {run.cpu:.1f} s CPU, "
                      f"{run.peak_kb / 1024:.0f} MB peak (load average {load_avg:.1f} before)")
        return run

    def _worker(self, name: str, *args: str) -> dict[str, Any] | None:
        run = self._process(name, [sys.executable, str(WORKER), *args])
        if run is None:
            return None
        result = last_json_line(run.stdout)
        result.update(wall=run.seconds, process_cpu=run.cpu, peak_kb=run.peak_kb,
                      load_avg=run.load_avg)
        return result

    # -- the stages ------------------------------------------------------------------------

    def import_listings(self, name: str) -> None:
        run = self._process(name, [*paperwiki_command(), "import", "-f", "mkdocs.yml"])
        if run is None:
            return
        titles = imported_titles(self.root / "content" / "papers")
        self.results["not_imported"] = [r["title"] for r in self.records
                                        if r["title"].strip() not in titles]
        papers = len(titles)
        self.results[name] = {"wall": run.seconds, "cpu": run.cpu, "peak_kb": run.peak_kb,
                              "load_avg": run.load_avg, "papers": papers,
                              "summary": run.stdout.strip().splitlines()[-1:]}

    def check(self, name: str) -> None:
        run = self._process(name, [*paperwiki_command(), "check", "-f", "mkdocs.yml"])
        if run is not None:
            self.results[name] = {"wall": run.seconds, "cpu": run.cpu, "peak_kb": run.peak_kb,
                                  "load_avg": run.load_avg,
                                  "summary": run.stdout.strip().splitlines()[-1:]}

    def content_stage(self, name: str) -> None:
        result = self._worker(name, name, str(self.root))
        if result is not None:
            self.results[name] = result

    def generate_cold(self, name: str) -> None:
        clear_folder(self.root / "docs")
        result = self._worker(name, "generate", str(self.root))
        if result is not None:
            result["written"] = len(result["written"])
            self.results[name] = result

    def mkdocs_alone(self, name: str) -> None:
        """`mkdocs build` with the plugin over the generated docs/, minus the plugin's time."""
        self._mkdocs_alone(name, self.root / "mkdocs.yml")

    def mkdocs_alone_serial(self, name: str) -> None:
        """The same with every page rendered in one process (`jobs: 1`)."""
        config = self.root / "mkdocs-serial.yml"
        config.write_text(serial_config(self.root / "mkdocs.yml"), encoding="utf-8")
        self._mkdocs_alone(name, config)

    def _mkdocs_alone(self, name: str, config: Path) -> None:
        site = self.root / "site-mkdocs-only"
        result = self._worker(name, "mkdocs", str(config), str(site))
        if result is not None:
            result["alone"] = result["seconds"] - result["plugin_seconds"].get("paperwiki", 0.0)
            result["alone_cpu"] = result["cpu"] - result["plugin_cpu"].get("paperwiki", 0.0)
            self.results[name] = result
        shutil.rmtree(site, ignore_errors=True)

    def reference_build(self, name: str) -> None:
        config = self.root / "mkdocs-reference.yml"
        config.write_text(reference_config(self.root / "mkdocs.yml"), encoding="utf-8")
        site = self.root / "site-reference"
        result = self._worker(name, "mkdocs", str(config), str(site))
        if result is not None:
            result.update(site_sizes(site))
            self.results[name] = result
        shutil.rmtree(site, ignore_errors=True)

    def full_build(self, name: str) -> None:
        clear_folder(self.root / "docs")
        shutil.rmtree(self.root / "site", ignore_errors=True)
        run = self._process(name, [*paperwiki_command(), "build", "-f", "mkdocs.yml"])
        if run is not None:
            reported = re.search(r" in ([0-9.]+) s\s*$", run.stdout)
            self.results[name] = {"wall": run.seconds, "cpu": run.cpu, "peak_kb": run.peak_kb,
                                  "load_avg": run.load_avg,
                                  "reported": float(reported[1]) if reported else None}
            self.results["site"] = site_sizes(self.root / "site")

    def _paper_to_edit(self, position: float) -> Path:
        papers = sorted((self.root / "content" / "papers").glob("*.yaml"))
        return papers[int(len(papers) * position)]

    def rebuild_after_edit(self, name: str) -> None:
        """A new process regenerates after one edit, as `paperwiki build` would."""
        edited = self._paper_to_edit(0.5)
        before = snapshot(self.root / "docs")
        time.sleep(0.01)  # so a rewrite shows in the modification time even on coarse clocks
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.rstrip("\n") + "\n" + EDIT_NOTE, encoding="utf-8")
        result = self._worker(name, "generate", str(self.root))
        if result is not None:
            self._compare(name, result, edited, before)

    def rebuild_in_process(self, name: str) -> None:
        """A running process regenerates after one edit, as `paperwiki serve` does."""
        edited = self._paper_to_edit(0.25)
        before = snapshot(self.root / "docs")
        time.sleep(0.01)
        result = self._worker(name, "rebuild-warm", str(self.root), str(edited), EDIT_NOTE)
        if result is not None:
            self._compare(name, result, edited, before)

    def _compare(self, name: str, result: dict[str, Any], edited: Path,
                 before: dict[str, Any]) -> None:
        """Which files in docs/ got a new modification time, and which new content."""
        after = snapshot(self.root / "docs")
        touched = sorted(p for p in after
                         if p not in before or after[p].mtime_ns != before[p].mtime_ns)
        changed = sorted(p for p in after
                         if p not in before or after[p].digest != before[p].digest)
        result.update(edited=edited.name, touched=touched, changed=changed,
                      written=result["written"], removed=result["removed"],
                      needless=[p for p in touched if p not in changed])
        self.results[name] = result


def imported_titles(folder: Path) -> set[str]:
    """The titles of the paper files import wrote; a corpus title missing here was merged into
    another paper (import identifies papers by a slug of the title)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    titles = set()
    for path in folder.glob("*.yaml"):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        titles.add(str(data.get("title", "")).strip())
    return titles


def site_sizes(site: Path) -> dict[str, Any]:
    total, files = tree_size(site)
    paper_bytes, paper_pages = tree_size(site, "papers/*/index.html")
    index = site / "search" / "search_index.json"
    return {"site_bytes": total, "site_files": files, "paper_pages": paper_pages,
            "paper_page_bytes": paper_bytes,
            "search_index_bytes": index.stat().st_size if index.exists() else None}


class _IgnoreTags(yaml.SafeLoader):
    pass


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


def serial_config(config_file: Path) -> str:
    """The project's mkdocs.yml with the paperwiki plugin set to `jobs: 1`."""
    text = config_file.read_text(encoding="utf-8")
    options = "  - paperwiki:\n"
    if options not in text:
        raise ValueError(f"{config_file} has no `{options.strip()}` block to add `jobs: 1` to")
    return text.replace(options, options + "      jobs: 1\n", 1)


def reference_config(config_file: Path) -> str:
    """Plain Material over the same docs/: no generator, no overrides, same Markdown setup."""
    real = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_IgnoreTags)
    config = {
        "site_name": "PaperWiki reference build",
        "site_url": real.get("site_url"),
        "docs_dir": real.get("docs_dir", "docs"),
        "theme": {"name": "material"},
        "plugins": ["search"],
        "not_in_nav": real.get("not_in_nav", "/papers/*.md\n"),
        "validation": real.get("validation", {}),
        "markdown_extensions": real.get("markdown_extensions", []),
    }
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
