#!/usr/bin/env python3
"""Build the plugin zip for plugins.qgis.org (or a private plugin repository).

    python3 scripts/package.py [--out dist] [--check-urls]
    python3 scripts/package.py --validate dist/safestats-0.1.0.zip

Writes ``dist/safestats-<version>.zip`` holding one top-level folder ``safestats/`` (the name QGIS
imports the plugin by) with only what the plugin needs at run time:

* ``metadata.txt``, ``LICENSE`` and the root ``*.py`` modules (``__init__.py``, ``plugin.py`` …);
* the packages ``providers/``, ``governance/``, ``ui/`` (with ``.ui``, ``.qml``, ``.qpt`` …) and ``icons/``;
* ``i18n/*.qm`` compiled here from ``i18n/*.ts`` with ``lrelease`` (never committed);
* ``resources_rc.py`` compiled here with ``pyrcc5`` when a ``resources.qrc`` exists (never committed);
* ``metadata.txt`` with ``changelog=`` filled from ``CHANGELOG.md`` (keep-a-changelog headings
  ``## [1.2.3] - date``; the build fails when the version being packaged has no entry).

Why not qgis-plugin-ci: see docs/admin.md, "Building the plugin zip".

Never shipped: ``tests/``, ``store/``, ``bench/``, ``docs/``, ``scripts/``, ``.ci/``, virtualenvs,
caches, ``__pycache__``/``*.pyc``, VCS and editor files.  Anything else at the root is left out
too (the layout is an allow-list), so a new top-level folder has to be added here on purpose.

After writing the zip, :func:`validate_zip` re-reads it and applies the plugins.qgis.org upload
rules (the checks of QGIS-Django's ``plugins/validator.py``) plus this project's own: required
metadata, ``qgisMinimumVersion`` 3.22, URLs, an icon that is really in the zip, a LICENSE, no
forbidden paths.  Any problem fails the build (exit status 1) and the zip is deleted.

Standard library only; runs on the system Python (``/usr/bin/python3``).
"""
from __future__ import annotations

import argparse
import configparser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import zipfile
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parent.parent
PACKAGE_NAME = "safestats"

#: Root files shipped (plus every root ``*.py``).
ROOT_FILES = ("metadata.txt", "LICENSE")
#: Root folders shipped, recursively (minus EXCLUDED_*).
ROOT_DIRS = ("providers", "processing_provider", "governance", "ui", "icons")
#: Root folders that must never appear in the zip, whatever the allow-list says.
FORBIDDEN_TOP = ("tests", "store", "bench", "docs", "scripts", ".ci", ".git", "var", "dist", "build")
EXCLUDED_DIR_NAMES = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".git", "__MACOSX",
                      ".idea", ".vscode", "node_modules", "tests", "test"}
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".orig", ".rej", ".swp", ".bak", "~", ".ts", ".pro", ".qrc")
EXCLUDED_NAMES = {".DS_Store", "Thumbs.db", ".gitignore", ".gitattributes", "Makefile"}

# plugins.qgis.org (QGIS-Django plugins/validator.py)
MAX_UPLOAD_SIZE = 25_000_000
REQUIRED_METADATA = ("name", "description", "version", "qgisMinimumVersion", "author", "email", "about",
                     "tracker", "repository")
#: This project also requires these (the brief for the public release).
PROJECT_REQUIRED = ("homepage", "icon", "license", "category")
BOOLEAN_METADATA = ("experimental", "deprecated", "server")
PLACEHOLDER_URLS = {"tracker": "http://bugs", "repository": "http://repo", "homepage": "http://homepage"}
REQUIRED_MIN_QGIS = "3.22"


class PackageError(Exception):
    """The plugin cannot be packaged or the zip breaks a rule."""


# ---------------------------------------------------------------- metadata


