"""One vocabulary: the engine returns keys, layouts/i18n.py says them. Every member of every registry has a
Chinese and an English text, the registries are the engine's own lists, and the 方法 page says each member."""

import re

import pandas as pd
import pytest

from indicators import aggregate, normalise, pipeline, progress, scheme, weights
from layouts import i18n, method_view
from layouts.i18n import VOCABULARY, label, missing_texts
from loaders import catalogue, month_columns, parsed, targets_sheet, users, wide_sheet

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_registry_member_has_chinese_and_english_text():
    assert missing_texts() == []
    for registry, (members, _prefix) in VOCABULARY.items():
        for m in members:
            zh, en = label(registry, m, "zh"), label(registry, m, "en")
            assert CJK.search(zh), (registry, m, zh)
            assert en and not CJK.search(en), (registry, m, en)


def test_a_member_without_text_is_named_with_the_fix():
    extended = dict(VOCABULARY, weights=((*scheme.WEIGHTINGS, "topsis"), VOCABULARY["weights"][1]))
    assert missing_texts(extended) == [
        "weights 'topsis': add TEXT['method_weights_mode_topsis'] = (中文, English) to layouts/i18n.py"]
    assert label("weights", "topsis") == "topsis"  # the page shows the key instead of failing


def test_the_registries_are_the_engines_own_lists():
    assert VOCABULARY["scoring"][0] == scheme.SCORINGS and set(normalise.SCORERS) == set(scheme.SCORINGS)
    assert VOCABULARY["weights"][0] == scheme.WEIGHTINGS and set(weights.WEIGHTINGS) == set(scheme.WEIGHTINGS)
    assert VOCABULARY["aggregation"][0] == scheme.AGGREGATIONS and set(aggregate.AGGREGATORS) == set(scheme.AGGREGATIONS)
    assert VOCABULARY["measure"][0] == catalogue.MEASURES == scheme.MEASURES
    assert VOCABULARY["role"][0] == users.ROLES
    assert VOCABULARY["scope"][0] == pipeline.SCOPE_KINDS
    assert {wide_sheet.FORMAT, month_columns.FORMAT, targets_sheet.FORMAT} <= set(parsed.FORMATS)


def test_progress_returns_only_registry_keys():
    gaps = pd.Series([5.0, 0.0, -2.0, -5.0, -20.0, float("nan")])
    assert set(progress.status(gaps)) | set(progress.status(gaps, progress.GROWTH)) == set(progress.STATUS_KEYS)
    assert set(progress.growth_status(pd.Series([1.0, 0.0, -1.0]))) == set(progress.GROWTH_STATUSES)
    #           done   missed  on_track improving stagnating falling
    p = progress.pace(pd.Series([130.0, 50.0, 60.0, 40.0, 20.0, -5.0]), 120.0,
                      pd.Series([6, 12, 6, 6, 6, 6]))
    assert list(p["pace"]) == ["done", "missed", "on_track", "improving", "stagnating", "falling"]
    assert set(p["pace"]) == set(progress.PACES)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_method_page_says_every_scoring_weights_and_aggregation_mode(lang):
    for mode in scheme.SCORINGS:
        ind = scheme.SchemeIndicator(code="X", weight=1.0, scoring=mode, lower=0.0, upper=10.0)
        (row,) = method_view.scheme_rows(scheme.Scheme("s", 2026, (ind,)), pd.Series({"X": 1.0}), {}, lang)
        assert row["scoring"] == label("scoring", mode, lang) != mode
        assert row["how"] and row["how"] != mode
    for w in scheme.WEIGHTINGS:
        for agg in scheme.AGGREGATIONS:
            facts = method_view.method_facts(scheme.Scheme("s", 2026, (), weights=w, aggregation=agg), {}, lang)
            assert label("weights", w, lang) in facts[0] and label("aggregation", agg, lang) in facts[1]


def test_upload_formats_are_said_in_the_page_language():
    from layouts.status import format_label

    assert format_label("wide_sheet", "zh") == "统计月报宽表"
    assert format_label("wide_sheet+month_columns", "en") == "monthly report, wide sheet + months as columns"
    assert format_label("", "zh") == "—"
