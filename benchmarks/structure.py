"""The shape of the package (issue 25): long functions, long modules and import cycles.

Run: ``python benchmarks/structure.py`` (``--check`` exits 1 when anything is listed outside the allowed hops).
It reads the source as text (``ast``), runs none of it, and prints:

1. every function over 60 lines in a **stage module** and over 80 lines anywhere in the package, docstring
   excluded (a method is ``Class.name``; a nested function is counted on its own and inside its parent);
2. every module outside ``report/`` over 600 lines;
3. every import cycle between the package's modules, counting imports inside functions, ``importlib`` loads of
   the package's own modules named by a string, and the import of a package's ``__init__`` that importing one of
   its modules implies (``TYPE_CHECKING`` blocks are left out: they never run). A cycle that only closes through
   one of the **named accessors** (the result-to-chart hop that ENGINE.md allows, :data:`ACCESSORS`) is listed
   apart as allowed.

The stage modules are the pipeline's modules of ENGINE.md's layout (and the stage modules the package has grown
since: checks, screen, breaks, estimates...); a module split into a package keeps its stage (``ictindex.panel.*``).
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "ictindex"
SOURCE = Path(__file__).resolve().parent.parent / "src" / PACKAGE

STAGE_LIMIT = 60
PACKAGE_LIMIT = 80
MODULE_LIMIT = 600

#: ENGINE.md "Layout": one module per stage (a package split from one keeps the name as its prefix).
STAGES = (
    "framework",
    "spec",
    "arguments",  # split from spec
    "inputs",  # the load stage: user files, published formats, bundled data (issue 25: one input package)
    "panel",
    "derive",
    "units",
    "economies",
    "checks",
    "screen",
    "breaks",
    "impute",
    "treat",
    "normalise",
    "weights",
    "aggregate",
    "model",
    "stages",  # split from model
    "variants",  # split from model
    "fitted",
    "chunk_stats",  # split from fitted
    "coverage",
    "build",
    "result",
    "gender",
    "analysis",
    "divide",
    "estimates",
    "estimate_spec",  # split from estimates
    "estimate_data",  # split from estimates
    "estimate_models",
    "estimate_trend",  # split from estimate_models
    "estimate_regression",  # split from estimate_models
    "uncertainty",
    "factors",  # split from uncertainty
    "sensitivity",
    "stats",
    "findings",
    "ranking",
)

#: The named accessors (ENGINE.md): the one lazy hop from a result into ``report/``. An import made inside one of
#: these functions (``module``, ``qualified function``; ``*`` for every function of the module) may close a cycle.
ACCESSORS = (
    ("ictindex.plotting", "*"),
    ("ictindex.result", "IndexResult.plot"),
    ("ictindex.uncertainty", "UncertaintyResult.plot"),
    ("ictindex.sensitivity", "SensitivityResult.plot"),
)


@dataclass(frozen=True)
class Edge:
    """One import of a package module by another: where it is written and how."""

    source: str
    target: str
    line: int
    where: str  # "module" or the qualified name of the function holding the import
    how: str  # "import", "implied __init__", "importlib"

    @property
    def allowed(self) -> bool:
        return any(self.source == m and (f == "*" or self.where == f) for m, f in ACCESSORS)


def module_files(root: Path = SOURCE) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    files = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def is_stage(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 1 and parts[1] in STAGES


# -- function lengths ---------------------------------------------------------------------------------------------


def _docstring_lines(node: ast.AST) -> int:
    body = getattr(node, "body", [])
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first.end_lineno - first.lineno + 1
    return 0


def function_lengths(tree: ast.Module) -> list[tuple[str, int, int]]:
    """(qualified name, first line, lines without the docstring) of every function in a module."""
    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                length = child.end_lineno - child.lineno + 1 - _docstring_lines(child)
                found.append((name, child.lineno, length))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


# -- imports ------------------------------------------------------------------------------------------------------


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _implied(source: str, target: str) -> list[str]:
    """The packages whose ``__init__`` importing ``target`` runs (not the root, not the importer's own)."""
    parts = target.split(".")
    parents = [".".join(parts[:i]) for i in range(2, len(parts))]
    return [p for p in parents if not (source == p or source.startswith(p + "."))]


def imports_of(module: str, path: Path, modules: set[str]) -> list[Edge]:
    """Every import of a package module written in ``module`` (TYPE_CHECKING blocks excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    edges: list[Edge] = []

    def add(target: str, line: int, where: str, how: str = "import") -> None:
        if target == module or not (target == PACKAGE or target.startswith(PACKAGE + ".")):
            return
        edges.append(Edge(module, target, line, where, how))
        for parent in _implied(module, target):
            edges.append(Edge(module, parent, line, where, "implied __init__"))

    def visit(node: ast.AST, where: str, qual: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(ast.Module(body=[sub], type_ignores=[]), where, qual)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name, child.lineno, where)
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(module, is_package, child.level, child.module)
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    add(sub if sub in modules else base, child.lineno, where)
            elif isinstance(child, ast.Call) and _is_import_module(child):
                arg = child.args[0] if child.args else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    add(arg.value, child.lineno, where, "importlib")
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{qual}{child.name}"
                visit(child, name, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, where, f"{qual}{child.name}.")
            else:
                visit(child, where, qual)

    visit(tree, "module", "")
    edges = list(dict.fromkeys(edges))  # one row per import statement and target
    if any(e.how == "importlib" for e in edges) or _calls_import_module(tree):
        for node in ast.walk(tree):  # modules named by string for importlib.import_module(variable)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in modules:
                add(node.value, node.lineno, "module", "importlib")
    return list(dict.fromkeys(edges))


def _is_import_module(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id == "import_module"
    )


def _calls_import_module(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.Call) and _is_import_module(n) for n in ast.walk(tree))


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def cycles(edges: list[Edge]) -> tuple[list[tuple[list[str], list[Edge]]], list[tuple[list[str], list[Edge]]]]:
    """(cycles without the accessors, cycles that close only through an accessor), each with its edges."""

    def components(use: list[Edge]) -> list[tuple[list[str], list[Edge]]]:
        graph: dict[str, set[str]] = {}
        for e in use:
            graph.setdefault(e.source, set()).add(e.target)
            graph.setdefault(e.target, set())
        found = []
        for members in strongly_connected(graph):
            inside = set(members)
            found.append((members, [e for e in use if e.source in inside and e.target in inside]))
        return found

    plain = components([e for e in edges if not e.allowed])
    every = components(edges)
    plain_sets = [set(m) for m, _ in plain]
    through_accessor = [(m, es) for m, es in every if set(m) not in plain_sets]
    return plain, through_accessor


# -- report -------------------------------------------------------------------------------------------------------


def measure(root: Path = SOURCE) -> dict[str, list]:
    files = module_files(root)
    long_stage, long_package, long_modules, edges = [], [], [], []
    for module, path in files.items():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root.parent).as_posix()
        n_lines = len(text.splitlines())
        if n_lines > MODULE_LIMIT and not module.startswith(f"{PACKAGE}.report"):
            long_modules.append((rel, n_lines))
        for name, line, length in function_lengths(ast.parse(text)):
            if length > PACKAGE_LIMIT:
                long_package.append((f"{rel}:{line}", name, length))
            if length > STAGE_LIMIT and is_stage(module):
                long_stage.append((f"{rel}:{line}", name, length))
        edges.extend(imports_of(module, path, set(files)))
    plain, allowed = cycles(edges)
    return {
        "stage": sorted(long_stage, key=lambda r: -r[2]),
        "package": sorted(long_package, key=lambda r: -r[2]),
        "modules": sorted(long_modules, key=lambda r: -r[1]),
        "cycles": plain,
        "allowed": allowed,
    }


def _print_cycle(members: list[str], edges: list[Edge]) -> None:
    print(f"  cycle of {len(members)}: {', '.join(members)}")
    for e in sorted(edges, key=lambda e: (e.source, e.target, e.line)):
        where = "" if e.where == "module" else f" in {e.where}()"
        how = "" if e.how == "import" else f" [{e.how}]"
        mark = " [accessor]" if e.allowed else ""
        print(f"    {e.source} -> {e.target} (line {e.line}{where}){how}{mark}")


def report(found: dict[str, list]) -> int:
    """Print what :func:`measure` found; return the number of findings outside the allowed hops."""
    print(f"Functions over {STAGE_LIMIT} lines in stage modules (docstring excluded): {len(found['stage'])}")
    for where, name, length in found["stage"]:
        print(f"  {length:4d}  {name}  ({where})")
    print(f"Functions over {PACKAGE_LIMIT} lines in the package: {len(found['package'])}")
    for where, name, length in found["package"]:
        print(f"  {length:4d}  {name}  ({where})")
    print(f"Modules outside report/ over {MODULE_LIMIT} lines: {len(found['modules'])}")
    for rel, n in found["modules"]:
        print(f"  {n:5d}  {rel}")
    print(f"Import cycles (imports inside functions included), outside the named accessors: {len(found['cycles'])}")
    for members, edges in found["cycles"]:
        _print_cycle(members, edges)
    print(f"Import cycles closed only through a named accessor (allowed): {len(found['allowed'])}")
    for members, edges in found["allowed"]:
        _print_cycle(members, edges)
    return len(found["stage"]) + len(found["package"]) + len(found["modules"]) + len(found["cycles"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when anything is listed")
    parser.add_argument("--source", type=Path, default=SOURCE, help="the package folder (default: src/ictindex)")
    args = parser.parse_args(argv)
    n = report(measure(args.source))
    print(f"Findings outside the allowed hops: {n}")
    return 1 if (args.check and n) else 0


if __name__ == "__main__":
    sys.exit(main())