def read_metadata(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keep qgisMinimumVersion's case, as QGIS and plugins.qgis.org do
    parser.read_string(text)
    if not parser.has_section("general"):
        raise PackageError("metadata.txt has no [general] section")
    return parser["general"]


def _version_tuple(text: str) -> Tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def _is_url(value: str) -> bool:
    parts = urllib.parse.urlparse(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_metadata(meta: configparser.SectionProxy, names: Sequence[str], check_urls: bool = False) -> List[str]:
    """Problems with metadata.txt (empty list = fine). ``names`` are the zip's entries under the top folder."""
    problems: List[str] = []
    for key in REQUIRED_METADATA + PROJECT_REQUIRED:
        if not (meta.get(key) or "").strip():
            problems.append(f"metadata.txt: '{key}' is missing or empty")
    name = (meta.get("name") or "").strip()
    if name and len(name) > 60:
        problems.append("metadata.txt: 'name' is longer than 60 characters")
    description = (meta.get("description") or "").strip()
    if description and "\n" in description:
        problems.append("metadata.txt: 'description' must be one line (put details in 'about')")
    about = (meta.get("about") or "").strip()
    if about and description and about == description:
        problems.append("metadata.txt: 'about' only repeats 'description'")
    version = (meta.get("version") or "").strip()
    if version and not re.fullmatch(r"\d+\.\d+(\.\d+)?([.-]?(alpha|beta|rc|dev)\d*)?", version):
        problems.append(f"metadata.txt: 'version' {version!r} is not like 1.2.3 (no 'v' prefix)")
    minimum = (meta.get("qgisMinimumVersion") or "").strip()
    if minimum:
        try:
            if _version_tuple(minimum) != _version_tuple(REQUIRED_MIN_QGIS):
                problems.append(f"metadata.txt: qgisMinimumVersion is {minimum}, the project supports "
                                f"{REQUIRED_MIN_QGIS} (Debian 12's LTR)")
        except ValueError:
            problems.append(f"metadata.txt: qgisMinimumVersion {minimum!r} is not a version number")
    maximum = (meta.get("qgisMaximumVersion") or "").strip()
    if maximum and minimum:
        try:
            if _version_tuple(maximum) < _version_tuple(minimum):
                problems.append("metadata.txt: qgisMaximumVersion is lower than qgisMinimumVersion")
        except ValueError:
            problems.append(f"metadata.txt: qgisMaximumVersion {maximum!r} is not a version number")
    author = (meta.get("author") or "").strip()
    if author and "/" in author:
        problems.append("metadata.txt: 'author' cannot contain slashes")
    email = (meta.get("email") or "").strip()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        problems.append(f"metadata.txt: 'email' {email!r} is not an e-mail address")
    for key in ("tracker", "repository", "homepage"):
        value = (meta.get(key) or "").strip()
        if not value:
            continue
        if value == PLACEHOLDER_URLS[key] or not _is_url(value):
            problems.append(f"metadata.txt: '{key}' is not a valid URL: {value!r}")
        elif not value.startswith("https://"):
            problems.append(f"metadata.txt: '{key}' should use https://")
        elif check_urls:
            problems.extend(_check_reachable(key, value))
    for flag in BOOLEAN_METADATA:
        value = (meta.get(flag) or "").strip()
        if value and value.lower() not in ("true", "false", "1", "0", "yes", "no"):
            problems.append(f"metadata.txt: '{flag}' must be True or False, not {value!r}")
    icon = (meta.get("icon") or "").strip()
    if icon:
        icon_path = icon[2:] if icon.startswith("./") else icon
        if icon_path not in names:
            problems.append(f"metadata.txt: icon {icon!r} is not in the package")
        elif not icon_path.lower().endswith((".png", ".svg", ".jpg", ".jpeg")):
            problems.append(f"metadata.txt: icon {icon!r} should be a PNG or SVG")
    if (meta.get("hasProcessingProvider") or "no").strip().lower() in ("yes", "true") \
            and not any(n.startswith("providers/") for n in names):
        problems.append("metadata.txt: hasProcessingProvider=yes but no provider code is packaged")
    return problems


def _check_reachable(key: str, url: str) -> List[str]:
    import urllib.request
    try:
        req = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "safestats-package"})
        with urllib.request.urlopen(req, timeout=10) as response:
            if response.status >= 400:
                return [f"metadata.txt: '{key}' {url} answered {response.status}"]
    except Exception as exc:  # noqa: BLE001 - any failure is a finding
        return [f"metadata.txt: '{key}' {url} cannot be reached ({exc})"]
    return []


