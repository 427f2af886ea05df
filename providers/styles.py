"""Style presets for SafeStats layers: catalogue, apply, stable category colours, user presets.

Built-in presets ship as QML in ``ui/styles/`` (written by ``scripts/generate_styles.py`` from the
builders in this module, then committed).  The categorised preset is built in code at apply time,
because its categories come from the store (and the DSA may hide some), but its colours never depend
on the data: :func:`stable_colour` maps a category *text* to the same colour in every dataset and
every session (fixed table for known categories, else a CRC32-keyed palette — never Python's
salted ``hash()``).

User presets are QML files saved with :func:`save_user_preset` into the QGIS profile folder
(``<profile>/safestats/styles/<dataset id>/<name>.qml``), never into the plugin folder.
"""
from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

from qgis.core import (
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsClassificationJenks,
    QgsFillSymbol,
    QgsGradientColorRamp,
    QgsGradientStop,
    QgsGraduatedSymbolRenderer,
    QgsHeatmapRenderer,
    QgsMapLayer,
    QgsMarkerSymbol,
    QgsMessageLog,
    QgsProject,
    QgsRendererCategory,
    QgsRendererRange,
    QgsVectorLayer,
    Qgis,
)
from qgis.PyQt.QtGui import QColor

from . import compat, hexbin, layers, models
from ..governance import disclosure, keys
from ..governance.i18n import tr

STYLES_DIR = Path(__file__).resolve().parent.parent / "ui" / "styles"
LOG_TAG = "SafeStats"

# Layer custom-property keys written by this module (no secrets, only style bookkeeping).
PROP_PRESET = keys.PROP_PRESET
PROP_CATEGORY_FIELD = keys.PROP_CATEGORY_FIELD
PROP_CATEGORIES = keys.PROP_CATEGORIES

CATEGORISED = "categorised"
HEATMAP = "heatmap"
HEXAGONS = "hexagons"
CHOROPLETH = "choropleth"
USER_PREFIX = "user:"

# Style categories a preset touches: symbology and rendering only (never fields, forms, actions).
PRESET_STYLE_CATEGORIES = QgsMapLayer.StyleCategory.Symbology | QgsMapLayer.StyleCategory.Rendering


# ---------------------------------------------------------------- stable colours

#: 24 well-separated colours (Tableau 20 family + extras), the hash fallback palette. Never reorder:
#: reordering would change every hashed colour for every user.
PALETTE: Sequence[str] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#aec7e8", "#ffbb78", "#98df8a", "#c5b0d5", "#c49c94", "#dbdb8d",
)

#: Fixed colours for categories the SafeStats datasets are known to use (keys are normalised with
#: :func:`normalise_category`).  Same text => same colour whichever dataset it appears in.
KNOWN_COLOURS: Dict[str, str] = {
    # police.uk crime types (MPS, City of London Police, BTP)
    "anti-social behaviour": "#a6cee3",
    "bicycle theft": "#1f78b4",
    "burglary": "#6a3d9a",
    "criminal damage and arson": "#ff7f00",
    "drugs": "#33a02c",
    "other crime": "#b2b2b2",
    "other theft": "#fdbf6f",
    "possession of weapons": "#000000",
    "public order": "#cab2d6",
    "robbery": "#b15928",
    "shoplifting": "#ffd92f",
    "theft from the person": "#fb9a99",
    "vehicle crime": "#1b9e77",
    "violence and sexual offences": "#e31a1c",
    # LAS incident types
    "assault": "#d7301f",
    "assault - knife injury": "#7f0000",
    "assault - gun injury": "#3f007d",
    "alcohol related": "#fdae6b",
    "self harm": "#6baed6",
    # LFB incident groups
    "fire": "#e6550d",
    "false alarm": "#9ecae1",
    "special service": "#31a354",
    # ISTV assault methods
    "body part (fist, foot, head)": "#fc9272",
    "knife or blade": "#7f0000",
    "bottle or glass": "#41b6c4",
    "blunt object": "#8c6bb1",
    "firearm": "#3f007d",
    "other weapon": "#636363",
    "unknown": "#bdbdbd",
    # TfL bus incident event types
    "onboard injuries": "#f16913",
    "slip trip fall": "#fdd0a2",
    "collision incident": "#08519c",
    "personal injury": "#fd8d3c",
    "vandalism / hooliganism": "#756bb1",
    # RNLI reasons for launch
    "person in the water": "#08306b",
    "person in distress": "#2171b5",
    "vessel aground": "#8c510a",
    "machinery failure": "#bf812d",
    "suspicious object": "#525252",
    "search for missing person": "#6a51a3",
    "assist other agency": "#41ab5d",
    # NDTMS substance groups
    "opiate": "#7a0177",
    "non-opiate only": "#dd3497",
    "non-opiate and alcohol": "#fa9fb5",
    "alcohol only": "#fec44f",
}

