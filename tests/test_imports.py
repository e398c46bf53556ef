"""No import cycles among the project's modules, nor among its parts.

A cycle is what makes a change in one module break another far away (and what forces imports
into function bodies to dodge it), so each import counts wherever it is written: at module
level or inside a function. Imports under ``if TYPE_CHECKING:`` are left out: they never run.

Parts are checked as well as modules: ``scoring`` as a whole, each subpackage of ``bot``
(``bot.handlers``, ``bot.dialogs``, ``bot.transports`` …) as a whole, and each other module of
``bot`` on its own. Two modules that never import each other can still tie two parts together
(``bot.dialogs.x`` importing ``bot.handlers.y`` while ``bot.handlers.z`` imports
``bot.dialogs.w``): then neither part can be understood, or changed, without the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "scoring", "knowledge")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The project's modules named by the imports in ``tree``, skipping TYPE_CHECKING blocks."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                # ``from pkg import mod`` imports the module ``pkg.mod``, else a name of ``pkg``.
                sub = f"{base}.{alias.name}"
                names.add(sub if sub in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in names if name in known and name != module}


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {
        name: _imports(
            ast.parse(path.read_text(encoding="utf-8"), str(path)),
            name,
            path.name == "__init__.py",
            known,
        )
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def part_of(module: str) -> str:
    """``scoring.report`` → ``scoring``; ``bot.handlers.ask`` → ``bot.handlers``;
    ``bot.engine`` → ``bot.engine``."""
    parts = module.split(".")
    if parts[0] != "bot":
        return parts[0]
    return ".".join(parts[:2])


def part_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    parts: dict[str, set[str]] = {}
    for module, targets in graph.items():
        here = part_of(module)
        parts.setdefault(here, set()).update(
            part_of(target) for target in targets if part_of(target) != here
        )
    return parts


def test_the_graph_sees_imports_of_every_kind() -> None:
    graph = import_graph()
    assert "bot.engine" in graph["bot.app"]  # module level, from-import
    assert graph["bot.cli.run"] & {"bot.app", "bot.bootstrap"}  # inside a function
    assert "bot.transports.outbox" not in graph["bot.app"]  # under TYPE_CHECKING only


def test_a_cycle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_parts_are_grouped() -> None:
    graph = {"bot.a.x": {"bot.b.y"}, "bot.b.z": {"bot.a.w"}, "scoring.s": {"bot.c"}}
    assert cycles(part_graph(graph)) == [["bot.a", "bot.b"]]
    assert part_graph(graph)["scoring"] == {"bot.c"}


def test_no_import_cycles_between_modules() -> None:
    assert cycles(import_graph()) == []


def test_no_import_cycles_between_parts() -> None:
    assert cycles(part_graph(import_graph())) == []
