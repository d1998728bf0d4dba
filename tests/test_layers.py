"""The code's direction: core's layers import one way, from the base up, and no module of paraviz
imports itself back through others. Every import counts, in a function or for types only: a
reader follows those too. The order is written in docs/how-it-works.md."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
#: From the base up: a module may import its own layer and the ones before it, never after.
LAYERS = ("i18n", "model", "host", "measure", "teach", "tui")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT).with_suffix("").parts)
    return ".".join(["paraviz", *(parts[:-1] if parts[-1] == "__init__" else parts)])


def paraviz_modules() -> dict[str, Path]:
    return {module_name(p): p for folder in ("core", "tui") for p in (PACKAGE_ROOT / folder).rglob("*.py")}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The paraviz modules a file imports anywhere in it (``from a import b`` is a.b if b is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("paraviz"):
            found |= {
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module for a in node.names
            }
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("paraviz")}
    return found


def import_graph() -> dict[str, set[str]]:
    modules = paraviz_modules()
    known = set(modules)
    return {name: imports_of(path, known) & known - {name} for name, path in modules.items()}


def layer_of(module: str) -> str | None:
    """paraviz.core.model.figures -> model, paraviz.core.i18n -> i18n, paraviz.tui.app -> tui."""
    parts = module.split(".")
    if parts[1] == "tui":
        return "tui"
    return parts[2] if len(parts) > 2 else None  # paraviz.core itself belongs to no layer


def against_the_order(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for source, targets in graph.items():
        below = layer_of(source)
        for target in targets:
            above = layer_of(target)
            if below is not None and above is not None and LAYERS.index(above) > LAYERS.index(below):
                wrong.append(f"{source} ({below}) imports {target} ({above})")
    return sorted(wrong)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_belongs_to_a_layer():
    layers = {layer_of(m) for m in paraviz_modules()} - {None}
    assert layers == set(LAYERS)


def test_imports_follow_the_layers():
    assert against_the_order(import_graph()) == []


def test_no_module_imports_itself_back():
    assert cycles(import_graph()) == []


def test_the_checks_see_a_wrong_import_and_a_circle():
    graph = {
        "paraviz.core.model.results": {"paraviz.core.teach.explain"},  # model above teach: wrong
        "paraviz.core.teach.explain": {"paraviz.core.model.figures", "paraviz.core.i18n"},
        "paraviz.tui.app": {"paraviz.tui.run_view"},
        "paraviz.tui.run_view": {"paraviz.tui.app"},  # a type-only import back is still a circle
    }
    assert against_the_order(graph) == ["paraviz.core.model.results (model) imports paraviz.core.teach.explain (teach)"]
    assert cycles(graph) == [["paraviz.tui.app", "paraviz.tui.run_view"]]
