"""Every key SafeStats writes: layer custom properties and QgsSettings entries, in one place.

The lowest room of the plugin (no imports from ``providers``/``ui``), so governance, the core,
the Processing provider and the widgets all read their keys from here. None of the settings is
a secret: credentials stay in QGIS's authentication database, tokens in memory.
"""
from __future__ import annotations

from typing import Any, Optional

PREFIX = "safestats/"

# ------------------------------------------------------------ layer custom properties
PROP_QUERY = PREFIX + "query"                    # the stored query (JSON): what makes a SafeStats layer
PROP_DATASET = PREFIX + "dataset"
PROP_TITLE = PREFIX + "title"
PROP_STORE = PREFIX + "store_url"
PROP_PURPOSE = PREFIX + "purpose"
PROP_USER = PREFIX + "user"
PROP_EXTRACTED = PREFIX + "extracted_at"
PROP_ROWS = PREFIX + "rows"
PROP_STATE = PREFIX + "state"                    # "loaded" | "pending"
PROP_MARKING = PREFIX + "protective_marking"
PROP_PRESET = PREFIX + "preset"
PROP_CATEGORY_FIELD = PREFIX + "category_field"
PROP_CATEGORIES = PREFIX + "categories"
PROP_KIND = PREFIX + "kind"                      # "aggregates" for counts-per-area layers
PROP_BY = PREFIX + "aggregate_by"
PROP_DISCLOSURE = PREFIX + "disclosure"
PROP_DERIVED = PREFIX + "derived_from"           # Processing outputs: the algorithm id
KIND_AGGREGATES = "aggregates"

# ------------------------------------------------------------ QgsSettings
STORE_URL = PREFIX + "store_url"
AUTHCFG = PREFIX + "authcfg"
RETENTION_DAYS = PREFIX + "retention_days"
LARGE_LOAD_ROWS = PREFIX + "large_load_rows"
SUPPRESSION_THRESHOLD = PREFIX + "suppression_threshold"
DEFAULT_PRESET = PREFIX + "default_preset/{kind}"  # kind: "records" or "aggregate"
PRINT_DIR = PREFIX + "print_dir"

#: (key, what it holds, who reads it): the settings page's table is generated from this.
SETTINGS: tuple[tuple[str, str, str], ...] = (
    (STORE_URL, "the store's address (not a secret)", "ui/signin_dialog.py"),
    (AUTHCFG, "id of the QGIS authentication configuration holding the sign-in (the id only)",
     "providers/session.py"),
    (RETENTION_DAYS, "cache retention, 1–28 days", "governance/retention.py"),
    (LARGE_LOAD_ROWS, "ask before loading more rows than this", "providers/load_task.py"),
    (SUPPRESSION_THRESHOLD, "small-number threshold for ward maps and counting, ≥ 5", "governance/disclosure.py"),
    (DEFAULT_PRESET.format(kind="records"), "default style preset for record-level datasets",
     "providers/styles.py"),
    (DEFAULT_PRESET.format(kind="aggregate"), "default style preset for aggregate-only datasets",
     "providers/styles.py"),
    (PRINT_DIR, "last folder ward maps were printed to (a folder path only)", "ui/print_dialog.py"),
)


def settings_table() -> str:
    """The reStructuredText table of :data:`SETTINGS` (used in the settings page's docstring)."""
    width = max(len(k) for k, _, _ in SETTINGS) + 4
    rule = "=" * width + "  " + "=" * 60
    rows = [f"``{k}``".ljust(width) + "  " + f"{what} ({where})" for k, what, where in SETTINGS]
    return "\n".join([rule, *rows, rule])


def is_safestats_layer(layer: Optional[Any]) -> bool:
    """A layer loaded from SafeStats (it carries its stored query); ``False`` for deleted layers."""
    try:
        return layer is not None and bool(layer.customProperty(PROP_QUERY, ""))
    except RuntimeError:  # wrapped C++ object deleted
        return False
