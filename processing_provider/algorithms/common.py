"""Parameters and helpers shared by the counting algorithms."""
from __future__ import annotations

from typing import Any, Optional

from qgis.core import (QgsField, QgsFields, QgsProcessingAlgorithm, QgsProcessingContext,
                       QgsProcessingParameterFeatureSource, QgsProcessingParameterField,
                       QgsProcessingParameterNumber, QgsVectorLayer)
from qgis.PyQt.QtCore import QVariant

from ...providers import compat
from ...governance import disclosure
from ...governance.i18n import tr
from ...governance import keys

TIME_FIELD = "occurred_at"


def threshold_parameter(name: str = "THRESHOLD") -> QgsProcessingParameterNumber:
    return QgsProcessingParameterNumber(
        name, tr("Suppress counts below (small-number threshold; at least {0})").format(disclosure.DEFAULT_THRESHOLD),
        compat.NUMBER_INTEGER, defaultValue=disclosure.configured_threshold(),
        minValue=disclosure.DEFAULT_THRESHOLD, maxValue=1000)


def incidents_parameter(name: str = "INCIDENTS") -> QgsProcessingParameterFeatureSource:
    return QgsProcessingParameterFeatureSource(name, tr("Incidents (points, e.g. a SafeStats layer)"),
                                               [compat.SOURCE_VECTOR_POINT])


def polygons_parameter(name: str = "POLYGONS") -> QgsProcessingParameterFeatureSource:
    return QgsProcessingParameterFeatureSource(
        name, tr("Areas (any polygon layer: wards, LSOAs, estates, patrol areas; any CRS)"),
        [compat.SOURCE_VECTOR_POLYGON])


def date_field_parameter(parent: str = "INCIDENTS", name: str = "DATE_FIELD",
                         optional: bool = True) -> QgsProcessingParameterField:
    return QgsProcessingParameterField(name, tr("Incident date/time field"), TIME_FIELD, parent,
                                       compat.FIELD_ANY, optional=optional)


def field_name(alg: QgsProcessingAlgorithm, parameters: dict, name: str, context: QgsProcessingContext) -> str:
    values = alg.parameterAsFields(parameters, name, context) if hasattr(alg, "parameterAsFields") else []
    if values:
        return values[0]
    value = parameters.get(name)
    return str(value) if value not in (None, "") and not isinstance(value, (list, tuple)) else ""


def pick_field(fields: QgsFields, wanted: str, candidates: tuple[str, ...], what: str) -> str:
    """``wanted`` if the layer has it, else the first candidate it has; raise with a plain message."""
    from .base import refuse
    if wanted:
        if fields.indexOf(wanted) < 0:
            raise refuse(tr("The incidents layer has no field “{0}” ({1}).").format(wanted, what))
        return wanted
    for c in candidates:
        if fields.indexOf(c) >= 0:
            return c
    raise refuse(tr("Choose the {0} field of the incidents layer.").format(what))


def output_fields(base: QgsFields, extra: list[QgsField]) -> QgsFields:
    """``base`` fields plus ``extra`` ones; extra names that clash get a numeric suffix."""
    out = QgsFields(base)
    for f in extra:
        name, i = f.name(), 2
        while out.indexOf(name) >= 0:
            name, i = f"{f.name()}_{i}", i + 1
        g = QgsField(f)
        g.setName(name)
        out.append(g)
    return out


def int_field(name: str, alias: str = "") -> QgsField:
    f = QgsField(name, QVariant.Int)
    if alias:
        f.setAlias(alias)
    return f


def text_field(name: str, alias: str = "", length: int = 0) -> QgsField:
    f = QgsField(name, QVariant.String, len=length)
    if alias:
        f.setAlias(alias)
    return f


def real_field(name: str, alias: str = "") -> QgsField:
    f = QgsField(name, QVariant.Double, len=20, prec=2)
    if alias:
        f.setAlias(alias)
    return f


def layer_category_field(layer: Optional[QgsVectorLayer]) -> str:
    if layer is None:
        return ""
    return str(layer.customProperty(keys.PROP_CATEGORY_FIELD, "") or "")


def value_text(value: Any) -> Optional[str]:
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    text = str(value)
    return None if text == "NULL" else text
