#!/usr/bin/env python3
"""Fail on Qt5-only usage in the plugin: the CI stand-in for running it on QGIS 4 (Qt6).

    python3 scripts/check_qt6.py                 check the shipped plugin (root *.py, ui/, providers/, processing_provider/,
                                                 governance/ and every ui/*.ui)
    python3 scripts/check_qt6.py FILE_OR_DIR...  check only these (.py and .ui)

QGIS 4 cannot be installed here, so every Qt name the plugin uses is *resolved against PyQt6*
(installed from PyPI into the scratch venv ``var/qt6-venv``; created on first use when the
running Python has no PyQt6):

* imports from ``qgis.PyQt.*``: the module and each imported name must exist in PyQt6 (plus what
  QGIS's own ``qgis.PyQt`` shim adds on Qt6 builds, see ``QGIS_SHIM``). A direct ``PyQt5`` import
  is always an error (QGIS 4 has no PyQt5).
* every attribute chain rooted at such a name (``Qt.Checked``, ``QMessageBox.Yes``,
  ``QtWidgets.QSizePolicy.Expanding`` ...) is resolved with ``getattr`` on the PyQt6 object, so an
  unscoped enum, a removed class member or a moved class fails with ``file:line``;
* ``self.<Name>`` inside a class deriving from a Qt class (``self.Accepted`` in a QDialog);
* PyQt5-only spellings on any object: ``exec_()``, ``print_()``;
* ``int(...)`` or arithmetic on a PyQt6 enum member that is not an ``int`` in PyQt6
  (``int(Qt.CheckState.Checked)`` raises TypeError there);
* every ``.ui`` file is compiled by PyQt6's ``uic`` (that is what ``uic.loadUiType`` does on QGIS 4)
  and the generated code is checked the same way.

With ``--pyqgis`` (run by QGIS's own Python): PyQGIS enum members spelled unscoped
(``Qgis.Warning`` -> ``Qgis.MessageLevel.Warning``; sip 6 on Qt6 has only the scoped form), and enums
that moved into ``Qgis.*`` after 3.22 (``QgsWkbTypes.PointGeometry``...), which must go through
``providers/compat.py`` (PYQGIS_MOVED).

What it cannot see: attributes reached through instances of unknown type (``event.pos()``).
Exit status 1 when anything is found. Standard library + PyQt6 (or QGIS for --pyqgis) only.
"""
from __future__ import annotations

import argparse
import ast
import enum
import importlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence

REPO = Path(__file__).resolve().parent.parent
#: one scratch venv per Python (the matrix runs this in a Debian 13 chroot on the same checkout: a venv
#: made by the host's Python 3.11 does not run there)
VENV = REPO / "var" / "qt6-venv" / sys.implementation.cache_tag
PYQT6_REQUIREMENT = os.environ.get("SAFESTATS_PYQT6", "PyQt6>=6.5")
#: what the QGIS plugin zip ships (scripts/package.py ROOT_DIRS, minus icons)
DEFAULT_TARGETS = ("ui", "providers", "processing_provider", "governance")
SKIP_DIRS = {"__pycache__", ".venv", ".venv-qgis", "tests", "var", "store"}

