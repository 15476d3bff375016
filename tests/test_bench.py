"""The benchmark script end to end, on a few real corpus records: every stage runs, the
repeated stages report their median run, and RESULTS.md is written from what was measured."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).parent / "fixtures" / "corpus-sample.jsonl"  # 36 records of the corpus


def test_benchmark_runs_every_stage_and_reports_medians(tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--corpus", str(SAMPLE),
         "--sizes", "30", "--per-listing", "10", "--repeat", "2", "--work-dir",
         str(tmp_path / "work"), "--output", str(output)],
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    [result] = json.loads((tmp_path / "work" / "results.json").read_text("utf-8"))
    assert result["failures"] == {}
    assert result["import"]["papers"] == 30
    for stage, wall in (("generate", "seconds"), ("mkdocs", "alone"), ("build", "wall")):
        runs = result[stage]["runs"]
        assert len(runs) == 2 and all(seconds > 0 for pair in runs for seconds in pair)
        assert result[stage][wall] == min(run[0] for run in runs)  # the lower median of two
    report = output.read_text("utf-8")
    assert "| Papers imported (records) | 30 (30) |" in report
    assert report.count("the median of 2 runs") == 3
    build = f"| `paperwiki build` cold, s | {result['build']['wall']:.2f} "
    assert build in report
    assert "Failures" not in report


def test_the_cold_report_and_the_warm_section_keep_each_other(tmp_path: Path) -> None:
    """bench/run.py rewrites RESULTS.md and bench/warm.py rewrites its warm-build section:
    neither may lose what the other wrote."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from report import replace_warm_section, write_results
    finally:
        sys.path.remove(str(REPO / "bench"))
    output = tmp_path / "RESULTS.md"
    replace_warm_section(output, "first warm table")
    write_results(output, {"Date": "today"}, [], pending=[10])
    replace_warm_section(output, "second warm table")
    write_results(output, {"Date": "tomorrow"}, [], pending=[20])
    report = output.read_text("utf-8")
    assert "| Date | tomorrow |" in report and "today" not in report
    assert "N = 20" in report and "N = 10" not in report
    assert report.endswith("## Warm builds\n\nsecond warm table\n")
    assert "first warm table" not in report


def test_a_warm_run_written_elsewhere_leaves_the_repositorys_results_alone() -> None:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from warm import parse_args
    finally:
        sys.path.remove(str(REPO / "bench"))
    bench = REPO / "bench"
    assert parse_args([]).results == bench / "RESULTS.md"
    assert parse_args(["--out", "/tmp/WARM.md"]).results is None
    assert parse_args(["--out", "/tmp/W.md", "--results", "/tmp/R.md"]).results == Path("/tmp/R.md")