OTHER_COLOUR = "#9e9e9e"


def normalise_category(text: str) -> str:
    """Case- and whitespace-insensitive key for a category text."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def stable_colour(category: Optional[str]) -> QColor:
    """The colour of a category text: identical across datasets, sessions and machines."""
    if category is None or str(category).strip() == "":
        return QColor(OTHER_COLOUR)
    key = normalise_category(category)
    known = KNOWN_COLOURS.get(key)
    if known:
        return QColor(known)
    index = zlib.crc32(key.encode("utf-8")) % len(PALETTE)
    return QColor(PALETTE[index])


# ---------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Preset:
    """One entry of the preset catalogue shown in the dock and the layer context menu."""

    id: str
    title: str
    description: str
    access: tuple  # which dataset access modes it suits: ("records",), ("aggregate",) or both
    qml: Optional[Path] = None
    builtin: bool = True


def builtin_presets() -> List[Preset]:
    return [
        Preset(CATEGORISED, tr("Categorised points"),
               tr("One colour per category, the same colour for the same category in every dataset."),
               ("records",), STYLES_DIR / "categorised_base.qml"),
        Preset(HEATMAP, tr("Heatmap (kernel density)"),
               tr("Kernel density surface of the incidents; good for hot spots at borough scale."),
               ("records",), STYLES_DIR / "heatmap.qml"),
        Preset(HEXAGONS, tr("Hexagon density"),
               tr("Counts of the loaded incidents in the store's hexagons (500, 1000 or 2000 m), in a layer "
                  "above the points; counts below the small-number threshold are not shown."),
               ("records",), STYLES_DIR / "hexagons.qml"),
        Preset(CHOROPLETH, tr("Graduated choropleth"),
               tr("Counts per area (aggregate data); suppressed small numbers are hatched."),
               ("aggregate",), STYLES_DIR / "choropleth.qml"),
    ]


def user_styles_dir(dataset_id: Optional[str] = None) -> Path:
    """Folder for user presets inside the active QGIS profile (created on demand)."""
    base = Path(QgsApplication.qgisSettingsDirPath()) / "safestats" / "styles"
    return base / _slug(dataset_id) if dataset_id else base


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", text.strip()).strip("._")
    return slug or "preset"


def user_presets(dataset_id: Optional[str]) -> List[Preset]:
    """User presets saved for this dataset (plus any saved for all datasets)."""
    found: List[Preset] = []
    folders = [user_styles_dir("_all")]
    if dataset_id:
        folders.insert(0, user_styles_dir(dataset_id))
    for folder in folders:
        if not folder.is_dir():
            continue
        for qml in sorted(folder.glob("*.qml")):
            found.append(Preset(f"{USER_PREFIX}{folder.name}/{qml.stem}", qml.stem,
                                tr("Your saved style"), ("records", "aggregate"), qml, builtin=False))
    return found


def presets_for(access: str, dataset_id: Optional[str] = None) -> List[Preset]:
    """Presets that suit a dataset with the given access ("records" or "aggregate")."""
    presets = [p for p in builtin_presets() if access in p.access]
    return presets + user_presets(dataset_id)


def find_preset(preset_id: str, dataset_id: Optional[str] = None) -> Optional[Preset]:
    for preset in builtin_presets() + user_presets(dataset_id):
        if preset.id == preset_id:
            return preset
    if preset_id.startswith(USER_PREFIX):  # saved for another dataset: still resolvable by path
        folder, _, name = preset_id[len(USER_PREFIX):].partition("/")
        qml = user_styles_dir(folder) / f"{name}.qml"
        if qml.is_file():
            return Preset(preset_id, name, tr("Your saved style"), ("records", "aggregate"), qml, False)
    return None


def default_preset_id(access: str) -> str:
    """The built-in default preset for "records" or "aggregate" datasets."""
    return CHOROPLETH if access == "aggregate" else CATEGORISED


def preferred_preset_id(access: str) -> str:
    """The user's default preset for this kind of dataset (QgsSettings
    ``safestats/default_preset/<records|aggregate>``, set on the Options page), if it suits."""
    from qgis.core import QgsSettings

    chosen = str(QgsSettings().value(keys.DEFAULT_PRESET.format(kind=access), "") or "")
    if chosen and any(p.id == chosen and access in p.access for p in builtin_presets()):
        return chosen
    return default_preset_id(access)


# ---------------------------------------------------------------- renderer builders


def _point_symbol(colour: QColor, size_mm: float = 2.0) -> QgsMarkerSymbol:
    symbol = QgsMarkerSymbol.createSimple({
        "name": "circle",
        "color": colour.name(),
        "outline_color": "255,255,255,200",
        "outline_width": "0.15",
        "size": str(size_mm),
    })
    return symbol


def build_categorised_renderer(field: str, categories: Iterable[str]) -> QgsCategorizedSymbolRenderer:
    """Categorised points with stable colours, plus an "Other / not recorded" catch-all."""
    seen = set()
    cats: List[QgsRendererCategory] = []
    for value in categories:
        if value is None or value in seen:
            continue
        seen.add(value)
        cats.append(QgsRendererCategory(value, _point_symbol(stable_colour(value)), str(value), True))
    other = _point_symbol(QColor(OTHER_COLOUR), 1.6)
    cats.append(QgsRendererCategory("", other, tr("Other / not recorded"), True))
    renderer = QgsCategorizedSymbolRenderer(field, cats)
    renderer.setSourceSymbol(_point_symbol(QColor(OTHER_COLOUR)))
    return renderer


def heatmap_ramp() -> QgsGradientColorRamp:
    """Transparent → pale yellow → orange → red → dark red; the low end rises fast so that
    scattered incidents stay visible next to a strong hot spot, and the base map shows through."""
    ramp = QgsGradientColorRamp(QColor(255, 255, 178, 0), QColor(128, 0, 38, 235))
    ramp.setStops([
        QgsGradientStop(0.03, QColor(255, 255, 178, 100)),
        QgsGradientStop(0.12, QColor(254, 217, 118, 165)),
        QgsGradientStop(0.30, QColor(253, 141, 60, 200)),
        QgsGradientStop(0.55, QColor(240, 59, 32, 220)),
        QgsGradientStop(0.80, QColor(189, 0, 38, 230)),
    ])
    return ramp


def build_heatmap_renderer() -> QgsHeatmapRenderer:
    renderer = QgsHeatmapRenderer()
    renderer.setRadius(8.0)
    renderer.setRadiusUnit(compat.RENDER_MILLIMETERS)
    renderer.setMaximumValue(0)  # automatic
    renderer.setRenderQuality(2)
    renderer.setColorRamp(heatmap_ramp())
    return renderer


CHOROPLETH_EXPRESSION = 'coalesce("count", -1)'
CHOROPLETH_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")


def _polygon_symbol(colour: str) -> QgsFillSymbol:
    return QgsFillSymbol.createSimple({
        "color": colour, "outline_color": "255,255,255,255", "outline_width": "0.26",
    })


def _suppressed_symbol() -> QgsFillSymbol:
    symbol = QgsFillSymbol.createSimple({
        "color": "230,230,230,255", "outline_color": "255,255,255,255", "outline_width": "0.26",
    })
    from qgis.core import QgsLinePatternFillSymbolLayer

    hatch = QgsLinePatternFillSymbolLayer()
    hatch.setLineAngle(45)
    hatch.setDistance(1.6)
    hatch.setColor(QColor(150, 150, 150))
    hatch.setLineWidth(0.2)
    symbol.appendSymbolLayer(hatch)
    return symbol


def build_choropleth_renderer(breaks: Optional[Sequence[float]] = None) -> QgsGraduatedSymbolRenderer:
    """Graduated counts with a hatched class for suppressed (null) counts.

    ``breaks`` are upper bounds of the five count classes; the default is a placeholder that
    :func:`apply_preset` replaces with Jenks breaks computed from the loaded data.
    """
    uppers = list(breaks or (10, 25, 50, 100, 250))
    ranges = [QgsRendererRange(-1.5, -0.5, _suppressed_symbol(), tr("Suppressed (small number)"), True)]
    lower = 0.0
    for index, upper in enumerate(uppers):
        colour = CHOROPLETH_COLOURS[min(index, len(CHOROPLETH_COLOURS) - 1)]
        label = f"{_fmt(lower)} – {_fmt(upper)}"
        ranges.append(QgsRendererRange(lower, float(upper), _polygon_symbol(colour), label, True))
        lower = float(upper)
    renderer = QgsGraduatedSymbolRenderer(CHOROPLETH_EXPRESSION, ranges)
    renderer.setSourceSymbol(_polygon_symbol(CHOROPLETH_COLOURS[0]))
    return renderer


def build_hexbin_renderer(uppers: Sequence[float] = (), threshold: int = disclosure.DEFAULT_THRESHOLD
                          ) -> QgsGraduatedSymbolRenderer:
    """Graduated hexagon counts (``providers/hexbin.py`` cells): a hatched "Fewer than N" class for
    withheld (NULL) counts, then count classes that start at the threshold, so the legend never
    shows a number below it. ``uppers``: upper bounds of the classes (Jenks of the shown counts)."""
    ranges = [QgsRendererRange(-1.5, -0.5, _suppressed_symbol(), hexbin.suppressed_label(threshold), True)]
    bound, first = threshold - 0.5, float(threshold)  # counts are whole: a class holds (bound, upper]
    for index, upper in enumerate(u for u in sorted(set(uppers)) if u >= threshold):
        colour = CHOROPLETH_COLOURS[min(index, len(CHOROPLETH_COLOURS) - 1)]
        label = _fmt(first) if upper == first else f"{_fmt(first)} – {_fmt(upper)}"
        ranges.append(QgsRendererRange(bound, float(upper), _polygon_symbol(colour), label, True))
        bound, first = float(upper), float(upper) + 1
    renderer = QgsGraduatedSymbolRenderer(CHOROPLETH_EXPRESSION, ranges)
    renderer.setSourceSymbol(_polygon_symbol(CHOROPLETH_COLOURS[0]))
    return renderer


def style_hexagons(layer: QgsVectorLayer, threshold: int) -> None:
    """Style a hexagon-cells layer: Jenks classes of its shown counts, the withheld class hatched."""
    uppers = [u for u in jenks_breaks(layer, "count") if u >= threshold]
    layer.setRenderer(build_hexbin_renderer(uppers, threshold))
    layer.setOpacity(0.85)
    layer.emitStyleChanged()


def _show_hexagons(layer: QgsVectorLayer) -> bool:
    """The Hexagon preset: bin the points into a hexagon-cells layer above them (points kept, hidden)."""
    project = layer.project() or QgsProject.instance()  # a layer in no project: the current one

    def done(_cells: Optional[QgsVectorLayer], error: Optional[BaseException]) -> None:
        if error is not None:
            QgsMessageLog.logMessage(tr("Hexagon binning of {0} failed: {1}").format(layer.name(), error),
                                     LOG_TAG, Qgis.MessageLevel.Critical)

    hexbin.show_hexagons(layer, style_hexagons, project, on_done=done)
    return True


def _drop_hexagons(layer: QgsVectorLayer) -> None:
    project = layer.project() or QgsProject.instance()
    hexbin.drop_hexagons(layer, project)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"


def jenks_breaks(layer: QgsVectorLayer, field: str = "count", classes: int = 5) -> List[float]:
    """Upper bounds of natural-breaks classes of a numeric field (nulls ignored)."""
    found = [float(f[field]) for f in layer.getFeatures() if f[field] not in (None, "") and not _is_null(f[field])]
    values = sorted(set(found))
    if not values:
        return []
    if len(values) <= classes:
        return values
    # classified from the values themselves: classifying the layer's field would count suppressed
    # (NULL) areas as 0 and give classes like "0 – 0"
    ranges = QgsClassificationJenks().classes(found, classes)
    uppers = sorted({r.upperBound() for r in ranges if r.upperBound() > 0})
    return uppers or values


def _is_null(value: object) -> bool:
    try:
        from qgis.PyQt.QtCore import QVariant

        return isinstance(value, QVariant) and value.isNull()
    except Exception:  # pragma: no cover
        return False


# ---------------------------------------------------------------- apply / save


def layer_category_info(layer: QgsVectorLayer) -> tuple:
    """(category field, categories) remembered on the layer, or guessed from its fields."""
    field = layer.customProperty(PROP_CATEGORY_FIELD)
    raw = layer.customProperty(PROP_CATEGORIES)
    categories: List[str] = []
    if raw:
        try:
            categories = [str(c) for c in json.loads(raw)]
        except (TypeError, ValueError):
            categories = []
    if not field:
        return None, categories
    if not categories:
        index = layer.fields().indexOf(field)
        if index >= 0:
            categories = sorted(str(v) for v in layer.uniqueValues(index) if v not in (None, "")
                                and not _is_null(v))
    return field, categories


def remember_category_info(layer: QgsVectorLayer, field: Optional[str], categories: Iterable[str]) -> None:
    if field:
        layer.setCustomProperty(PROP_CATEGORY_FIELD, field)
    cats = [str(c) for c in categories]
    if cats:
        layer.setCustomProperty(PROP_CATEGORIES, json.dumps(cats))


def apply_preset(layer: QgsVectorLayer, preset_id: str, *, category_field: Optional[str] = None,
                 categories: Optional[Iterable[str]] = None, dataset_id: Optional[str] = None) -> bool:
    """Apply a preset to a layer and remember it on the layer; returns False if not applicable.
    A time-aware layer stays time-aware with its own temporal setup, whatever the preset's QML holds."""
    if layer is None or not isinstance(layer, QgsVectorLayer) or not layer.isValid():
        return False
    with layers.temporal_kept(layer):
        ok = _apply_preset(layer, preset_id, category_field=category_field, categories=categories,
                           dataset_id=dataset_id)
    if ok:
        layer.triggerRepaint()
        layer.emitStyleChanged()
    return ok