#: Names QGIS's ``qgis.PyQt`` modules add on Qt6 builds (python/PyQt/PyQt/QtWidgets.py.in in the
#: QGIS repository: ``QAction`` and ``QShortcut`` stay importable from ``qgis.PyQt.QtWidgets``).
#: Note the reverse is NOT true on QGIS 3.22: its ``qgis.PyQt.QtGui`` has no QAction, so the
#: plugin keeps importing them from ``qgis.PyQt.QtWidgets`` (works on 3.22 ... 4.x).
QGIS_SHIM: Dict[str, Dict[str, str]] = {
    "QtWidgets": {"QAction": "QtGui", "QShortcut": "QtGui"},
}
#: Modules that exist under ``qgis.PyQt`` but not as ``PyQt6.<name>`` (QGIS provides them).
QGIS_ONLY_MODULES = {"Qsci", "sip"}
PYQT5_ONLY_METHODS = {
    "exec_": "exec()",
    "print_": "print()",
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# ---------------------------------------------------------------- PyQt6 (scratch venv)


def ensure_pyqt6(argv: Sequence[str]) -> None:
    """Re-run this script with var/qt6-venv/<python>'s Python when the running one has no PyQt6."""
    try:
        import PyQt6.QtCore  # noqa: F401
        return
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if os.environ.get("SAFESTATS_QT6_REEXEC"):
        sys.exit(f"PyQt6 cannot be imported by {sys.executable}")
    if not python.exists():
        print(f"== creating {VENV.relative_to(REPO)} with {PYQT6_REQUIREMENT} (once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import PyQt6.QtWidgets, PyQt6.uic"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", PYQT6_REQUIREMENT], check=True)
    env = dict(os.environ, SAFESTATS_QT6_REEXEC="1")
    os.execve(str(python), [str(python), str(Path(__file__).resolve()), *argv], env)


def pyqt6_module(name: str) -> Optional[Any]:
    try:
        return importlib.import_module(f"PyQt6.{name}")
    except ImportError:
        return None


def module_attr(module_name: str, attr: str) -> Optional[Any]:
    """``qgis.PyQt.<module_name>.<attr>`` on a QGIS Qt6 build, or None."""
    module = pyqt6_module(module_name)
    if module is not None and hasattr(module, attr):
        return getattr(module, attr)
    moved_to = QGIS_SHIM.get(module_name, {}).get(attr)
    if moved_to:
        return getattr(pyqt6_module(moved_to), attr, None)
    return None


def qvariant_type_patched(name: str) -> bool:
    """QGIS's Qt6 build patches ``QVariant.Int`` & co. back in as their ``QMetaType.Type`` equivalents
    (``QVariant.String`` -> ``QMetaType.Type.QString``), so QgsField(name, QVariant.Int) keeps working
    and 3.22 (which accepts only QVariant.Type there) does too."""
    from PyQt6.QtCore import QMetaType
    return hasattr(QMetaType.Type, name) or hasattr(QMetaType.Type, "Q" + name)


# ---------------------------------------------------------------- the checker


_MISSING = object()


class _Checker(ast.NodeVisitor):
    def __init__(self, path: str, pyqt6_code: bool = False) -> None:
        self.path = path
        self.findings: List[Finding] = []
        # local name -> (PyQt6 object, dotted name for messages)
        self.bound: Dict[str, tuple] = {}
        self.pyqt6_code = pyqt6_code  # generated by PyQt6's uic: `from PyQt6 import QtCore`
        self.class_stack: List[tuple] = []  # (qt base objects, names assigned in the class)
        self._seen_chains: set = set()

    def report(self, node: ast.AST, message: str) -> None:
        self.findings.append(Finding(self.path, getattr(node, "lineno", 0), message))

    # ---- imports

    def visit_Import(self, node: ast.AST) -> None:  # noqa: N802
        """Imports are bound in a first pass (check_source), before any use is visited."""

    visit_ImportFrom = visit_Import  # noqa: N815

    def bind_import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "PyQt5" or alias.name.startswith("PyQt5."):
                self.report(node, f"import {alias.name}: QGIS 4 has no PyQt5; import from qgis.PyQt")
            elif alias.name.startswith("qgis.PyQt.") and alias.asname:
                module = alias.name.split(".")[2]
                self._bind_module(node, alias.asname, module)

    def bind_import_from(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module == "PyQt5" or module.startswith("PyQt5."):
            self.report(node, f"from {module} import ...: QGIS 4 has no PyQt5; import from qgis.PyQt")
            return
        if module in ("qgis.PyQt", "PyQt6") and (module == "qgis.PyQt" or self.pyqt6_code):
            for alias in node.names:
                self._bind_module(node, alias.asname or alias.name, alias.name)
            return
        if module.startswith("qgis.PyQt.") or (self.pyqt6_code and module.startswith("PyQt6.")):
            qt_module = module.split(".")[2] if module.startswith("qgis.") else module.split(".")[1]
            if qt_module in QGIS_ONLY_MODULES or qt_module == "uic":
                return
            if pyqt6_module(qt_module) is None:
                self.report(node, f"{module} does not exist in PyQt6")
                return
            for alias in node.names:
                if alias.name == "*":
                    continue
                obj = module_attr(qt_module, alias.name)
                if obj is None:
                    where = [m for m in ("QtCore", "QtGui", "QtWidgets") if m != qt_module
                             and pyqt6_module(m) is not None and hasattr(pyqt6_module(m), alias.name)]
                    hint = f" (PyQt6 has it in {where[0]})" if where else ""
                    self.report(node, f"{alias.name} cannot be imported from {module} on Qt6{hint}")
                    continue
                self.bound[alias.asname or alias.name] = (obj, f"{alias.name}")

    def _bind_module(self, node: ast.AST, local: str, name: str) -> None:
        if name in QGIS_ONLY_MODULES or name == "uic":
            return
        module = pyqt6_module(name)
        if module is None:
            self.report(node, f"qgis.PyQt.{name} does not exist in PyQt6")
            return
        self.bound[local] = (module, name)

    # ---- classes deriving from Qt classes

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # noqa: N802
        bases = []
        for base in node.bases:
            obj = self._resolve_quiet(base)
            if isinstance(obj, type):
                bases.append(obj)
        assigned = {t.id for n in ast.walk(node) if isinstance(n, (ast.Assign, ast.AnnAssign))
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
        assigned |= {t.attr for n in ast.walk(node) if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign))
                     for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                     if isinstance(t, ast.Attribute)}
        assigned |= {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                  ast.ClassDef))}
        self.class_stack.append((bases, assigned))
        self.generic_visit(node)
        self.class_stack.pop()

    # ---- attribute chains

    @staticmethod
    def _chain(node: ast.AST) -> Optional[List[str]]:
        parts: List[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(node.id)
        return list(reversed(parts))

    def _resolve_quiet(self, node: ast.AST) -> Any:
        chain = self._chain(node)
        if not chain or chain[0] not in self.bound:
            return _MISSING
        obj = self.bound[chain[0]][0]
        for name in chain[1:]:
            obj = getattr(obj, name, _MISSING)
            if obj is _MISSING:
                return _MISSING
        return obj

    def visit_Attribute(self, node: ast.Attribute) -> None:  # noqa: N802
        if node.attr in PYQT5_ONLY_METHODS:
            self.report(node, f".{node.attr}() is PyQt5-only; use .{PYQT5_ONLY_METHODS[node.attr]}")
        chain = self._chain(node)
        if chain and chain[0] in self.bound and id(node) not in self._seen_chains:
            self._check_chain(node, chain)
        elif chain and chain[0] == "self" and len(chain) >= 2 and self.class_stack:
            self._check_self(node, chain[1])
        # mark inner Attribute nodes of this chain as seen: report a chain once, at its first failure
        inner = node.value
        while isinstance(inner, ast.Attribute):
            self._seen_chains.add(id(inner))
            inner = inner.value
        self.generic_visit(node)

    def _check_chain(self, node: ast.Attribute, chain: List[str]) -> None:
        obj, label = self.bound[chain[0]]
        for index, name in enumerate(chain[1:], start=1):
            if not (isinstance(obj, type) or _is_module(obj)):
                return  # a method or an enum member: what follows is not a Qt name lookup
            value = getattr(obj, name, _MISSING)
            if value is _MISSING and _is_module(obj):
                value = module_attr(obj.__name__.split(".")[-1], name) or _MISSING
            if value is _MISSING:
                if getattr(obj, "__name__", "") == "QVariant" and qvariant_type_patched(name):
                    return
                dotted = ".".join([label] + chain[1:index + 1])
                self.report(node, f"{dotted}: not in PyQt6{_suggest(obj, name)}")
                return
            obj = value

    def _check_self(self, node: ast.Attribute, name: str) -> None:
        bases, assigned = self.class_stack[-1]
        if not bases or not name[:1].isupper() or name in assigned:
            return
        if any(hasattr(base, name) for base in bases):
            return
        hint = next((s for s in (_suggest(base, name) for base in bases) if s), "")
        self.report(node, f"self.{name}: not in PyQt6 {bases[0].__name__}{hint}")

    # ---- enums used as ints

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        if isinstance(node.func, ast.Name) and node.func.id == "int" and len(node.args) == 1:
            self._check_int_use(node.args[0], "int()")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:  # noqa: N802
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)):
            for side in (node.left, node.right):
                self._check_int_use(side, "arithmetic")
        self.generic_visit(node)

    def _check_int_use(self, operand: ast.AST, what: str) -> None:
        value = self._resolve_quiet(operand)
        if isinstance(value, enum.Enum) and not isinstance(value, int):
            self.report(operand, f"{what} on {type(value).__name__}.{value.name}: not an int in PyQt6 "
                                 "(use .value)")