# ---------------------------------------------------------------- zip validation


def validate_zip(path: Path, check_urls: bool = False) -> List[str]:
    """The plugins.qgis.org upload checks plus this project's rules. Returns the problems found."""
    problems: List[str] = []
    if path.stat().st_size > MAX_UPLOAD_SIZE:
        problems.append(f"zip is {path.stat().st_size} bytes; plugins.qgis.org accepts {MAX_UPLOAD_SIZE} at most")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        return [f"not a zip file: {exc}"]
    with archive:
        namelist = archive.namelist()
        if not namelist:
            return ["zip is empty"]
        bad = archive.testzip()
        if bad:
            problems.append(f"bad zip entry (CRC): {bad}")
        tops = {name.split("/", 1)[0] for name in namelist}
        if tops != {PACKAGE_NAME}:
            problems.append(f"zip must hold exactly one top-level folder '{PACKAGE_NAME}/', found {sorted(tops)}")
        if not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", PACKAGE_NAME):
            problems.append("top-level folder name must be ASCII letters, digits, '-' or '_'")
        names: List[str] = []
        for name in namelist:
            if ".." in name or name.startswith("/") or "\\" in name:
                problems.append(f"path information not allowed in zip: {name}")
            if name.endswith((".pyc", ".pyo")):
                problems.append(f".pyc files are not allowed: {name}")
            parts = name.split("/")
            for part in parts:
                if part in ("__MACOSX", ".git", "__pycache__"):
                    problems.append(f"forbidden folder {part!r} in {name}")
                    break
            if len(parts) > 1 and parts[0] == PACKAGE_NAME:
                inner = "/".join(parts[1:])
                if inner:
                    names.append(inner)
                if len(parts) > 2 and parts[1] in FORBIDDEN_TOP:
                    problems.append(f"must not be shipped: {name}")
                if any(p.startswith(".venv") or p in (".pytest_cache", ".ruff_cache") for p in parts):
                    problems.append(f"must not be shipped: {name}")
        for required in ("__init__.py", "metadata.txt", "LICENSE", "plugin.py"):
            if required not in names:
                problems.append(f"{PACKAGE_NAME}/{required} is missing")
        if "metadata.txt" in names:
            try:
                meta = read_metadata(archive.read(f"{PACKAGE_NAME}/metadata.txt").decode("utf-8"))
            except (UnicodeDecodeError, configparser.Error, PackageError) as exc:
                problems.append(f"metadata.txt cannot be read: {exc}")
            else:
                problems.extend(check_metadata(meta, names, check_urls))
                version = (meta.get("version") or "").strip()
                if version and path.name not in (f"{PACKAGE_NAME}-{version}.zip", f"{PACKAGE_NAME}.zip"):
                    problems.append(f"zip name {path.name} does not match version {version}")
        if "__init__.py" in names:
            init = archive.read(f"{PACKAGE_NAME}/__init__.py").decode("utf-8", "replace")
            if "def classFactory" not in init:
                problems.append("__init__.py has no classFactory()")
    return problems


# ---------------------------------------------------------------- collecting files


def _excluded(rel: Path) -> bool:
    parts = rel.parts
    if any(p in EXCLUDED_DIR_NAMES or p.startswith(".venv") for p in parts[:-1]):
        return True
    name = parts[-1]
    if name in EXCLUDED_NAMES or name.startswith("."):
        return True
    if name.endswith(EXCLUDED_SUFFIXES):
        return True
    if name in ("resources_rc.py", "resources.py") and len(parts) == 1:
        return True  # a stale local build; the zip gets a fresh one
    return False


