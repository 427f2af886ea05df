"""Printed ward maps: a 3-ward atlas rendered to PDF in a background task, against a real store.

The per-ward count printed on each page is checked against an independent shapely count over
the store's own GeoJSON, with small-number suppression ("<5")."""
from __future__ import annotations

import copy
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import wait_for_task
from processing_support import all_items, boundary_layer, reference_counts, wards_of

REPO = Path(__file__).resolve().parent.parent
DATASET = "mps_crime"


@pytest.fixture()
def loaded(signed_in, qgis_new_project):
    """The current SafeStats layer, loaded the plugin's way (LayerLoader -> FlatGeobuf in the cache)."""
    from qgis.core import QgsProject
    from safestats.providers.load_task import LayerLoader
    from safestats.providers.models import Query
    from zoneinfo import ZoneInfo
    loader = LayerLoader(signed_in, QgsProject.instance())
    info = signed_in.client.collection(DATASET)
    end = datetime.fromisoformat(info.temporal_end.replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/London"))
    q = Query(DATASET, start=end - timedelta(days=150), end=end)
    got = []
    task = loader.load(q, info)
    task.loaded.connect(got.append)
    wait_for_task(task)
    assert got
    yield got[0], q
    loader.unload()
    QgsProject.instance().clear()


def pick_wards(store_http, q, crs):
    """A ward with 1-4 incidents and two wards touching it (so its page shows "<5")."""
    from shapely.geometry import shape
    wards = wards_of(store_http, None, "EPSG:27700")
    points = all_items(store_http, "mopac", DATASET, q.to_params(), "EPSG:27700")
    ref = reference_counts(wards, points)
    shapes = {w["properties"]["code"]: shape(w["geometry"]) for w in wards}
    for w in wards:
        code = w["properties"]["code"]
        if 0 < ref[code]["All"] < 5:
            near = [c for c, g in shapes.items() if c != code and g.touches(shapes[code])
                    and ref[c]["All"] >= 5][:2]
            if len(near) == 2:
                codes = [code, *near]
                return [x for x in wards_of(store_http, None, crs) if x["properties"]["code"] in codes]
    pytest.skip("no small ward with two busier neighbours in the demo data")


def pdf_text(path):
    import unicodedata
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFKC", text)  # "ﬁ" ligatures back to "fi"


def test_template_has_every_item():
    from qgis.core import QgsProject
    from safestats.providers import print_job as atlas
    for paper in ("A4", "A3"):
        layout = atlas.load_template(QgsProject(), paper)
        for item_id in atlas.ITEM_IDS:
            assert layout.itemById(item_id) is not None, item_id
        size = layout.pageCollection().page(0).pageSize()
        assert round(size.width()) == (297 if paper == "A4" else 420)
    text = (REPO / "ui" / "layouts" / "ward_map.qpt").read_text()
    assert "@safestats_marking" in text and "@safestats_conditions" in text and "@atlas_pagename" in text


@pytest.mark.parametrize("crs", ["EPSG:4326"])
def test_three_ward_atlas_to_pdf(loaded, store_http, signed_in, audit_log, tmp_path, crs, qgis_messages):
    from safestats.providers import print_job as atlas
    layer, q = loaded
    wards = pick_wards(store_http, q, crs)
    codes = [w["properties"]["code"] for w in wards]
    boundaries = boundary_layer(wards, crs, name="Wards")
    out = tmp_path / "wards.pdf"
    job = atlas.prepare_job(boundaries, "name", [layer], str(out), title="Test ward profile", paper="A4",
                            preset_id="categorised", dpi=100, session=signed_in)
    task = atlas.start_print(job)
    progress = []
    task.progressChanged.connect(progress.append)
    wait_for_task(task, timeout=180)
    assert not task.error, task.error
    # no layout text item is made in a background thread (QGIS 3.22 logged one warning per label)
    assert not [m for m in qgis_messages if "background thread" in m], qgis_messages
    from safestats.providers import compat
    # printing leaves the user's layer as it was (QGIS 3.40.6's layer.clone() emptied its attribution)
    assert "Metropolitan Police Service" in compat.layer_attribution(layer)
    assert out.exists() and out.stat().st_size > 10_000
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert " ".join(info.split()).count("Pages: 3") == 1, info
    text = pdf_text(out)
    # reference: shapely over the store's own GeoJSON for the same query
    points = all_items(store_http, "mopac", DATASET, q.to_params(), crs)
    ref = reference_counts(wards, points)
    for w in wards:
        name = w["properties"]["name"]
        assert f"Test ward profile: {name}" in " ".join(text.split())
    labels = [" ".join(line.split()) for line in text.splitlines() if "Incidents in this ward:" in line]
    assert len(labels) == 3
    printed = sorted(line.split("Incidents in this ward:")[1].split()[0] for line in labels)
    expected = []
    trues = sorted(ref[c]["All"] for c in codes)
    from safestats.providers import counting
    table = counting.suppress({c: {"All": ref[c]["All"]} for c in codes}, codes, ["All"])
    # a suppressed ward's page says "not shown — fewer than 5, or withheld …" (the same for every hidden ward)
    expected = sorted("not" if table.cell(c, "All").suppressed else table.cell(c, "All").label for c in codes)
    assert printed == expected, (printed, trues)
    assert "not" in printed and str(min(trues)) not in printed  # the small ward is suppressed on its page
    assert "<5" not in text
    for must in ("OFFICIAL-SENSITIVE", "for crime prevention and reduction only; not for enforcement",
                 "Metropolitan Police Service", "Data extracted"):
        assert must.lower() in " ".join(text.split()).lower(), must
    entry = audit_log.last("export")
    assert entry["destination"] == str(out) and entry["dataset"] == DATASET and "ward maps" in entry["reason"]
    # pictures for a human to look at
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(out), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == 3
    keep = Path("/tmp/safestats-atlas-pages") / REPO.name  # one folder per checkout
    keep.mkdir(parents=True, exist_ok=True)
    for p in pngs:
        (keep / p.name).write_bytes(p.read_bytes())


def test_one_pdf_per_ward_in_27700(loaded, store_http, signed_in, tmp_path):
    from safestats.providers import print_job as atlas
    layer, q = loaded
    wards = pick_wards(store_http, q, "EPSG:27700")
    boundaries = boundary_layer(wards, "EPSG:27700", name="Wards")
    job = atlas.prepare_job(boundaries, "name", [layer], str(tmp_path / "pdfs"), paper="A3", per_ward=True,
                            dpi=72, session=signed_in)
    paths = atlas.export_job(job)
    assert len(paths) == 4 and all(Path(p).stat().st_size > 5_000 for p in paths)
    assert Path(paths[0]).name == atlas.ALL_WARDS_PDF  # all wards in one PDF, then one per ward
    names = {Path(p).name for p in paths[1:]}
    assert len(names) == 3 and all(n.startswith("ward_") for n in names)
    pages = subprocess.run(["pdfinfo", paths[0]], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in pages, pages
    info = subprocess.run(["pdfinfo", paths[1]], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info and ("1191 x 842" in info or "1190 x 842" in info), info  # A3 landscape
    # a second run into the same folder, with a stray PDF of an earlier run and two wards sharing a
    # name: it returns (and audits) its own three files, one per ward, none overwriting another
    (tmp_path / "pdfs" / "ward_Old_print.pdf").write_bytes(b"%PDF-1.4 earlier run")
    twin = copy.deepcopy(wards)
    twin[1]["properties"]["name"] = twin[0]["properties"]["name"]
    job = atlas.prepare_job(boundary_layer(twin, "EPSG:27700", name="Wards"), "name", [layer], str(tmp_path / "pdfs"),
                            per_ward=True, dpi=72, session=signed_in)
    again = atlas.export_job(job)
    assert len(again) == len(set(again)) == 4 and str(tmp_path / "pdfs" / "ward_Old_print.pdf") not in again
    assert all(Path(p).stat().st_size > 5_000 for p in again)
    assert not [p for p in (tmp_path / "pdfs").iterdir() if p.name.startswith(".printing")]


def test_legend_fits_with_a_symbol_for_every_entry(loaded, store_http, signed_in, tmp_path):
    """Every category loaded, a long layer name, the user's own areas with a long name and other
    layers in her project: the legend still fits its frame (above the attribution, on the page),
    lists only what is printed, and every entry has a symbol."""
    from qgis.core import QgsProject, QgsSymbolLegendNode
    from safestats.providers import compat
    from safestats.providers.counting import CATEGORY_FIELDS
    from safestats.providers import print_job as atlas
    from safestats.providers import print_legend
    layer, q = loaded
    layer.setName(layer.name() + " · Burglary, robbery, theft and every other category of the dataset")
    for name in ("Burglary hotspots reported by the north-west Safer Neighbourhoods team", "Schools", "Parks"):
        copy_ = compat.clone_layer(layer)
        copy_.setName(name)
        QgsProject.instance().addMapLayer(copy_)
    wards = wards_of(store_http, None, "EPSG:27700")[:3]
    boundaries = boundary_layer(wards, "EPSG:27700", name="My patrol areas (Safer Neighbourhoods, north-west sector)")
    QgsProject.instance().addMapLayer(boundaries)
    job = atlas.prepare_job(boundaries, "name", [layer], str(tmp_path / "legend.pdf"),
                            preset_id="categorised", dpi=72, session=signed_in)
    field = next(f for f in CATEGORY_FIELDS if layer.fields().indexOf(f) >= 0)
    categories = {str(v) for v in layer.uniqueValues(layer.fields().indexOf(field))}
    assert len(categories) >= 6, categories  # a long legend
    for paper in ("A4", "A3"):
        job.paper = paper
        project = QgsProject()
        layout, coverage, incidents, _table = atlas.build_layout(job, project)
        legend = layout.itemById("legend")
        frame = legend.sizeWithUnits()
        content = print_legend.legend_content_size(legend)
        assert content.width() <= frame.width() + 0.01 and content.height() <= frame.height() + 0.01, \
            (paper, content, frame)
        page = layout.pageCollection().page(0).pageSize()
        box = legend.sceneBoundingRect()
        assert box.right() <= page.width() and box.bottom() <= layout.itemById("attribution").pos().y() + 0.01
        assert [n.layer() for n in legend.model().rootGroup().findLayers()] == [*incidents, coverage]
        names = []
        for node in legend.model().rootGroup().findLayers():
            entries = legend.model().layerLegendNodes(node, True)
            assert entries, node.name()
            for entry in entries:
                names.append(str(entry.data(0)).replace("\n", " "))
                assert isinstance(entry, QgsSymbolLegendNode) and entry.symbol() is not None, \
                    (node.name(), entry.data(0))
        assert "This ward" in names and "Neighbouring wards" in names and "In this ward" not in names
        assert set(names) >= categories, (names, categories)
        del layout
        project.clear()
    # and the PDF of it, to look at
    paths = atlas.export_job(job)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", paths[0], str(tmp_path / "legend")],
                   check=True)
    keep = Path("/tmp/safestats-atlas-pages") / REPO.name  # one folder per checkout
    keep.mkdir(parents=True, exist_ok=True)
    for p in tmp_path.glob("legend*.png"):
        (keep / p.name).write_bytes(p.read_bytes())