def _is_module(obj: Any) -> bool:
    return type(obj).__name__ == "module"


def _suggest(owner: Any, name: str) -> str:
    """`; use Qt.CheckState.Checked` when exactly one nested enum of ``owner`` holds ``name``."""
    if not isinstance(owner, type):
        return ""
    found = []
    for attr in dir(owner):
        nested = getattr(owner, attr, None)
        if isinstance(nested, type) and issubclass(nested, enum.Enum) and name in nested.__members__:
            found.append(f"{owner.__name__}.{attr}.{name}")
    if name.endswith("_") and hasattr(owner, name[:-1]):
        found.append(f"{owner.__name__}.{name[:-1]}")
    return f"; use {' or '.join(found)}" if found else ""


# ---------------------------------------------------------------- PyQGIS (--pyqgis, on QGIS's own Python)

#: PyQGIS enums that moved into ``Qgis.*`` after 3.22 (the old spellings are deprecated aliases that
#: QGIS 4 drops): use the ``providers/compat.py`` name, which picks the new one where it exists.
PYQGIS_MOVED = {
    "QgsWkbTypes.PointGeometry": "compat.POINT_GEOMETRY", "QgsWkbTypes.LineGeometry": "compat.LINE_GEOMETRY",
    "QgsWkbTypes.PolygonGeometry": "compat.POLYGON_GEOMETRY", "QgsWkbTypes.Polygon": "compat.WKB_POLYGON",
    "QgsUnitTypes.RenderMillimeters": "compat.RENDER_MILLIMETERS",
    "QgsUnitTypes.LayoutMillimeters": "compat.LAYOUT_MILLIMETERS",
    "QgsUnitTypes.DistanceMeters": "compat.DISTANCE_METERS",
    "QgsUnitTypes.DistanceKilometers": "compat.DISTANCE_KILOMETERS",
    "QgsMapLayerProxyModel.PolygonLayer": "compat.POLYGON_LAYER_FILTER",
    "QgsMapLayerProxyModel.PointLayer": "compat.POINT_LAYER_FILTER",
    "QgsMapLayerType.VectorLayer": "compat.VECTOR_LAYER",
    "QgsSymbolLayer.PropertyFillColor": "compat.PROPERTY_FILL_COLOR",
    "QgsLegendStyle.Title": "compat.LEGEND_TITLE", "QgsLegendStyle.Group": "compat.LEGEND_GROUP",
    "QgsLegendStyle.Subgroup": "compat.LEGEND_SUBGROUP", "QgsLegendStyle.SymbolLabel": "compat.LEGEND_SYMBOL_LABEL",
    "QgsScaleBarSettings.SegmentSizeFitWidth": "compat.SCALEBAR_FIT_WIDTH",
    # Processing enums moved in 3.36 (Qgis.ProcessingSourceType, Qgis.Processing*ParameterType ...)
    "QgsProcessing.TypeVectorPoint": "compat (Qgis.ProcessingSourceType.VectorPoint)",
    "QgsProcessing.TypeVectorPolygon": "compat (Qgis.ProcessingSourceType.VectorPolygon)",
    "QgsProcessingParameterNumber.Integer": "compat (Qgis.ProcessingNumberParameterType.Integer)",
    "QgsProcessingParameterField.Any": "compat (Qgis.ProcessingFieldParameterDataType.Any)",
    "QgsProcessingParameterField.Numeric": "compat (Qgis.ProcessingFieldParameterDataType.Numeric)",
    "QgsProcessingParameterDateTime.Date": "compat (Qgis.ProcessingDateTimeParameterDataType.Date)",
}
#: files that define the compatibility names (they must spell the old ones as fall-backs)
PYQGIS_COMPAT_FILES = {"providers/compat.py"}