def collect_files(root: Path = REPO) -> List[Tuple[Path, str]]:
    """(source file, path inside the plugin folder) for everything the plugin ships from the tree."""
    files: List[Tuple[Path, str]] = []
    for name in ROOT_FILES:
        path = root / name
        if not path.is_file():
            raise PackageError(f"{name} is missing at the repository root")
        files.append((path, name))
    for path in sorted(root.glob("*.py")):
        if not _excluded(Path(path.name)):
            files.append((path, path.name))
    for folder in ROOT_DIRS:
        base = root / folder
        if not base.is_dir():
            raise PackageError(f"{folder}/ is missing")
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDED_DIR_NAMES and not d.startswith("."))
            for filename in sorted(filenames):
                path = Path(dirpath) / filename
                rel = path.relative_to(root)
                if _excluded(rel) or not path.is_file():
                    continue
                files.append((path, rel.as_posix()))
    return files


def _tool(*candidates: str) -> Optional[str]:
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def compile_translations(root: Path, out_dir: Path) -> List[Tuple[Path, str]]:
    """lrelease every i18n/*.ts into out_dir; returns (qm file, path inside the plugin)."""
    ts_files = sorted((root / "i18n").glob("*.ts"))
    if not ts_files:
        return []
    lrelease = _tool("lrelease", "lrelease-qt5")
    if lrelease is None:
        raise PackageError("lrelease not found: apt-get install qttools5-dev-tools")
    compiled: List[Tuple[Path, str]] = []
    for ts in ts_files:
        qm = out_dir / (ts.stem + ".qm")
        result = subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], capture_output=True, text=True)
        if result.returncode != 0 or not qm.is_file():
            raise PackageError(f"lrelease failed for {ts.name}: {result.stderr or result.stdout}")
        compiled.append((qm, f"i18n/{qm.name}"))
    return compiled


def compile_resources(root: Path, out_dir: Path) -> List[Tuple[Path, str]]:
    """pyrcc5 resources.qrc -> resources_rc.py (inside the zip only, never in the tree).

    pyrcc5 (PyQt 5.15) gives up on a .qrc holding XML comments ("No resources in resource
    description") and only reads files relative to the .qrc, so a normalised copy is compiled in
    a scratch folder next to copies of the files it lists (same relative paths, comments dropped).
    """
    qrc = root / "resources.qrc"
    if not qrc.is_file():
        return []
    pyrcc5 = _tool("pyrcc5")
    if pyrcc5 is None:
        raise PackageError("pyrcc5 not found: apt-get install pyqt5-dev-tools")
    import xml.etree.ElementTree as ET
    try:
        tree = ET.parse(qrc)
    except ET.ParseError as exc:
        raise PackageError(f"resources.qrc is not valid XML: {exc}") from exc
    scratch = out_dir / "qrc"
    count = 0
    for element in tree.iter("file"):
        name = (element.text or "").strip()
        source = (qrc.parent / name).resolve()
        if not source.is_file() or root.resolve() not in source.parents:
            raise PackageError(f"resources.qrc lists {name}, which does not exist in the plugin")
        copy = scratch / source.relative_to(root.resolve())
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        element.text = source.relative_to(root.resolve()).as_posix()
        count += 1
    if not count:
        raise PackageError("resources.qrc lists no files")
    normalised = scratch / "resources.qrc"
    normalised.write_text("<!DOCTYPE RCC>" + ET.tostring(tree.getroot(), encoding="unicode"), encoding="utf-8")
    target = out_dir / "resources_rc.py"
    result = subprocess.run([pyrcc5, "-o", str(target), normalised.name], capture_output=True, text=True,
                            cwd=scratch)
    if result.returncode != 0 or not target.is_file():
        raise PackageError(f"pyrcc5 failed: {result.stderr or result.stdout}")
    return [(target, "resources_rc.py")]


_CHANGELOG_HEADING = re.compile(r"^##\s+\[?(\d+\.\d+(?:\.\d+)?[^\]\s]*)\]?\s*(?:-\s*(\S+))?\s*$")


