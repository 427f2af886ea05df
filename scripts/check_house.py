#!/usr/bin/env python3
"""House rules for product code (issue 12): no module over 700 lines, no function over 100 lines,
no import cycle between modules, and the plugin's ``plugin.py`` (wiring only) at most 250 lines. Plain Python 3.9+, standard library only (``ast``).

    python3 scripts/check_house.py            # the plugin and the store
    python3 scripts/check_house.py --store    # store/safestats_store only
    python3 scripts/check_house.py --plugin   # plugin.py, ui, providers, governance and any other
                                              # top-level plugin package
    python3 scripts/check_house.py --root DIR # check a tree other than this repository

Each violation is printed as ``path:line: message``; the exit status is 1 if there is any.
Tests, scripts and benchmarks are not product code and are not checked. An import inside a
function counts towards a cycle like any other: a local import hides a cycle, it does not remove it.
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 100
MAX_PLUGIN_PY_LINES = 250  # plugin.py is wiring only (initGui / unload); the work lives in ui/ and providers/
# top-level folders of the repository that are not the plugin's product code
NOT_PLUGIN = {"tests", "scripts", "bench", "store", "docs", "var", "i18n", "help", "build", "dist"}


def _package_roots_plugin(root: Path) -> list[Path]:
    """plugin.py (and other top-level modules beside it) and every top-level Python package."""
    found = []
    for path in sorted(root.iterdir()):
        if path.name.startswith((".", "_")) or path.name in NOT_PLUGIN:
            continue
        if path.is_dir() and (path / "__init__.py").is_file():
            found.append(path)
        elif path.is_file() and path.suffix == ".py" and path.name != "__init__.py":
            found.append(path)
    return found


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_file():
            out.append(p)
        else:
            out.extend(q for q in sorted(p.rglob("*.py")) if not any(part.startswith(".") for part in q.parts))
    return out


def _module_name(path: Path, base: Path) -> str:
    """Dotted name of ``path`` relative to ``base`` (the folder that holds the top-level package)."""
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST, module: str, is_package: bool) -> list[tuple[str, str | None, int]]:
    """Every import in ``tree`` as (module, imported name or None, line); relative ones resolved.

    ``from pkg import name`` depends on the module ``pkg.name`` when that is a module, else on ``pkg``.
    """
    out: list[tuple[str, str | None, int]] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, None, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                keep = len(parts) - (node.level - 1)
                if keep < 0:
                    continue
                base = ".".join(parts[:keep])
                target = f"{base}.{node.module}" if node.module and base else (node.module or base)
            else:
                target = node.module or ""
            out.extend((target, alias.name, node.lineno) for alias in node.names)
    return out


def _long_functions(tree: ast.AST) -> list[tuple[int, str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > MAX_FUNCTION_LINES:
                found.append((first, node.name, length))
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
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
                    work.append((child, iter(sorted(graph[child]))))
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
                    result.append(sorted(component))
    return result


def check(paths: list[Path], base: Path, show_base: Path) -> list[str]:
    """Violations in the Python files under ``paths``; module names are taken relative to ``base``."""
    problems: list[str] = []
    modules: dict[str, tuple[Path, list[tuple[str, str | None, int]]]] = {}
    for path in _files(paths):
        shown = path.relative_to(show_base) if path.is_relative_to(show_base) else path
        text = path.read_text(encoding="utf-8")
        try:
            tree = ast.parse(text, filename=str(path))
        except SyntaxError as exc:
            problems.append(f"{shown}:{exc.lineno or 1}: syntax error: {exc.msg}")
            continue
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            problems.append(f"{shown}:1: module has {lines} lines (at most {MAX_MODULE_LINES})")
        for line, name, length in _long_functions(tree):
            problems.append(f"{shown}:{line}: function {name}() has {length} lines (at most {MAX_FUNCTION_LINES})")
        name = _module_name(path, base)
        modules[name] = (shown, _imports(tree, name, path.name == "__init__.py"))
    graph: dict[str, set[str]] = {name: set() for name in modules}
    first_line: dict[tuple[str, str], int] = {}
    for name, (_shown, imports) in modules.items():
        for package, imported, line in imports:
            target = f"{package}.{imported}" if f"{package}.{imported}" in modules else package
            if target in modules and target != name:
                graph[name].add(target)
                first_line.setdefault((name, target), line)
    for component in _cycles(graph):
        members = set(component)
        for name in component:
            for target in sorted(graph[name] & members):
                problems.append(f"{modules[name][0]}:{first_line[(name, target)]}: import cycle: {name} imports "
                                f"{target} (cycle: {' -> '.join(component)})")
    return problems


def check_plugin_py(root: Path) -> list[str]:
    """plugin.py holds the wiring only: at most MAX_PLUGIN_PY_LINES lines."""
    path = root / "plugin.py"
    if not path.is_file():
        return []
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if lines > MAX_PLUGIN_PY_LINES:
        return [f"plugin.py:1: plugin.py has {lines} lines (at most {MAX_PLUGIN_PY_LINES}: wiring only)"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    side = parser.add_mutually_exclusive_group()
    side.add_argument("--store", action="store_true", help="check store/safestats_store only")
    side.add_argument("--plugin", action="store_true", help="check the plugin only")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="repository root (default: this repository)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    problems: list[str] = []
    if not args.plugin:
        problems += check([root / "store" / "safestats_store"], root / "store", root)
    if not args.store:
        problems += check(_package_roots_plugin(root), root, root)
        problems += check_plugin_py(root)
    for problem in problems:
        print(problem)
    print(f"check_house: {len(problems)} violation(s)" if problems else "check_house: clean")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