class _PyQgisChecker(ast.NodeVisitor):
    """Unscoped PyQGIS enum members (``Qgis.Warning``: sip 6 / PyQt6 builds only know
    ``Qgis.MessageLevel.Warning``) and enums that moved into ``Qgis.*`` (see PYQGIS_MOVED)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: List[Finding] = []
        self.bound: Dict[str, Any] = {}

    def bind(self, node: ast.ImportFrom) -> None:
        if node.module in ("qgis.core", "qgis.gui", "qgis.analysis"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(module, alias.name):
                    self.bound[alias.asname or alias.name] = getattr(module, alias.name)

    def visit_Attribute(self, node: ast.Attribute) -> None:  # noqa: N802
        chain = _Checker._chain(node)
        if chain and len(chain) == 2 and chain[0] in self.bound:
            dotted = ".".join(chain)
            if dotted in PYQGIS_MOVED and self.path not in PYQGIS_COMPAT_FILES:
                self.findings.append(Finding(self.path, node.lineno, f"{dotted}: moved into Qgis.* after 3.22; "
                                                                     f"use providers/{PYQGIS_MOVED[dotted]}"))
            elif dotted not in PYQGIS_MOVED:
                owner = self.bound[chain[0]]
                value = getattr(owner, chain[1], None)
                kind = type(value)
                if (value is not None and isinstance(owner, type) and kind is not owner
                        and getattr(owner, kind.__name__, None) is kind and chain[1] != kind.__name__
                        and kind.__module__.startswith("qgis.")):
                    self.findings.append(Finding(self.path, node.lineno, f"{dotted}: unscoped enum; "
                                                                         f"use {chain[0]}.{kind.__name__}.{chain[1]}"))
        self.generic_visit(node)


def check_pyqgis_source(source: str, path: str) -> List[Finding]:
    tree = ast.parse(source, filename=path)
    checker = _PyQgisChecker(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            checker.bind(node)
    checker.visit(tree)
    return checker.findings




# ---------------------------------------------------------------- files


def check_source(source: str, path: str, pyqt6_code: bool = False) -> List[Finding]:
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        return [Finding(path, exc.lineno or 0, f"syntax error: {exc.msg}")]
    checker = _Checker(path, pyqt6_code=pyqt6_code)
    # imports first (a module may use a name above the import that binds it, e.g. in a function)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            checker.bind_import(node)
        elif isinstance(node, ast.ImportFrom):
            checker.bind_import_from(node)
    checker.visit(tree)
    return checker.findings


def check_ui(path: Path, shown: str) -> List[Finding]:
    """Compile a Designer file with PyQt6's uic (as uic.loadUiType does on QGIS 4) and check the code."""
    from PyQt6 import uic
    out = io.StringIO()
    try:
        uic.compileUi(str(path), out)
    except Exception as exc:  # noqa: BLE001 - any uic failure is a finding
        return [Finding(shown, 0, f"PyQt6 uic cannot compile it: {type(exc).__name__}: {exc}")]
    findings = check_source(out.getvalue(), shown, pyqt6_code=True)
    return [Finding(f.path, 0, f"{f.message} (in the code PyQt6's uic generates)") for f in findings]