def _apply_preset(layer: QgsVectorLayer, preset_id: str, *, category_field: Optional[str],
                  categories: Optional[Iterable[str]], dataset_id: Optional[str]) -> bool:
    if category_field or categories:
        remember_category_info(layer, category_field, categories or [])
    geometry = layer.geometryType()
    ok = False
    if preset_id != HEXAGONS and geometry == compat.POINT_GEOMETRY:
        _drop_hexagons(layer)
    if preset_id == CATEGORISED:
        field, cats = layer_category_info(layer)
        if field and geometry == compat.POINT_GEOMETRY:
            renderer = build_categorised_renderer(field, cats)
            if layer.featureCount() > 20000:
                _shrink_symbols(renderer, 1.3)
            layer.setRenderer(renderer)
            ok = True
    elif preset_id == HEATMAP and geometry == compat.POINT_GEOMETRY:
        ok = _load_builtin_qml(layer, "heatmap.qml") or _set(layer, build_heatmap_renderer())
        if ok:
            compat.set_heatmap_legend(layer, tr("Fewer incidents"), tr("More incidents"))
    elif preset_id == HEXAGONS and geometry == compat.POINT_GEOMETRY:
        ok = _show_hexagons(layer)
    elif preset_id == CHOROPLETH and geometry == compat.POLYGON_GEOMETRY:
        _load_builtin_qml(layer, "choropleth.qml")
        breaks = jenks_breaks(layer, "count") if layer.fields().indexOf("count") >= 0 else []
        layer.setRenderer(build_choropleth_renderer(breaks or None))
        layer.setOpacity(0.85)
        ok = True
    elif preset_id.startswith(USER_PREFIX):
        preset = find_preset(preset_id, dataset_id)
        if preset and preset.qml:
            _message, ok = layer.loadNamedStyle(str(preset.qml), PRESET_STYLE_CATEGORIES)
    if not ok:
        QgsMessageLog.logMessage(
            tr("Style preset {0} does not suit layer {1}").format(preset_id, layer.name()),
            LOG_TAG, Qgis.MessageLevel.Warning)
        return False
    layer.setCustomProperty(PROP_PRESET, preset_id)
    return True


