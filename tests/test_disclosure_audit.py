"""Independent linear-programming audit of every table the plugin publishes from record-level data.

For each suppressed cell the smallest and largest value consistent with what is published (shown
cells, shown totals, counts ≥ 0) is found with ``scipy.optimize.linprog`` (``sdc_audit``); the
interval must be at least the threshold (5) wide. Tables: generated ones with many small cells,
the attack from issue 10, and the real outputs of Processing "Count incidents in polygons"
(split by category, and by category and month), "Compare periods" and the atlas's per-ward
counts, run on generated incidents (many small cells) — no store needed.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from sdc_audit import intervals, narrow

T = 5


# ------------------------------------------------------------------ pure tables


@pytest.mark.parametrize("rows, cols, mean, seed", [
    (25, 6, 1.0, 1), (15, 10, 0.7, 2), (40, 3, 2.0, 3), (30, 1, 2.0, 4), (6, 12, 3.0, 5), (12, 8, 0.3, 6),
])
def test_suppressed_tables_pass_the_lp_audit(rows, cols, mean, seed):
    from safestats.governance import disclosure as d
    table = np.random.default_rng(seed).poisson(mean, (rows, cols)).tolist()
    t = d.suppress_table(table, T)
    small = sum(1 for r in table for v in r if 0 < v < T)
    assert small >= 5 and t.primary_count >= small  # many small cells, all hidden
    found = intervals(t.cells, t.row_totals, t.col_totals, t.grand_total)
    assert len(found) == t.primary_count + t.secondary_count
    assert narrow(found, T) == {}
    # shown values are the truth and never small; hidden ones are never shown as 0
    for r, row in enumerate(table):
        for c, v in enumerate(row):
            assert t.cells[r][c] in (None, v) and not (t.cells[r][c] is not None and 0 < v < T)


def test_issue_attack_total_five_four_hidden_cells_rest_zero():
    """Issue 10: a polygon whose total is 5, four hidden cells and the rest 0. With "<5" labels and
    zeros published, each hidden cell could only be 1 or 2 (the audit finds that); now it cannot be
    narrowed below the threshold."""
    from safestats.governance import disclosure as d
    table = [[1, 1, 2, 1, 0, 0, 0], [20, 30, 12, 40, 9, 7, 8], [15, 9, 22, 6, 30, 11, 5]]
    # what the old rule published for the first polygon: the small cells hidden as "<5", zeros and total shown
    old = intervals([[None, None, None, None, 0, 0, 0]], [5], lower=1)  # "<5" told the reader: at least 1
    assert {k: v for k, v in old.items()} == {(0, c): (1.0, 2.0) for c in range(4)}
    assert narrow(old, T)  # the audit catches it
    t = d.suppress_table(table, T)
    assert t.row_totals[0] is None  # the polygon's total can no longer pin its cells
    found = intervals(t.cells, t.row_totals, t.col_totals, t.grand_total)
    assert narrow(found, T) == {}
    assert all(found[(0, c)][1] - found[(0, c)][0] >= T for c in range(4))


def test_zero_rule_zeros_shown_never_hidden_and_one_label():
    """Zeros are always shown and never hidden (so the audit gives the reader "hidden ≥ 1"); every hidden
    cell reads the same, so a label never tells "below 5" from "hidden to protect another"."""
    from safestats.governance import disclosure as d
    from safestats.providers import counting
    shown_zeros = 0
    for seed in range(10):
        table = np.random.default_rng(100 + seed).poisson(0.6, (10, 5)).tolist()
        t = d.suppress_table(table, T)
        for r, row in enumerate(table):
            for c, v in enumerate(row):
                if v == 0:
                    assert t.cells[r][c] == 0
                    shown_zeros += 1
        rows, cols = list(range(10)), list(range(5))
        ct = counting.suppress({r: dict(enumerate(table[r])) for r in rows}, rows, cols, T)
        labels = {ct.cell(r, c).label for r in rows for c in cols if ct.cell(r, c).suppressed}
        flags = {ct.cell(r, c).flag for r in rows for c in cols if ct.cell(r, c).suppressed}
        assert labels == {"*"} and flags == {"suppressed"}
        assert narrow(intervals(t.cells, t.row_totals, t.col_totals, t.grand_total), T) == {}
    assert shown_zeros > 100


def test_audit_catches_primary_only_suppression():
    """The audit can fail: hiding only the small cells leaves them recoverable or narrow."""
    table = [[12, 3, 20], [15, 9, 30], [7, 11, 2]]
    cells = [[None if 0 < v < T else v for v in r] for r in table]
    found = intervals(cells, [sum(r) for r in table], [sum(c) for c in zip(*table)], sum(map(sum, table)))
    assert narrow(found, T)


# ------------------------------------------------------------------ Processing and atlas outputs

N_AREAS = 5  # 5 x 5 squares of 400 m
CATS = ("Burglary", "Robbery", "Theft", "Criminal damage", "Drugs", "Vehicle crime")
START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def _squares():
    from qgis.core import QgsFeature, QgsField, QgsGeometry, QgsVectorLayer
    from qgis.PyQt.QtCore import QVariant
    layer = QgsVectorLayer("MultiPolygon?crs=EPSG:27700", "squares", "memory")
    layer.dataProvider().addAttributes([QgsField("code", QVariant.String), QgsField("name", QVariant.String)])
    layer.updateFields()
    feats = []
    for i in range(N_AREAS):
        for j in range(N_AREAS):
            f = QgsFeature(layer.fields())
            x, y = 530000 + 400 * i, 180000 + 400 * j
            f.setGeometry(QgsGeometry.fromWkt(f"POLYGON(({x} {y},{x + 400} {y},{x + 400} {y + 400},{x} {y + 400},"
                                              f"{x} {y}))"))
            f.setAttributes([f"SQ{i}{j}", f"Square {i},{j}"])
            feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def _incidents(n=420, seed=7):
    """Points strictly inside the squares (never on an edge), few per square and category: many small cells;
    stacked in pairs on a 50 m grid as the store's anonymising grid does."""
    from qgis.core import QgsFeature, QgsField, QgsGeometry, QgsPointXY, QgsVectorLayer
    from qgis.PyQt.QtCore import QDateTime, QVariant
    rng = random.Random(seed)
    layer = QgsVectorLayer("Point?crs=EPSG:27700", "incidents", "memory")
    layer.dataProvider().addAttributes([QgsField("crime_type", QVariant.String),
                                        QgsField("occurred_at", QVariant.DateTime)])
    layer.updateFields()
    feats, truth = [], []
    weights = [rng.choice((0.2, 1, 1, 3)) for _ in range(N_AREAS * N_AREAS)]
    for _ in range(n):
        sq = rng.choices(range(N_AREAS * N_AREAS), weights)[0]
        i, j = divmod(sq, N_AREAS)
        x = 530000 + 400 * i + 25 + 50 * rng.randrange(8)
        y = 180000 + 400 * j + 25 + 50 * rng.randrange(8)
        cat = rng.choices(CATS, (5, 2, 6, 2, 1, 1))[0]
        when = START + timedelta(days=rng.randrange(150), hours=rng.randrange(24))
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        f.setAttributes([cat, QDateTime.fromSecsSinceEpoch(int(when.timestamp()))])
        feats.append(f)
        truth.append((f"SQ{i}{j}", cat, when))
    layer.dataProvider().addFeatures(feats)
    return layer, truth


