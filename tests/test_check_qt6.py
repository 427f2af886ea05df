"""scripts/check_qt6.py, the CI check for QGIS 4 (Qt6) readiness, catches Qt5-only usage.

It runs as CI runs it (a subprocess of the store venv's Python, which re-runs it in var/qt6-venv
with PyQt6 from PyPI) on planted files, and on the shipped plugin, which must be clean.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHECKER = REPO / "scripts" / "check_qt6.py"
PYTHON = REPO / "store" / ".venv" / "bin" / "python"


def run_checker(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(PYTHON), str(CHECKER), *map(str, paths)], capture_output=True, text=True,
                          timeout=600, cwd=REPO)


def test_planted_unscoped_enum_fails(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text("from qgis.PyQt.QtCore import Qt\n\n\n"
                       "def tick(item):\n"
                       "    item.setCheckState(0, Qt.Checked)\n", encoding="utf-8")
    result = run_checker(planted)
    print(result.stdout, result.stderr)
    assert result.returncode == 1
    assert f"{planted}:5: Qt.Checked: not in PyQt6; use Qt.CheckState.Checked" in result.stdout


def test_scoped_spellings_pass(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(
        "from qgis.PyQt.QtCore import Qt, QVariant\n"
        "from qgis.PyQt.QtWidgets import QAction, QMessageBox, QDialogButtonBox, QSizePolicy\n"
        "from qgis.PyQt import QtWidgets\n"
        "ROLE = Qt.ItemDataRole.UserRole + 1\n"
        "BUTTONS = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No\n"
        "OK = QDialogButtonBox.StandardButton.Ok\n"
        "POLICY = QtWidgets.QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum\n"
        "TYPE = QVariant.Int, QVariant.String  # patched back in by QGIS's Qt6 build\n"
        "def run(dialog):\n"
        "    return dialog.exec(), Qt.CheckState.Checked.value, QAction\n", encoding="utf-8")
    result = run_checker(good)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no Qt5-only usage" in result.stdout


@pytest.mark.parametrize("source, expected", [
    ("from qgis.PyQt.QtWidgets import QMessageBox\nX = QMessageBox.Yes\n",
     ":2: QMessageBox.Yes: not in PyQt6; use QMessageBox.StandardButton.Yes"),
    ("from qgis.PyQt import QtWidgets\nX = QtWidgets.QSizePolicy.Expanding\n",
     ":2: QtWidgets.QSizePolicy.Expanding: not in PyQt6; use QSizePolicy.Policy.Expanding"),
    ("def f(d):\n    d.exec_()\n", ":2: .exec_() is PyQt5-only; use .exec()"),
    ("from qgis.PyQt.QtCore import QRegExp\n", ":1: QRegExp cannot be imported from qgis.PyQt.QtCore on Qt6"),
    ("from qgis.PyQt.QtWidgets import QActionGroup\n",
     ":1: QActionGroup cannot be imported from qgis.PyQt.QtWidgets on Qt6 (PyQt6 has it in QtGui)"),
    ("from qgis.PyQt.QtWidgets import QDesktopWidget\n", ":1: QDesktopWidget cannot be imported"),
    ("from PyQt5.QtCore import Qt\n", ":1: from PyQt5.QtCore import ...: QGIS 4 has no PyQt5"),
    ("from qgis.PyQt.QtCore import Qt\nN = int(Qt.CheckState.Checked)\n",
     ":2: int() on CheckState.Checked: not an int in PyQt6"),
    ("from qgis.PyQt.QtWidgets import QDialog\nclass D(QDialog):\n    def ok(self):\n"
     "        return self.result() == self.Accepted\n",
     ":4: self.Accepted: not in PyQt6 QDialog; use QDialog.DialogCode.Accepted"),
])
def test_each_qt5_only_use_is_reported(tmp_path: Path, source: str, expected: str) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(source, encoding="utf-8")
    result = run_checker(planted)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{planted}{expected}" in result.stdout, result.stdout


def test_ui_file_is_compiled_by_pyqt6_uic(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ui"
    broken.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<ui version="4.0"><class>Form</class><widget class="QWidget" name="Form">
<layout class="QVBoxLayout" name="layout"><item><widget class="QLabel" name="label">
<property name="alignment"><set>Qt::AlignNowhere</set></property></widget></item></layout>
</widget><resources/><connections/></ui>
""", encoding="utf-8")
    result = run_checker(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert str(broken) in result.stdout and "AlignNowhere" in result.stdout, result.stdout


def test_shipped_plugin_is_clean() -> None:
    result = run_checker()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no Qt5-only usage" in result.stdout


# ---------------------------------------------------------------- --pyqgis (QGIS's own Python)


def run_pyqgis_checker(*paths: Path) -> subprocess.CompletedProcess:
    import os
    import sys
    return subprocess.run([sys.executable, str(CHECKER), "--pyqgis", *map(str, paths)], capture_output=True,
                          text=True, timeout=300, cwd=REPO, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_pyqgis_unscoped_and_moved_enums_fail(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text("from qgis.core import Qgis, QgsTask, QgsUnitTypes\n"
                       "LEVEL = Qgis.Warning\n"
                       "FLAGS = QgsTask.CanCancel\n"
                       "UNIT = QgsUnitTypes.LayoutMillimeters\n"
                       "OK = Qgis.MessageLevel.Warning, QgsTask.Flag.CanCancel\n", encoding="utf-8")
    result = run_pyqgis_checker(planted)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert f"{planted}:2: Qgis.Warning: unscoped enum; use Qgis.MessageLevel.Warning" in out
    assert f"{planted}:3: QgsTask.CanCancel: unscoped enum; use QgsTask.Flag.CanCancel" in out
    assert f"{planted}:4: QgsUnitTypes.LayoutMillimeters: moved into Qgis.* after 3.22; " \
           "use providers/compat.LAYOUT_MILLIMETERS" in out
    assert ":5:" not in out


def test_pyqgis_shipped_plugin_is_clean() -> None:
    result = run_pyqgis_checker()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no Qt5-only usage" in result.stdout


def test_compat_names_resolve_on_this_qgis() -> None:
    from qgis.core import QgsLayoutSize, QgsUnitTypes

    from safestats.providers import compat

    for name in ("WKB_POLYGON", "LAYOUT_MILLIMETERS", "DISTANCE_METERS", "DISTANCE_KILOMETERS", "POINT_LAYER_FILTER",
                 "VECTOR_LAYER", "LEGEND_TITLE", "LEGEND_GROUP", "LEGEND_SUBGROUP", "LEGEND_SYMBOL_LABEL",
                 "SCALEBAR_FIT_WIDTH"):
        assert getattr(compat, name) is not None, name
    assert QgsLayoutSize(1, 2, compat.LAYOUT_MILLIMETERS).units() == QgsUnitTypes.LayoutMillimeters
