"""Protective marking (Government Security Classifications) for maps and layouts.

Each SafeStats layer carries the marking its dataset declares. The project variable
``safestats_marking`` holds the highest marking of the SafeStats layers in the project, so a
print layout label with the expression ``[% @safestats_marking %]`` always shows it.
"""
from __future__ import annotations

from typing import Iterable, Optional
from . import keys

PROJECT_VARIABLE = "safestats_marking"
LAYER_PROPERTY = keys.PROP_MARKING
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
# lowest to highest
_ORDER = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]


def normalise(marking: Optional[str]) -> str:
    text = " ".join((marking or "").strip().upper().replace("_", "-").split())
    return text.replace("OFFICIAL SENSITIVE", "OFFICIAL-SENSITIVE")


def rank(marking: Optional[str]) -> int:
    """Position in the classification order; -1 for no marking. Unknown text ranks as
    OFFICIAL-SENSITIVE (fail safe: never lower than what a dataset says)."""
    m = normalise(marking)
    best = -1
    for i, name in enumerate(_ORDER):
        if m == name or m.startswith(name + " "):  # e.g. "OFFICIAL-SENSITIVE PERSONAL"
            best = i
    if best == -1 and m:
        return 1
    return best


def highest(markings: Iterable[Optional[str]]) -> str:
    """The most restrictive marking among ``markings`` ("" when there is none)."""
    best, best_rank = "", -1
    for m in markings:
        r = rank(m)
        if r > best_rank:
            best, best_rank = normalise(m), r
    return best


def marking_text(marking: Optional[str], attribution: str = "") -> str:
    """The line a layout prints, e.g. 'OFFICIAL-SENSITIVE - Source: ..., via GLA SafeStats'."""
    m = normalise(marking)
    if not m:
        return attribution
    return f"{m} - {attribution}" if attribution else m


def layer_marking(layer) -> str:  # noqa: ANN001 - any QgsMapLayer
    return normalise(layer.customProperty(LAYER_PROPERTY, "") or "")


def update_project_marking(project, layers: Optional[Iterable] = None) -> str:  # noqa: ANN001
    """Set ``@safestats_marking`` from the SafeStats layers of ``project``; returns the text."""
    from qgis.core import QgsExpressionContextUtils
    if layers is None:
        layers = [l for l in project.mapLayers().values() if l.customProperty(LAYER_PROPERTY, None)]
    text = highest(layer_marking(l) for l in layers)
    if text:
        QgsExpressionContextUtils.setProjectVariable(project, PROJECT_VARIABLE, text)
    else:
        QgsExpressionContextUtils.removeProjectVariable(project, PROJECT_VARIABLE)
    return text


def set_layer_marking(layer, marking: str) -> None:  # noqa: ANN001
    from qgis.core import QgsExpressionContextUtils
    m = normalise(marking) or DEFAULT_MARKING
    layer.setCustomProperty(LAYER_PROPERTY, m)
    QgsExpressionContextUtils.setLayerVariable(layer, PROJECT_VARIABLE, m)
