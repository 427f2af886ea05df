import pytest

from safestats.governance import conditions as c


def test_forbidden_purposes_refused_even_if_offered():
    offered = ["crime_prevention", "enforcement", "prosecution", "harm_reduction"]
    assert c.permitted_purposes(offered) == ["crime_prevention", "harm_reduction"]
    for bad in ("enforcement", "prosecution", "Enforcement", "law_enforcement_ops", "prosecution_support"):
        with pytest.raises(c.PurposeRefused) as exc:
            c.validate_purpose(bad, offered)
        assert "never for enforcement or prosecution" in exc.value.user_message


def test_purpose_must_be_chosen_and_offered():
    with pytest.raises(c.PurposeRefused, match="Choose the purpose"):
        c.validate_purpose("", ["crime_prevention"])
    with pytest.raises(c.PurposeRefused, match="not one the SafeStats store accepts"):
        c.validate_purpose("marketing", ["crime_prevention"])
    assert c.validate_purpose(" crime_prevention ", ["crime_prevention"]) == "crime_prevention"


def test_acceptance_needs_tick_and_current_version():
    with pytest.raises(c.ConditionsRequired):
        c.validate_acceptance(False, "2026-01", "2026-01")
    with pytest.raises(c.ConditionsRequired, match="changed"):
        c.validate_acceptance(True, "2025-06", "2026-01")
    assert c.validate_acceptance(True, "2026-01", "2026-01") == "2026-01"
