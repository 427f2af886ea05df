"""The ward map's legend: wrap long labels, then more columns and smaller text until it fits its frame.

Used by :func:`providers.print_job.build_layout`; no widgets here.
"""
from __future__ import annotations

import textwrap

from qgis.core import (Qgis, QgsLayoutItemLegend, QgsLayoutUtils, QgsLegendRenderer, QgsMapLayerLegendUtils,
                       QgsMessageLog)
from qgis.PyQt.QtCore import QSizeF, Qt

from . import compat

LOG_TAG = "SafeStats"


def log(message: str, level: Qgis.MessageLevel = Qgis.MessageLevel.Info) -> None:
    QgsMessageLog.logMessage(message, LOG_TAG, level)


def _legend_nodes(legend: QgsLayoutItemLegend) -> list:
    return legend.model().rootGroup().findLayers()


def wrap_legend(legend: QgsLayoutItemLegend, chars: int) -> None:
    """Long layer titles and class labels on several lines (the legend breaks at "\n")."""
    legend.setWrapString("\n")
    model = legend.model()
    for node in _legend_nodes(legend):
        title = node.customProperty("safestats/full-title") or node.name()
        node.setCustomProperty("safestats/full-title", title)
        node.setCustomProperty("legend/title-label", "\n".join(textwrap.wrap(str(title), chars)) or title)
        for i, item in enumerate(model.layerLegendNodes(node, True)):
            text = item.data(Qt.ItemDataRole.DisplayRole) or ""
            full = QgsMapLayerLegendUtils.legendNodeUserLabel(node, i) or str(text)
            full = full.replace("\n", " ")
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, i, "\n".join(textwrap.wrap(full, chars)) or full)
        model.refreshLayerLegend(node)


def legend_content_size(legend: QgsLayoutItemLegend) -> QSizeF:
    """The size (mm) the legend's content takes, every entry shown (the worst page)."""
    context = QgsLayoutUtils.createRenderContextForLayout(legend.layout(), None)
    return QgsLegendRenderer(legend.model(), legend.legendSettings()).minimumSize(context)


def fit_legend(legend: QgsLayoutItemLegend) -> QSizeF:
    """Make the legend's content fit its frame: wrap long labels, then more columns and smaller
    text and symbols until it fits (a legend never runs off its frame or the page)."""
    frame = legend.sizeWithUnits()
    width, height = frame.width(), frame.height()
    base = {style: legend.rstyle(style).font().pointSizeF() for style in
            (compat.LEGEND_TITLE, compat.LEGEND_GROUP, compat.LEGEND_SUBGROUP, compat.LEGEND_SYMBOL_LABEL)}
    symbol = (legend.symbolWidth(), legend.symbolHeight())
    size = QSizeF()
    # more columns before smaller text: readable print first, then compact
    attempts = [(1.0, 1), (0.9, 1), (1.0, 2), (0.9, 2), (0.8, 2), (0.8, 3), (0.7, 2), (0.7, 3), (0.6, 3), (0.5, 3)]
    for scale, columns in attempts:
        for style, points in base.items():
            font = legend.rstyle(style).font()
            font.setPointSizeF(points * scale)
            legend.rstyle(style).setFont(font)
        legend.setSymbolWidth(symbol[0] * max(scale, 0.7))
        legend.setSymbolHeight(symbol[1] * max(scale, 0.7))
        legend.setColumnCount(columns)
        legend.setSplitLayer(columns > 1)
        legend.setEqualColumnWidth(True)
        column_mm = (width - 2 * legend.boxSpace()) / columns - (columns - 1) * legend.columnSpace() / columns
        label_pt = base[compat.LEGEND_SYMBOL_LABEL] * scale
        chars = max(12, int((column_mm - legend.symbolWidth() - 3) / (label_pt * 0.3528 * 0.56)))
        wrap_legend(legend, chars)
        size = legend_content_size(legend)
        if size.width() <= width + 0.01 and size.height() <= height + 0.01:
            return size
    log(f"the legend needs {size.width():.0f} x {size.height():.0f} mm in a {width:.0f} x {height:.0f} mm frame",
        Qgis.MessageLevel.Warning)
    return size