def _run(alg_id, params):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(alg_id, params, context=context, feedback=QgsProcessingFeedback())["OUTPUT"]


@pytest.fixture()
def provider(qgis_processing, session):
    from safestats.processing_provider import register_processing, unregister_processing
    p = register_processing(session)
    yield p
    unregister_processing(p)


def _value(v):
    return None if v is None or (hasattr(v, "isNull") and v.isNull()) else v


def _month(when):
    from zoneinfo import ZoneInfo
    return when.astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m")


@pytest.mark.parametrize("by_month", [False, True])
def test_count_in_polygons_output_passes_the_lp_audit(provider, by_month):
    incidents, truth = _incidents()
    squares = _squares()
    out = _run("safestats:countinpolygons", {"INCIDENTS": incidents, "POLYGONS": squares, "SPLIT_CATEGORY": True,
                                             "SPLIT_MONTH": by_month, "OUTPUT": "memory:"})
    rows = [f"SQ{i}{j}" for i in range(N_AREAS) for j in range(N_AREAS)]
    pub: dict = {}
    for f in out.getFeatures():
        col = (f["category"], f["month"]) if by_month else f["category"]
        if f["category"] == "All":
            col = "All"
        pub[(f["code"], col)] = (_value(f["incidents"]), f["incidents_label"], f["suppressed"])
    cols = sorted({c for (_r, c) in pub if c != "All"})
    cells = [[pub[(r, c)][0] for c in cols] for r in rows]
    row_totals = [pub[(r, "All")][0] for r in rows]
    true = {(r, c): 0 for r in rows for c in cols}
    for code, cat, when in truth:
        true[(code, (cat, _month(when)) if by_month else cat)] += 1
    small = sum(1 for v in true.values() if 0 < v < T)
    assert small >= 40, small  # many small cells
    for (r, c), (count, label, flag) in pub.items():
        if count is None:
            assert label == "*" and flag == "suppressed"
        else:
            expected = sum(true[(r, k)] for k in cols) if c == "All" else true[(r, c)]
            assert count == expected and not 0 < count < T and flag == ""
    # Column totals and the grand total are not in the output, but a reader may know them (e.g. from
    # another release): the audit assumes every one of them is known, except those below the threshold
    # or hidden as complements (the same deterministic suppression, rerun on the true counts, says which).
    from safestats.providers import counting
    ref = counting.suppress({r: {c: true[(r, c)] for c in cols} for r in rows}, rows, cols, T)
    assert [[ref.cell(r, c).count for c in cols] for r in rows] == cells  # the same table as published
    col_totals = [ref.col_totals[c].count for c in cols]
    if not by_month:  # denser: most category totals stay known (sparse category x month needs them hidden)
        assert sum(v is not None for v in col_totals) > len(cols) // 2
    found = intervals(cells, row_totals, col_totals, ref.grand_total.count)
    assert len(found) >= small and narrow(found, T) == {}