def apply_dataset_preset(layer: QgsVectorLayer, preset_id: str, info: Any,
                         dataset_id: Optional[str] = None) -> bool:
    """``apply_preset`` with the dataset's category field and the categories the store lists for it
    (``info`` is the dataset's ``CollectionInfo``, or None when unknown)."""
    field = info.category_field if info is not None else None
    field_info = info.field(field) if field else None
    categories = list(field_info.categories or ()) if field_info else None
    chosen = loaded_categories(layer, field)
    if chosen:  # the legend lists what was loaded, not every category of the dataset
        categories = [c for c in (categories or ()) if c in chosen] + [c for c in chosen
                                                                      if c not in (categories or ())]
    return apply_preset(layer, preset_id, category_field=field, categories=categories,
                        dataset_id=dataset_id or (info.id if info is not None else None))


def loaded_categories(layer: QgsVectorLayer, field: Optional[str]) -> List[str]:
    """The categories of ``field`` the layer's stored query asked for (empty: not filtered on it)."""
    raw = layer.customProperty(layers.PROP_QUERY) if field else None
    if not raw:
        return []
    try:
        query = models.query_from_json(str(raw))
    except (ValueError, KeyError, TypeError):
        return []
    values = getattr(query, "categories", {}).get(field) or ()
    return [str(v) for v in values]