def iter_targets(targets: Iterable[Path]) -> Iterator[Path]:
    for target in targets:
        if target.is_file():
            yield target
            continue
        for dirpath, dirnames, filenames in os.walk(target):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith((".py", ".ui")):
                    yield Path(dirpath) / name


def default_targets() -> List[Path]:
    return sorted(p for p in REPO.glob("*.py")) + [REPO / name for name in DEFAULT_TARGETS]


def check_paths(paths: Iterable[Path], pyqgis: bool = False) -> List[Finding]:
    findings: List[Finding] = []
    for path in iter_targets(paths):
        try:
            shown = path.resolve().relative_to(REPO).as_posix()
        except ValueError:
            shown = str(path)
        if pyqgis:
            if path.suffix == ".py":
                findings.extend(check_pyqgis_source(path.read_text(encoding="utf-8"), shown))
        elif path.suffix == ".ui":
            findings.extend(check_ui(path, shown))
        else:
            findings.extend(check_source(path.read_text(encoding="utf-8"), shown))
    return findings


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the shipped plugin)")
    parser.add_argument("--pyqgis", action="store_true",
                        help="instead: unscoped or moved PyQGIS enums (run with QGIS's Python, /usr/bin/python3)")
    args = parser.parse_args(argv)
    paths = args.paths or default_targets()
    files = list(iter_targets(paths))
    if args.pyqgis:
        from qgis.core import Qgis
        findings = check_paths(paths, pyqgis=True)
        label = f"pyqgis enum check (QGIS {Qgis.QGIS_VERSION})"
    else:
        ensure_pyqt6(argv)
        from PyQt6.QtCore import PYQT_VERSION_STR
        findings = check_paths(paths)
        label = f"qt6 check (PyQt6 {PYQT_VERSION_STR})"
    for finding in findings:
        print(finding)
    print(f"{label}: {len(files)} files, " + (f"{len(findings)} Qt5-only use(s)" if findings else "no Qt5-only usage"))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
