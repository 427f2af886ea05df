"""The dataset picker shows exactly what each organisation's DSA allows (real store)."""
import pytest

from safestats.providers import errors
from safestats.providers.models import BBoxArea, Query

from conftest import sign_in

ALL_NINE = {"mps_crime", "colp_crime", "btp_crime", "las_incidents", "lfb_incidents", "istv_assaults",
            "tfl_bus_incidents", "rnli_launches", "ndtms_treatment"}
EXPECTED = {
    "mopac": ALL_NINE,
    "westminster": {"mps_crime", "colp_crime", "lfb_incidents", "las_incidents", "istv_assaults",
                    "tfl_bus_incidents"},
    "tfl": {"tfl_bus_incidents", "btp_crime", "mps_crime"},
    "hackney": {"mps_crime", "las_incidents", "ndtms_treatment"},
}


@pytest.mark.parametrize("key", ["mopac", "westminster", "tfl", "hackney"])
def test_picker_shows_exactly_the_dsa_datasets(session, store, store_http, key):
    sign_in(session, store, key)
    datasets = session.client.datasets()
    ids = {d.id for d in datasets}
    assert ids == EXPECTED[key]
    # and exactly what the store itself lists for that user (minus the public boundaries)
    raw = store_http.get(key, "/collections")
    assert ids == {c["id"] for c in raw["collections"]} - {"boroughs", "wards"}
    for d in datasets:
        assert d.has_details and d.title and d.description and d.agency
        assert d.temporal_start and d.temporal_end and d.last_refresh
        assert d.licence and d.attribution and d.protective_marking
        assert d.limits.describe()


def test_dsa_limits_described(session, store):
    sign_in(session, store, "westminster")
    las = session.client.collection("las_incidents")
    names = {f.name for f in las.fields}
    assert "age_band" not in names and "gender" not in names and las.limits.fields_restricted
    assert las.limits.area_wkt and las.limits.history_from
    assert "history from" in las.limits.describe()
    with pytest.raises(errors.DatasetNotAvailable):
        session.client.collection("rnli_launches")  # not in Westminster's DSA: same as unknown
    with pytest.raises(errors.InvalidFilter) as exc:  # a filter on a withheld field is refused
        session.client.count(Query("las_incidents", categories={"age_band": ("18-24",)}))
    assert "did not accept this filter" in exc.value.user_message


def test_aggregate_only_dataset(session, store, tmp_path):
    """Counts-only: cells of the closed table (perturbed, rounded, suppressed below 5); free filters are
    refused with what is allowed; records cannot be downloaded."""
    from safestats.providers.models import CountsQuery, available_periods
    sign_in(session, store, "tfl")
    mps = session.client.collection("mps_crime")
    assert mps.aggregate_only
    period = available_periods(mps)[1]
    count = session.client.count(CountsQuery("mps_crime", period))
    assert count.perturbed and count.rounded_to == 5 and count.value % 5 == 0 and count.value > 0
    assert count.period == period and count.threshold == 5
    boroughs = session.client.boundaries("boroughs")
    one = session.client.count(CountsQuery("mps_crime", period, within=boroughs[0].code))
    assert one.period == period and one.known_rows < count.value  # one borough of a London-wide agreement
    for free in (Query("mps_crime"), Query("mps_crime", hours=(4,), dow=(2,)),
                 Query("mps_crime", area=BBoxArea(529000, 180000, 530000, 181000))):
        with pytest.raises(errors.InvalidFilter) as exc:  # counts only: a closed table, not a query language
            session.client.count(free)
        assert "period" in exc.value.user_message
    with pytest.raises(errors.AggregateOnly) as exc:
        session.client.download_fgb(Query("mps_crime"), tmp_path / "dl" / "x.fgb")
    assert "only counts" in exc.value.user_message
    assert not list((tmp_path / "dl").iterdir())


def test_boundaries(signed_in):
    boroughs = signed_in.client.boundaries("boroughs")
    wards = signed_in.client.boundaries("wards")
    assert len(boroughs) >= 32 and len(wards) > len(boroughs)
    codes = {b.code for b in boroughs}
    assert all(b.code.startswith("E09") for b in boroughs)
    assert all(w.parent_code in codes for w in wards)
    assert any(b.name == "Westminster" for b in boroughs)
