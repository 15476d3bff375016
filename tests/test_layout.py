"""The package keeps its shape: one adapter knows the site builder, nothing else does."""

from __future__ import annotations

import ast
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
BUILDER_PACKAGES = {"mkdocs", "material", "properdocs"}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    names |= {node.module for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}
    return {name.split(".")[0] for name in names}


def test_only_the_adapter_imports_the_site_builder() -> None:
    outside = {path.relative_to(GENERATOR).as_posix(): _imported_packages(path) & BUILDER_PACKAGES
               for path in GENERATOR.rglob("*.py") if "mkdocs" not in path.relative_to(GENERATOR).parts}
    assert {name: found for name, found in outside.items() if found} == {}
    inside = set().union(*(_imported_packages(path) for path in (GENERATOR / "mkdocs").glob("*.py")))
    assert "mkdocs" in inside  # the check looks where the builder really is


def test_the_adapter_types_its_hooks_with_the_builders_own_types() -> None:
    source = (GENERATOR / "mkdocs" / "plugin.py").read_text("utf-8")
    hooks = [node for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.FunctionDef) and node.name.startswith("on_")]
    assert len(hooks) >= 8
    for hook in hooks:
        annotations = [arg.annotation for arg in hook.args.args[1:]]
        assert all(annotation is not None and ast.unparse(annotation) != "Any"
                   for annotation in annotations), hook.name


def test_benchmarks_and_shared_helpers_do_not_import_tests() -> None:
    """bench/ and harness/ run without the test suite: what both need lives in harness/."""
    root = GENERATOR.parent
    importing = {path.relative_to(root).as_posix() for folder in ("bench", "harness")
                 for path in (root / folder).rglob("*.py") if "tests" in _imported_packages(path)}
    assert importing == set()
    assert "harness" in _imported_packages(root / "bench" / "resolve_rate.py")
