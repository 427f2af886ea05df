#!/usr/bin/env python3
"""Put pylupdate5's catalogue into the plugin's one scheme, and merge translations into it.

    python3 scripts/i18n_catalogue.py FRESH.ts TARGET.ts LANG

``FRESH.ts`` is what pylupdate5 wrote from the plugin's sources (into an empty file). pylupdate5
files a bare ``tr("…")`` under ``@default`` and ``self.tr("…")`` under the class name, while the
plugin asks Qt for every Python string in the one context ``SafeStats`` (``governance.i18n.tr``).
So every message found in a ``.py`` file is filed under ``SafeStats`` here; messages of ``.ui``
forms keep their form's context (uic asks for it at run time). A message found in both keeps a copy
in each. Then ``TARGET.ts`` is written with the translations it already had (looked up by context
and source, else by source alone: strings that moved context keep their translation), and
``language`` set to ``LANG``. Plain Python 3 standard library (docs/translating.md).
"""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

CONTEXT = "SafeStats"
HEADER = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'


def _key(message: ET.Element) -> tuple[str, str]:
    comment = message.find("comment")
    return (message.findtext("source") or "", comment.text or "" if comment is not None else "")


def regroup(fresh: ET.Element) -> dict[str, dict[tuple[str, str], ET.Element]]:
    """context → (source, comment) → message, every .py location under CONTEXT."""
    contexts: dict[str, dict[tuple[str, str], ET.Element]] = {CONTEXT: {}}
    for context in fresh.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            locations = message.findall("location")
            python = [loc for loc in locations if loc.get("filename", "").endswith(".py")]
            forms = [loc for loc in locations if not loc.get("filename", "").endswith(".py")]
            for target, locs in ((CONTEXT, python), (name, forms)):
                if not locs:
                    continue
                if target == "@default":
                    raise SystemExit(f"a non-Python message under @default: {_key(message)[0]!r}")
                bucket = contexts.setdefault(target, {})
                kept = bucket.get(_key(message))
                if kept is None:
                    kept = ET.Element("message", message.attrib)
                    for child in message:
                        if child.tag != "location":
                            kept.append(child)
                    bucket[_key(message)] = kept
                existing = kept.findall("location")
                for loc in locs:
                    if not any(e.attrib == loc.attrib for e in existing):
                        kept.insert(len(kept.findall("location")), loc)
    return contexts


def _translations(path: Path) -> tuple[dict, dict]:
    by_context: dict = {}
    by_source: dict = {}
    if not path.is_file():
        return by_context, by_source
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("obsolete", "vanished"):
                continue
            by_context[(name, *_key(message))] = translation
            if translation.get("type") != "unfinished" and (translation.text or len(translation)):
                by_source.setdefault(_key(message), translation)
    return by_context, by_source


def write(contexts: dict, target: Path, language: str) -> None:
    by_context, by_source = _translations(target)
    root = ET.Element("TS", {"version": "2.1", "language": language, "sourcelanguage": "en"})
    for name in sorted(contexts):
        if not contexts[name]:
            continue
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = name
        for key, message in sorted(contexts[name].items(), key=lambda item: _where(item[1])):
            message = _copy(message)
            old = by_context.get((name, *key))
            if old is None or (old.get("type") == "unfinished" and key in by_source):
                old = by_source.get(key)
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            if old is not None:
                message.remove(translation)
                message.append(_copy(old))
            context.append(message)
    ET.indent(root, space="    ")
    target.write_text(HEADER + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")


def _where(message: ET.Element) -> tuple[str, int]:
    """Where a message is first found (file, line): the catalogue reads in source order."""
    places = [(loc.get("filename", ""), int(loc.get("line", "0") or 0)) for loc in message.findall("location")]
    return min(places) if places else ("", 0)


def _copy(element: ET.Element) -> ET.Element:
    return ET.fromstring(ET.tostring(element))


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    fresh, target, language = Path(argv[0]), Path(argv[1]), argv[2]
    write(regroup(ET.parse(fresh).getroot()), target, language)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
