"""The house rules of the package, checked on its source: folders are the architecture.

Imports go one way (network <- routing <- scenario <- flow <- analysis <- sweep <- shells), no
module-level import cycle, no private name borrowed from another folder, no module over 600
lines, nothing in the library imports a shell (cli, web).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "corridor"

# the order packages may import each other in: a package imports only from its own level or below
LAYER = {
    "errors": 0,
    "settings": 0,
    "records": 0,
    "store": 1,
    "network": 2,
    "routing": 3,
    "scenario": 4,
    "flow": 5,
    "analysis": 6,
    "plot": 6,
    "sweep": 7,
    "news": 8,
    "cli": 9,
    "web": 9,
    "__init__": 10,
    "__main__": 10,
    "_version": 0,
}
SHELLS = {"cli", "web", "__main__"}
TOP_LEVEL = {"__init__", "__main__", "_version", "errors", "settings", "records", "store", "plot"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path) -> list[tuple[str, tuple[str, ...], bool]]:
    """(module imported, names taken from it, imported at module level) for each corridor import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for child in node.body for n in ast.walk(child))
    top_level = {id(n) for n in tree.body}
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("corridor"):
            out.append((node.module, tuple(a.name for a in node.names), id(node) in top_level))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("corridor"):
                    out.append((alias.name, (), id(node) in top_level))
    return out


def _home(module: str) -> str:
    """The folder (or top-level module) a module belongs to: 'corridor.flow.build' -> 'flow'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = _modules()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_one_way(name):
    here = _home(name)
    for module, _, _ in _imports(MODULES[name]):
        there = _home(module)
        assert LAYER[there] <= LAYER[here], f"{name} imports {module}: {here} may not depend on {there}"
        if here not in SHELLS:
            assert there not in SHELLS, f"{name} (library) imports the shell {module}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_crosses_a_folder(name):
    here = _home(name)
    for module, names, _ in _imports(MODULES[name]):
        if _home(module) == here:
            continue
        private = [n for n in names if n.startswith("_")]
        hidden = [p for p in module.split(".")[1:] if p.startswith("_")]
        assert not private and not hidden, f"{name} borrows {private or hidden} from {module}"


def _module_graph() -> dict[str, set[str]]:
    """Module -> the corridor modules it imports at module level (outside ``if TYPE_CHECKING``)."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for module, names, at_top in _imports(path):
            if not at_top:
                continue
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES] or [module]
            graph[name].update(t for t in targets if t in MODULES and t != name)
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as a closed list of nodes, or None."""
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt, [*trail, nxt])):
                return found
        state[node] = 2
        return None

    for name in sorted(graph):
        if name not in state and (found := visit(name, [name])):
            return found
    return None


def test_cycle_finder_finds_a_planted_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_level_import_cycle():
    cycle = _find_cycle(_module_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name):
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= 600, f"{name} has {lines} lines; split it by job"


def test_every_folder_states_its_public_names():
    for folder in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        tree = ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))
        declared = [n for n in tree.body if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "__all__"]
        assert declared, f"{folder.name}/__init__.py has no __all__"


def test_few_top_level_modules():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert len(top - TOP_LEVEL) <= 2, f"top-level modules beyond the house's: {sorted(top - TOP_LEVEL)}"
