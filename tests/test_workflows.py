"""The GitHub Actions workflows: valid, free of known security problems, and shaped as intended.

Three layers, all offline:

* every workflow validates against the GitHub workflow JSON Schema that ships inside
  check-jsonschema (``--builtin-schema vendor.github-workflows``);
* zizmor's offline audits report nothing of medium or high severity;
* the facts the site depends on are asserted directly: the Pages deployment uses the
  official Pages actions with the narrowest permissions, runs never overlap where they must
  not, and pip downloads are cached.

The tools are the ones installed next to this interpreter (``pip install -e '.[test]'``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS_DIR = REPO_ROOT / ".github" / "workflows"
ZIZMOR_CONFIG = REPO_ROOT / ".github" / "zizmor.yml"

WORKFLOW_FILES = sorted(WORKFLOWS_DIR.glob("*.y*ml"))
REQUIRED_WORKFLOWS = {"test.yml", "deploy.yml"}

TOOL_TIMEOUT = 180  # seconds; both tools finish in about a second here

# A pinned reference: owner/repo[/path]@<full commit SHA> # <version tag>
PINNED_USES = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+)*\s*$")


# --- helpers -------------------------------------------------------------------------------


def load_workflow(name: str) -> dict[str, Any]:
    path = WORKFLOWS_DIR / name
    assert path.is_file(), f"{path.relative_to(REPO_ROOT)} is missing"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{name} is not a YAML mapping"
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The ``on:`` block as a mapping. YAML 1.1 reads a bare ``on`` key as boolean true."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {event: None for event in on}
    assert isinstance(on, dict), f"unexpected 'on:' block: {on!r}"
    return on


def all_steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def steps_using(steps: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    """Steps whose ``uses:`` names ``action`` (owner/repo), at whatever ref."""
    return [step for step in steps if str(step.get("uses", "")).split("@")[0] == action]


def run_commands(steps: list[dict[str, Any]]) -> list[str]:
    """Every command line of the ``run:`` steps, in order, stripped."""
    lines = []
    for step in steps:
        lines += [line.strip() for line in str(step.get("run", "")).splitlines() if line.strip()]
    return lines


def tool_path(name: str) -> str:
    """The console script ``name`` installed beside this interpreter (the venv's own)."""
    candidates = [Path(sysconfig.get_path("scripts")) / name, Path(sys.executable).parent / name]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    pytest.fail(f"`{name}` is not installed; install the test tools with pip install -e '.[test]'")


def run_tool(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=TOOL_TIMEOUT, check=False)


# --- the files exist ---------------------------------------------------------------------


def test_the_workflows_exist():
    names = {path.name for path in WORKFLOW_FILES}
    missing = REQUIRED_WORKFLOWS - names
    assert not missing, f"missing workflows in .github/workflows: {sorted(missing)}"


# --- (a) the JSON Schema for GitHub workflows --------------------------------------------


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.name for p in WORKFLOW_FILES])
def test_workflow_matches_the_github_workflow_schema(path: Path):
    result = run_tool([sys.executable, "-m", "check_jsonschema",
                       "--builtin-schema", "vendor.github-workflows",
                       str(path.relative_to(REPO_ROOT))])
    assert result.returncode == 0, (
        f"{path.name} does not validate as a GitHub workflow:\n{result.stdout}{result.stderr}")


# --- (b) zizmor's security audits -------------------------------------------------------


def test_zizmor_finds_nothing_of_medium_or_high_severity():
    config = ["--config", str(ZIZMOR_CONFIG)] if ZIZMOR_CONFIG.is_file() else ["--no-config"]
    result = run_tool([tool_path("zizmor"), "--offline", "--strict-collection", "--no-progress",
                       "--format", "json", *config, str(WORKFLOWS_DIR.relative_to(REPO_ROOT))])
    # 0: no findings; 10-14: findings, coded by their highest severity. Anything else
    # (1, 2, ...) means zizmor itself failed, e.g. on a workflow it could not parse.
    assert result.returncode == 0 or 10 <= result.returncode <= 14, (
        f"zizmor failed (exit {result.returncode}):\n{result.stderr}")
    findings = json.loads(result.stdout)
    assert isinstance(findings, list), f"unexpected zizmor output: {result.stdout[:500]}"

    serious = []
    for finding in findings:
        severity = finding["determinations"]["severity"]
        if severity not in ("Medium", "High"):
            continue
        where = []
        for location in finding.get("locations", []):
            path = location["symbolic"]["key"].get("Local", {}).get("verbatim_path", "?")
            row = location["concrete"]["location"]["start_point"]["row"] + 1
            where.append(f"{path}:{row}")
        serious.append(f"{severity} {finding['ident']}: {finding['desc']} at {', '.join(where)}")
    assert not serious, "zizmor reports:\n" + "\n".join(serious)


# --- (c) the structure the site depends on ----------------------------------------------


def test_deploy_runs_on_pushes_to_main_and_by_hand():
    on = triggers(load_workflow("deploy.yml"))
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"]["branches"] == ["main"]


