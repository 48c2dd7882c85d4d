"""One number everywhere: for a sample of counties × indicators × periods, the county page, the indicator page,
the targets table, the cockpit's 需要关注 sentences, the rankings (grid and export), the CLI and the store itself
show the same value and the same rank; and every composite score says its comparison set."""

import importlib
import json
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from ui_helpers import as_user, component_text

from app import create_app
from conftest import ROOT
from indicators import pipeline, reading
from indicators.ranking import rank
from layouts import data, ids
from layouts import ranking_table as rankings_view
from loaders import catalogue, regions

CAT = catalogue.default()
REGS = regions.default()
COUNTIES = ["621226", "621225", "621228", "620102", "623027"]  # 礼县, 西和县, 两当县, 兰州城关区, 甘南夏河县
INDICATORS = ["FAI", "IVA", "RETAIL", "GPBR", "GDP"]  # GDP is quarterly: at 1–10月 it is read at 1–9月
PERIODS = ["2026-10", "2026Q3"]
PROVINCE = pipeline.units("province")


@pytest.fixture(scope="module")
def app(demo_store):
    return create_app(demo_store, secret="x" * 32)


@pytest.fixture(scope="module")
def pages(app):
    return {name: importlib.import_module(f"layouts.pages.{name}") for name in ("county", "indicator", "rankings")}


