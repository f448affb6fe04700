"""The package reads as the data flows, and imports only point down it.

    base (schema, text, config, folders, progress, heap) → corpus → search → answers → assistant
    → evaluation (beside the assistant: it runs it) → interfaces (cli, web, langchain)

A module may import its own stage and the stages below it, never one above: search
must not import answers, answers must not import an interface. Lazy imports inside
functions count too (they are dependencies all the same), and there is no cycle
between modules. ``qa/__init__.py`` is the facade that re-exports upward on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

QA = Path(__file__).resolve().parents[1] / "qa"
STAGES = {  # module or subpackage -> rank
    "qa.schema": 0,
    "qa.text": 0,
    "qa.config": 0,
    "qa.folders": 0,
    "qa.progress": 0,
    "qa.heap": 0,
    "qa.corpus": 1,
    "qa.search": 2,
    "qa.answers": 3,
    "qa.assistant": 4,
    "qa.opening": 4,
    "qa.evaluation": 5,
    "qa.cli": 6,
    "qa.cli_documents": 6,
    "qa.web": 6,
    "qa.web_documents": 6,
    "qa.web_answers": 6,
    "qa.web_exports": 6,
    "qa.langchain": 6,
    "qa.api": 6,
    "qa.agents": 6,
    "qa.server": 6,
}
FACADE = {"__version__": 0, "Answer": 0, "Citation": 0, "Hit": 0, "Assistant": 4}  # what `from qa import …` names


def _module(path: Path) -> str:
    parts = path.relative_to(QA.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(p for p in QA.rglob("*.py") if p != QA / "__init__.py")
MODULE_NAMES = {_module(p) for p in MODULES}


def _rank(module: str) -> int | None:
    for prefix, rank in STAGES.items():
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return None


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported qa module, rank) for every import in the file, at any depth."""
    out: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name == "qa" or a.name.startswith("qa.")]
            out += [(n, r) for n in names if (r := _rank(n)) is not None]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "qa":
                for alias in node.names:
                    rank = FACADE.get(alias.name, _rank(f"qa.{alias.name}"))
                    assert rank is not None, f"{path}: from qa import {alias.name}"
                    out.append((f"qa.{alias.name}" if alias.name[0].islower() else "qa", rank))
            elif node.module.startswith("qa."):
                for alias in node.names:  # `from qa.evaluation import metrics` imports the module qa.evaluation.metrics
                    name = f"{node.module}.{alias.name}"
                    name = name if name in MODULE_NAMES else node.module
                    rank = _rank(name)
                    assert rank is not None, f"{path}: {name} belongs to no stage"
                    out.append((name, rank))
    return out


def test_every_module_belongs_to_a_stage() -> None:
    assert [str(p) for p in MODULES if _rank(_module(p)) is None] == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module(p))
def test_imports_only_point_down_the_data_flow(path: Path) -> None:
    own = _rank(_module(path))
    assert own is not None
    upward = [name for name, rank in _imports(path) if rank > own]
    assert upward == [], f"{_module(path)} (stage {own}) imports {upward}"


def test_there_is_no_import_cycle() -> None:
    graph = {_module(p): {n for n, _ in _imports(p) if n != "qa"} for p in MODULES}
    known = set(graph)
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            target = nxt if nxt in known else next((k for k in known if k == nxt), None)
            if target is None:
                continue
            if state.get(target) == 1:
                pytest.fail("import cycle: " + " -> ".join([*trail, node, target]))
            if target not in state:
                visit(target, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_the_readme_layout_matches_the_tree() -> None:
    readme = (QA.parent / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    for path in sorted(QA.rglob("*.py")):
        shown = path.relative_to(QA.parent).as_posix()
        if path.name == "__init__.py":
            assert path.parent == QA or f"{path.parent.name}/" in layout, f"README's Layout does not show {shown}"
        else:
            assert path.name in layout, f"README's Layout does not show {shown}"
