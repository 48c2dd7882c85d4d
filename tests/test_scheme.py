"""Scheme files for the store: the demo years load, and entries the catalogue cannot serve are named."""

import tomllib

import pytest

from indicators import scheme
from indicators.scheme import SchemeError
from loaders import catalogue


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_demo_schemes_load_and_weights_sum_to_100(year):
    s = scheme.for_year(year, catalogue.default())
    assert s.year == year and sum(i.weight for i in s.indicators) == 100
    assert all(i.pillar in s.pillars for i in s.indicators)


def raw_2026():
    return tomllib.loads((scheme.SCHEMES_DIR / "2026.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, message", [
    ({"code": "FIA"}, "indicator 'FIA': not in the indicator catalogue; use one of GDP"),
    ({"measure": "ratio"}, "indicator 'GDP': measure 'ratio' is not published for"),
    ({"weight": -3}, "indicator 'GDP': negative weight -3"),
    ({"scoring": "topsis"}, "indicator 'GDP': unknown scoring mode 'topsis'; use one of efficacy"),
    ({"scoring": "goalposts"}, "indicator 'GDP': goalposts scoring needs lower and upper"),
    ({"pillar": "growht"}, "indicator 'GDP': unknown pillar 'growht'; declared pillars are growth"),
])
def test_bad_entries_are_named_with_the_fix(change, message):
    raw = raw_2026()
    raw["indicators"][0].update(change)
    with pytest.raises(SchemeError) as exc:
        scheme.parse(raw, catalogue=catalogue.default())
    assert any(m.startswith(message) for m in exc.value.messages), exc.value.messages


def test_fai_level_is_refused_because_only_growth_is_published():
    raw = raw_2026()
    fai = next(e for e in raw["indicators"] if e["code"] == "FAI")
    fai["measure"] = "cum_level"
    with pytest.raises(SchemeError, match="use cum_yoy"):
        scheme.parse(raw, catalogue=catalogue.default())