def find(component, component_id):
    """The component with this id in a layout tree."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            hit = find(child, component_id)
            if hit is not None:
                return hit
    return None


def month_of(period: str) -> str:
    return pipeline.quarter_period(period) if "Q" in period else period


def truth(store, county: str, code: str, period: str) -> tuple[float, int, int]:
    """(growth, rank among the province's counties, rank in its city) straight from the store's current values."""
    at = reading.as_of(CAT[code].months, month_of(period))
    values = store.export(period=at, indicator=code)
    growth = values[values["measure"] == "cum_yoy"].set_index("region_code")["value"]
    prov = rank(growth.reindex(PROVINCE) * CAT[code].direction)
    city = pipeline.units(f"city:{REGS.city_of(county)}")
    return float(growth[county]), int(prov[county]), int(rank(growth.reindex(city) * CAT[code].direction)[county])


def _half_up(x: float) -> float:
    if x != x:
        return x
    return float(Decimal(repr(float(x))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("county", COUNTIES)
def test_indicator_values_and_ranks_agree_on_every_page(app, demo_store, pages, county, period):
    with as_user(app, demo_store):
        grid = find(pages["county"].layout(code=county, period=period), ids.COUNTY_GRID).rowData
        province = {code: find(pages["indicator"].layout(code=code, period=period, scope="province"), ids.IND_GRID)
                    for code in INDICATORS}
        city_scope = f"city:{REGS.city_of(county)}"
        city = {code: find(pages["indicator"].layout(code=code, period=period, scope=city_scope), ids.IND_GRID)
                for code in INDICATORS}
        targets = reading.progress_at(data.snap(), month_of(period), city_scope)
    for code in INDICATORS:
        growth, prov_rank, city_rank = truth(demo_store, county, code, period)
        row = next(r for r in grid if r["indicator"] == code)
        assert (row["growth"], row["rank_prov"], row["rank_city"]) == (round(growth, 1), prov_rank, city_rank), code
        on_ind = next(r for r in province[code].rowData if r["region_code"] == county)
        assert (on_ind["growth"], on_ind["rank"]) == (round(growth, 2), prov_rank), code
        assert next(r for r in city[code].rowData if r["region_code"] == county)["rank"] == city_rank, code
        rows = targets[(targets["region_code"] == county) & (targets["indicator"] == code)]
        # the gap a reader gets from the printed figures: each to one decimal (half up), then their difference
        printed = [_half_up(_half_up(r.completion_pct) - _half_up(r.schedule_linear_pct)) if r.compare == "completion"
                   else _half_up(_half_up(r.yoy if r.compare == "growth" else r.ytd_level) - _half_up(r.target))
                   for r in rows.itertuples()]
        shown = [r["gap"] for r in grid if r["indicator"] == code and r["gap"] is not None]
        assert shown == [g for g in printed if g == g], code


def test_the_cockpit_names_the_growth_and_place_the_other_pages_show(app, demo_store):
    """需要关注: “西和县固定资产投资下降17.0%，全省倒数第2” is the store's growth, and its place from the bottom
    is the county page's rank read from the other end (ties share a place at either end)."""
    cockpit = importlib.import_module("layouts.pages.cockpit")
    with as_user(app, demo_store):
        text = component_text(cockpit.layout(period="2026-10"))
    found = re.findall(r"(\S+?[县区市])(\S+?)(增长|下降)(\d+\.\d)%，全省倒数第(\d+)", text)
    assert found, text[:500]
    names = {c.name: c.code for c in REGS.of_level("county")}
    by_name = {i.name_zh: i.code for i in CAT}
    for county_name, ind_name, sign, size, place in found:
        shown = float(size) if sign == "增长" else -float(size)
        county, code = names[county_name.split("。")[-1].split(" ")[-1]], by_name[ind_name]
        growth, prov_rank, _ = truth(demo_store, county, code, "2026-10")
        values = demo_store.export(period=reading.as_of(CAT[code].months, "2026-10"), indicator=code)
        all_growth = values[values["measure"] == "cum_yoy"].set_index("region_code")["value"].reindex(PROVINCE)
        signed = all_growth.dropna() * CAT[code].direction
        assert float(shown) == round(growth, 1)
        assert int(place) == int((signed < signed[county]).sum()) + 1  # counties worse than it, plus one
        assert prov_rank == int((signed > signed[county]).sum()) + 1  # counties better than it, plus one


@pytest.mark.parametrize("period", PERIODS)
def test_composite_scores_and_ranks_agree_and_say_their_comparison_set(app, demo_store, pages, period):
    quarter = period if "Q" in period else "2026Q3"  # 1–10月 shows the latest closed quarter
    with as_user(app, demo_store):
        grids = {scope: find(pages["rankings"].layout(period=period, scope=scope), ids.RANK_GRID)
                 for scope in ("province", "city:621200", "prefectures")}
        titles = {c: component_text(find(pages["county"].layout(code=c, period=period), ids.COUNTY_TITLE))
                  for c in COUNTIES}
        export = {scope: rankings_view.export_table(reading.scorecard(data.snap(), quarter, scope).table, {}, "zh",
                                                    scope)[0] for scope in grids}
    assert grids["province"].columnDefs[3]["headerName"] == "全省得分"
    assert grids["city:621200"].columnDefs[2]["headerName"] == "市内得分"
    assert grids["prefectures"].columnDefs[2]["headerName"] == "市州间得分"
    cli = {scope: cli_scores(demo_store, quarter, scope) for scope in grids}
    for scope, grid in grids.items():
        shown = {r["region_code"]: (r["score"], r["rank"]) for r in grid.rowData}
        exported = {r["region_code"] if "region_code" in r else r["index"]: (round(r["score"], 2), int(r["rank"]))
                    for r in export[scope].to_dict("records")}
        assert shown == exported == {c: (round(s, 2), r) for c, (s, r) in cli[scope].items()}, scope
    for county, title in titles.items():
        score, place = next((s, r) for c, (s, r) in cli["province"].items() if c == county)
        assert f"全省得分 {score:.2f} · 全省第{place}名" in title
        if county in cli["city:621200"]:
            score, place = cli["city:621200"][county]
            assert f"市内得分 {score:.2f} · 陇南市第{place}名" in title


def cli_scores(store, quarter: str, scope: str) -> dict[str, tuple[float, int]]:
    store.dispose()  # DuckDB: one process holds the file; let the CLI open it
    r = subprocess.run([sys.executable, "-m", "indicators", "score", "--period", quarter, "--scope", scope,
                        "--format", "json", "--db", store.url], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return {row["region_code"]: (row["score"], row["rank"]) for row in json.loads(r.stdout)["rows"]}


def test_the_county_page_at_a_month_shows_that_month_not_the_quarter(app, demo_store, pages):
    """1–10月 selected: the county page's values are 1–10月's (the issue's 礼县 FAI −1.7 % vs +3.3 % mismatch),
    quarterly GDP is 1–9月's and says so, and the composite score says it is the third quarter's."""
    with as_user(app, demo_store):
        layout = pages["county"].layout(code="621226", period="2026-10")
    rows = {r["indicator"]: r for r in find(layout, ids.COUNTY_GRID).rowData}
    assert rows["FAI"]["growth"] == round(truth(demo_store, "621226", "FAI", "2026-10")[0], 1)
    assert rows["FAI"]["growth"] != round(truth(demo_store, "621226", "FAI", "2026Q3")[0], 1)
    assert rows["GDP"]["name"] == "地区生产总值（2026年1-9月）"
    assert "2026年1-10月（综合得分为2026年三季度）" in component_text(find(layout, ids.COUNTY_TITLE))
    frame = pd.DataFrame(find(layout, ids.COUNTY_GRID).rowData)
    assert frame["indicator"].is_unique or frame.groupby("indicator").size().max() <= 2
