"""scripts/check_house.py: the house rules (module ≤ 700 lines, function ≤ 100 lines, no import cycle,
plugin.py ≤ 250 lines) are found in a throwaway tree, and a tree that keeps them passes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CHECKER = REPO / "scripts" / "check_house.py"


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECKER), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=60, check=False)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def store_tree(root: Path) -> Path:
    pkg = root / "store" / "safestats_store"
    write(pkg / "__init__.py", "")
    write(pkg / "fine.py", "def f():\n" + "    x = 1\n" * 99)  # 100 lines: allowed
    write(pkg / "sub" / "__init__.py", "")
    write(pkg / "sub" / "leaf.py", "from .. import fine\n")
    return pkg


def test_a_tree_that_keeps_the_rules_passes(tmp_path: Path) -> None:
    store_tree(tmp_path)
    write(tmp_path / "plugin.py", "from .ui import dock\n")
    write(tmp_path / "ui" / "__init__.py", "")
    write(tmp_path / "ui" / "dock.py", "from ..providers import core\n")
    write(tmp_path / "providers" / "__init__.py", "")
    write(tmp_path / "providers" / "core.py", "import os\n")
    result = run(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "clean" in result.stdout


def test_long_function_long_module_and_cycle_are_reported(tmp_path: Path) -> None:
    pkg = store_tree(tmp_path)
    write(pkg / "long_function.py", "import os\n\n\ndef too_long():\n" + "    x = 1\n" * 100)  # def + 100 = 101
    write(pkg / "long_module.py", "x = 1\n" * 701)
    write(pkg / "a.py", "from . import b\n")
    write(pkg / "sub" / "b_user.py", "from ..a import thing\n")
    write(pkg / "b.py", "import os\n\n\ndef later():\n    from .sub import b_user  # a local import still closes the cycle\n")
    result = run(tmp_path, "--store")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "store/safestats_store/long_function.py:4: function too_long() has 101 lines (at most 100)" in lines
    assert "store/safestats_store/long_module.py:1: module has 701 lines (at most 700)" in lines
    cycle = [line for line in lines if "import cycle" in line]
    assert {line.split(": import cycle")[0] for line in cycle} == {
        "store/safestats_store/a.py:1", "store/safestats_store/b.py:5", "store/safestats_store/sub/b_user.py:1"}
    assert not any("fine.py" in line or "leaf.py" in line for line in lines)


def test_plugin_side_resolves_relative_imports_and_can_be_checked_alone(tmp_path: Path) -> None:
    store_tree(tmp_path)
    write(pkg_long := tmp_path / "store" / "safestats_store" / "huge.py", "x = 1\n" * 800)
    write(tmp_path / "plugin.py", "from .ui import dock\n")
    write(tmp_path / "ui" / "__init__.py", "")
    write(tmp_path / "ui" / "dock.py", "from ..providers import core\n")
    write(tmp_path / "providers" / "__init__.py", "")
    write(tmp_path / "providers" / "core.py", "from ..ui.dock import Dock\n")
    write(tmp_path / "tests" / "test_x.py", "x = 1\n" * 900)  # tests are not product code
    plugin_only = run(tmp_path, "--plugin")
    assert plugin_only.returncode == 1
    assert "ui/dock.py:1: import cycle: ui.dock imports providers.core" in plugin_only.stdout
    assert "providers/core.py:1: import cycle: providers.core imports ui.dock" in plugin_only.stdout
    assert "huge.py" not in plugin_only.stdout and "test_x.py" not in plugin_only.stdout
    store_only = run(tmp_path, "--store")
    assert store_only.returncode == 1 and "import cycle" not in store_only.stdout
    assert f"store/safestats_store/{pkg_long.name}:1: module has 800 lines" in store_only.stdout
    both = run(tmp_path)
    assert "huge.py" in both.stdout and "ui/dock.py" in both.stdout


def test_plugin_py_over_250_lines_is_reported(tmp_path: Path) -> None:
    store_tree(tmp_path)
    write(tmp_path / "plugin.py", "x = 1\n" * 250)  # 250 lines: allowed
    assert run(tmp_path, "--plugin").returncode == 0
    write(tmp_path / "plugin.py", "x = 1\n" * 251)
    result = run(tmp_path, "--plugin")
    assert result.returncode == 1
    assert "plugin.py:1: plugin.py has 251 lines (at most 250: wiring only)" in result.stdout.splitlines()
    write(tmp_path / "ui" / "__init__.py", "")
    write(tmp_path / "ui" / "plugin.py", "x = 1\n" * 300)  # only the top-level plugin.py is wiring
    write(tmp_path / "plugin.py", "x = 1\n")
    assert run(tmp_path, "--plugin").returncode == 0
    assert run(tmp_path, "--store").returncode == 0  # the store side does not look at plugin.py


def test_this_store_keeps_the_rules() -> None:
    result = run(REPO, "--store")
    assert result.returncode == 0, result.stdout