def _load_builtin_qml(layer: QgsVectorLayer, name: str) -> bool:
    """Load a shipped preset QML (symbology + rendering only)."""
    path = STYLES_DIR / name
    if not path.is_file():
        return False
    _message, ok = layer.loadNamedStyle(str(path), PRESET_STYLE_CATEGORIES)
    return bool(ok)


def _set(layer: QgsVectorLayer, renderer) -> bool:
    layer.setRenderer(renderer)
    return True


def _shrink_symbols(renderer: QgsCategorizedSymbolRenderer, size_mm: float) -> None:
    for index, category in enumerate(renderer.categories()):
        symbol = category.symbol().clone()
        symbol.setSize(size_mm)
        renderer.updateCategorySymbol(index, symbol)


def current_preset(layer: QgsVectorLayer) -> Optional[str]:
    value = layer.customProperty(PROP_PRESET)
    return str(value) if value else None


def save_user_preset(layer: QgsVectorLayer, name: str, dataset_id: Optional[str]) -> Path:
    """Save the layer's current symbology as a user preset QML in the profile folder."""
    folder = user_styles_dir(dataset_id or "_all")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_slug(name)}.qml"
    message, ok = layer.saveNamedStyle(str(path), PRESET_STYLE_CATEGORIES)
    if not ok:
        raise OSError(message)
    return path
