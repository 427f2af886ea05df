from safestats.governance import disclosure as d


def test_primary_suppression():
    assert d.primary([0, 1, 4, 5, 12, None]) == [0, None, None, 5, 12, None]
    assert d.primary([0, 3], suppress_zero=True) == [None, None]
    assert d.primary([2, 9], threshold=10) == [None, None]


def _recoverable(t: d.SuppressedTable) -> bool:
    """True if some hidden value is alone in a line with a shown total (recoverable)."""
    rows = [list(r) + [rt] for r, rt in zip(t.cells, t.row_totals)]
    rows.append(list(t.col_totals) + [t.grand_total])
    lines = rows + [list(col) for col in zip(*rows)]
    return any(sum(v is None for v in line) == 1 for line in lines)


def test_secondary_suppression_protects_single_hidden_cells():
    table = [[12, 3, 20], [15, 9, 30], [7, 11, 2]]
    t = d.suppress_table(table)
    assert t.cells[0][1] is None and t.cells[2][2] is None  # primary
    assert t.primary_count == 2
    assert t.secondary_count >= 2
    assert not _recoverable(t)
    shown = [v for row in t.cells for v in row if v is not None]
    assert all(v >= 5 for v in shown)


def test_no_suppression_when_nothing_small():
    t = d.suppress_table([[10, 20], [30, 40]])
    assert t.cells == [[10, 20], [30, 40]] and t.row_totals == [30, 70] and t.col_totals == [40, 60]
    assert t.grand_total == 100 and t.secondary_count == 0


def test_small_total_is_suppressed_and_protected():
    t = d.suppress_table([[1, 2], [40, 50]])
    assert t.row_totals[0] is None  # total 3 < 5
    assert not _recoverable(t)


def test_round_to_five():
    assert [d.round_to(v) for v in (0, 2, 3, 7, 8, 12, None)] == [0, 0, 5, 5, 10, 10, None]


def test_configured_threshold_follows_the_setting_but_never_below_five(qgis_app):
    from qgis.core import QgsSettings
    from safestats.governance import disclosure
    s = QgsSettings()
    try:
        s.setValue(disclosure.THRESHOLD_SETTING, 10)
        assert disclosure.configured_threshold() == 10
        s.setValue(disclosure.THRESHOLD_SETTING, 2)
        assert disclosure.configured_threshold() == 5
        s.setValue(disclosure.THRESHOLD_SETTING, "x")
        assert disclosure.configured_threshold() == 5
    finally:
        s.remove(disclosure.THRESHOLD_SETTING)