def test_deploy_permissions_are_minimal():
    workflow = load_workflow("deploy.yml")
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert set(jobs) == {"build", "deploy"}
    # The build job inherits the read-only default; only the deploy job may write to Pages.
    assert "permissions" not in jobs["build"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_deploy_builds_then_uploads_the_site_with_the_pages_actions():
    workflow = load_workflow("deploy.yml")
    build_steps = workflow["jobs"]["build"]["steps"]
    assert steps_using(build_steps, "actions/configure-pages")
    uploads = steps_using(build_steps, "actions/upload-pages-artifact")
    assert len(uploads) == 1
    assert uploads[0]["with"]["path"] == "site"

    position = {id(step): index for index, step in enumerate(build_steps)}
    builds = [step for step in build_steps if "paperwiki build" in str(step.get("run", ""))]
    assert builds, "the build job never runs `paperwiki build`"
    assert position[id(builds[0])] < position[id(uploads[0])], (
        "the site is uploaded before it is built")


def test_deploy_job_deploys_the_artifact_to_the_pages_environment():
    deploy = load_workflow("deploy.yml")["jobs"]["deploy"]
    assert deploy["needs"] in ("build", ["build"])
    deployments = steps_using(deploy["steps"], "actions/deploy-pages")
    assert len(deployments) == 1
    step_id = deployments[0]["id"]
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == f"${{{{ steps.{step_id}.outputs.page_url }}}}"


def test_deploys_never_overlap_or_cancel_each_other():
    concurrency = load_workflow("deploy.yml")["concurrency"]
    assert concurrency == {"group": "pages", "cancel-in-progress": False}


def test_test_workflow_runs_the_checks_the_tests_and_a_strict_build():
    workflow = load_workflow("test.yml")
    on = triggers(workflow)
    assert {"push", "pull_request"} <= set(on)
    assert workflow["permissions"] == {"contents": "read"}
    assert not any("permissions" in job for job in workflow["jobs"].values())

    commands = run_commands(all_steps(workflow))
    for expected in ("python -m pip install -e '.[test]'", "paperwiki check",
                     "python -m pytest", "paperwiki build"):
        assert expected in commands, f"test.yml never runs `{expected}`"
    assert any("apt-get install -y chromium" in line for line in commands), (
        "test.yml must be able to install Chromium for the browser tests")
    assert not any("playwright install" in line for line in commands), (
        "the browser tests use the system Chromium; Playwright must not download one")


def test_superseded_test_runs_are_cancelled():
    concurrency = load_workflow("test.yml")["concurrency"]
    assert "github.ref" in concurrency["group"] and "${{ github.workflow }}" in concurrency["group"]
    assert concurrency["cancel-in-progress"] is True


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.name for p in WORKFLOW_FILES])
def test_setup_python_caches_pip(path: Path):
    workflow = load_workflow(path.name)
    for step in steps_using(all_steps(workflow), "actions/setup-python"):
        options = step.get("with", {})
        assert options.get("cache") == "pip", f"{path.name}: setup-python without `cache: pip`"
        assert options.get("cache-dependency-path") == "pyproject.toml"
        assert str(options.get("python-version")) == "3.11"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.name for p in WORKFLOW_FILES])
def test_every_workflow_declares_its_permissions_and_keeps_no_credentials(path: Path):
    workflow = load_workflow(path.name)
    assert "permissions" in workflow, (
        f"{path.name} relies on the repository's default token permissions")
    assert workflow["permissions"] in ({}, {"contents": "read"}), (
        f"{path.name}: grant write permissions per job, not to the whole workflow")
    for step in steps_using(all_steps(workflow), "actions/checkout"):
        assert step.get("with", {}).get("persist-credentials") is False, (
            f"{path.name}: actions/checkout must not leave the token in .git/config")


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.name for p in WORKFLOW_FILES])
def test_every_action_is_pinned_to_a_commit_with_its_version_noted(path: Path):
    workflow = load_workflow(path.name)
    for step in all_steps(workflow):
        if "uses" in step:
            assert PINNED_USES.match(step["uses"]), (
                f"{path.name}: `{step['uses']}` is not pinned to a commit")
    # The version comment is what people (and update tools) read to know what a SHA is.
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if re.match(r"^\s*(-\s*)?uses:", line):
            assert VERSION_COMMENT.search(line), (
                f"{path.name}:{number}: pinned action without `# vX.Y.Z`")


def test_import_workflow_proposes_changes_through_a_pull_request():
    path = WORKFLOWS_DIR / "import.yml"
    if not path.is_file():
        pytest.skip("no import workflow")
    workflow = load_workflow("import.yml")
    assert set(triggers(workflow)) == {"schedule", "workflow_dispatch"}
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    commands = run_commands(job["steps"])
    assert commands.index("paperwiki import") < commands.index("paperwiki check")
    week = next(line for line in commands if line.startswith("paperwiki import --week"))
    assert commands.index(week) < commands.index("paperwiki import")
    resolve = next(line for line in commands if line.startswith("paperwiki resolve"))
    assert commands.index("paperwiki import") < commands.index(resolve) < commands.index(
        "paperwiki check")
    assert any(line.startswith("gh pr create") for line in commands)
    assert not any(re.search(r"git push\b.*\b(main|master)\b", line) for line in commands), (
        "the import must go through a pull request, never straight to main")