def changelog_entries(text: str) -> List[Tuple[str, str, List[str]]]:
    """(version, date, lines) per ``## [1.2.3] - 2026-12-03`` section of a keep-a-changelog file."""
    entries: List[Tuple[str, str, List[str]]] = []
    for line in text.splitlines():
        heading = _CHANGELOG_HEADING.match(line)
        if heading:
            entries.append((heading.group(1), heading.group(2) or "", []))
        elif entries and line.strip() and not line.startswith("#"):
            entries[-1][2].append(line.strip())
    return entries


def metadata_with_changelog(metadata: str, changelog: str, version: str, keep: int = 5) -> str:
    """metadata.txt with ``changelog=`` made from CHANGELOG.md (newest ``keep`` versions), as QGIS's
    Plugin Manager shows it. CHANGELOG.md must have an entry for the version being packaged."""
    entries = changelog_entries(changelog)
    if not any(v == version for v, _, _ in entries):
        raise PackageError(f"CHANGELOG.md has no '## [{version}]' entry: describe this release first")
    body = []
    for v, day, lines in entries[:keep]:
        body.append(f"    {v}" + (f" ({day})" if day else ""))
        body.extend(f"    {line}" for line in lines)
    out, skipping = [], False
    for line in metadata.splitlines():
        if skipping and (line[:1].isspace() or not line.strip()):
            continue  # the old value's continuation lines
        skipping = False
        if line.startswith("changelog="):
            out.append("changelog=")
            out.extend(body)
            skipping = True
            continue
        out.append(line)
    if not any(line.startswith("changelog=") for line in out):
        out += ["changelog="] + body
    return "\n".join(out) + "\n"


def build(out_dir: Path, root: Path = REPO, check_urls: bool = False) -> Path:
    meta = read_metadata((root / "metadata.txt").read_text(encoding="utf-8"))
    version = (meta.get("version") or "").strip()
    if not version:
        raise PackageError("metadata.txt has no version")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PACKAGE_NAME}-{version}.zip"
    with tempfile.TemporaryDirectory(prefix="safestats-build-") as tmp:
        generated = compile_translations(root, Path(tmp)) + compile_resources(root, Path(tmp))
        files = collect_files(root) + generated
        if (root / "CHANGELOG.md").is_file():  # the zip's metadata.txt gets the changelog (the tree's stays)
            stamped = Path(tmp) / "metadata.txt"
            stamped.write_text(metadata_with_changelog((root / "metadata.txt").read_text(encoding="utf-8"),
                                                       (root / "CHANGELOG.md").read_text(encoding="utf-8"),
                                                       version), encoding="utf-8")
            files = [(stamped, "metadata.txt")] + files  # first wins (see `seen` below)
        seen = set()
        partial = target.with_suffix(".zip.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(zipfile.ZipInfo(f"{PACKAGE_NAME}/"), "")  # top folder entry first
            for source, inner in files:
                if inner in seen:
                    continue
                seen.add(inner)
                info = zipfile.ZipInfo.from_file(source, f"{PACKAGE_NAME}/{inner}")
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(source, "rb") as fh:
                    archive.writestr(info, fh.read())
        partial.replace(target)
    problems = validate_zip(target, check_urls)
    if problems:
        target.unlink()
        raise PackageError("the package breaks the plugin repository rules:\n  - " + "\n  - ".join(problems))
    return target


def main(argv: Optional[Iterable[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="output folder (default: dist/)")
    parser.add_argument("--check-urls", action="store_true", help="also check tracker/repository/homepage answer")
    parser.add_argument("--validate", type=Path, help="only validate an existing zip")
    parser.add_argument("--list", action="store_true", help="print the zip's entries after building")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        if args.validate:
            problems = validate_zip(args.validate, args.check_urls)
            for problem in problems:
                print(f"ERROR: {problem}", file=sys.stderr)
            print(f"{args.validate}: {'INVALID' if problems else 'ok'}")
            return 1 if problems else 0
        target = build(args.out, check_urls=args.check_urls)
    except PackageError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    with zipfile.ZipFile(target) as archive:
        entries = archive.namelist()
        if args.list:
            print("\n".join(entries))
    print(f"{target} ({target.stat().st_size:,} bytes, {len(entries)} entries): valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