def test_compare_periods_output_passes_the_lp_audit(provider):
    incidents, truth = _incidents(n=260, seed=11)
    squares = _squares()
    a, b = ("2025-01-01", "2025-02-28"), ("2025-03-01", "2025-04-30")
    out = _run("safestats:compareperiods", {"INCIDENTS": incidents, "POLYGONS": squares, "A_START": a[0],
                                            "A_END": a[1], "B_START": b[0], "B_END": b[1], "OUTPUT": "memory:"})
    rows, cells, true = [], [], {}
    for code, _cat, when in truth:
        day = _month(when)
        p = "A" if day <= "2025-02" else "B" if day <= "2025-04" else None
        if p:
            true[(code, p)] = true.get((code, p), 0) + 1
    for f in sorted(out.getFeatures(), key=lambda f: f["code"]):
        rows.append(f["code"])
        cells.append([_value(f["count_a"]), _value(f["count_b"])])
        for k, p in ((0, "A"), (1, "B")):
            if cells[-1][k] is not None:
                assert cells[-1][k] == true.get((f["code"], p), 0)
        if None in cells[-1]:
            assert _value(f["change"]) is None and f["suppressed"] == "suppressed"
    assert sum(1 for v in true.values() if 0 < v < T) >= 8
    # A+B per area is not published; each period's total may be known to the reader unless it is hidden
    from safestats.providers import counting
    ref = counting.suppress({r: {p: true.get((r, p), 0) for p in "AB"} for r in rows}, rows, ["A", "B"], T)
    assert [[ref.cell(r, p).count for p in "AB"] for r in rows] == cells
    found = intervals(cells, None, [ref.col_totals[p].count for p in "AB"])
    assert found and narrow(found, T) == {}


def test_atlas_ward_counts_pass_the_lp_audit(qgis_app):
    from qgis.core import QgsField, QgsProject
    from qgis.PyQt.QtCore import QVariant
    from safestats.providers import print_job as atlas
    incidents, truth = _incidents(n=90, seed=3)
    coverage = _squares()
    coverage.dataProvider().addAttributes([QgsField(atlas.COUNT_FIELD, QVariant.Int),
                                           QgsField(atlas.LABEL_FIELD, QVariant.String),
                                           QgsField(atlas.STATUS_FIELD, QVariant.String)])
    coverage.updateFields()
    table = atlas.count_wards(coverage, [incidents], T, QgsProject.instance())
    true = {}
    for code, _c, _w in truth:
        true[code] = true.get(code, 0) + 1
    cells, labels = [], set()
    for f in coverage.getFeatures():
        count = _value(f[atlas.COUNT_FIELD])
        cells.append([count])
        if count is None:
            labels.add(f[atlas.LABEL_FIELD])
            assert f[atlas.STATUS_FIELD] == "suppressed"
        else:
            assert count == true.get(f["code"], 0)
    assert sum(1 for v in true.values() if 0 < v < T) >= 4
    assert labels == {atlas.suppressed_page_text(T)}
    assert table.grand_total.true_count == len(truth)
    found = intervals(cells, None, [len(truth)])  # the total of all wards may be known
    assert found and narrow(found, T) == {}


def test_ward_map_clusters_stacked_points_and_prints_no_small_ward(qgis_app, tmp_path):
    """Printed ward maps: stacked points are drawn by QGIS's point cluster renderer (labelled with their
    number), a suppressed ward's page has no incident layer and says so, and the printed counts are the
    audited table's."""
    import subprocess
    from qgis.core import QgsProject
    from safestats.providers import print_job as atlas
    incidents, truth = _incidents(n=90, seed=3)
    squares = _squares()
    out = tmp_path / "wards.pdf"
    job = atlas.prepare_job(squares, "name", [incidents], str(out), title="Generated squares")
    project = QgsProject()  # the export's own private project, kept alive while its layers are read
    layout, coverage, layers, table = atlas.build_layout(job, project)
    assert layers[0].renderer().type() == "pointCluster"
    assert layers[0].renderer().embeddedRenderer() is not None
    hidden = [f for f in coverage.getFeatures() if f[atlas.STATUS_FIELD] == "suppressed"]
    assert hidden and all(f[atlas.LABEL_FIELD] == atlas.suppressed_page_text(5) for f in hidden)
    paths = atlas.export_job(job)
    text = subprocess.run(["pdftotext", "-layout", paths[0], "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "<5" not in flat and flat.count("Incidents in this ward: not shown (see the note)") == len(hidden)
    raw = " ".join(subprocess.run(["pdftotext", paths[0], "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert raw.count("Note: a ward with fewer than 5 incidents, or one withheld") == coverage.featureCount()
    true = {}
    for code, _c, _w in truth:
        true[code] = true.get(code, 0) + 1
    for f in coverage.getFeatures():
        if f[atlas.STATUS_FIELD] != "suppressed":
            assert f"Incidents in this ward: {true.get(f['code'], 0)}" in flat
