"""The simulated demo province (loaders/demo_data/): shape, plausibility, storyline, and the committed files."""

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loaders import catalogue, demo_data, regions, sheets
from loaders.cells import MISSING, period

CAT = catalogue.default()
REGS = regions.default()
COUNTIES = {r.code for r in REGS.of_level("county")}
PREFECTURES = {r.code for r in REGS.of_level("prefecture")}
LONGNAN_COUNTIES = {r.code for r in REGS.counties_of("621200")}
UPLOADED = [i for i in CAT if i.value_type != "derived"]
KEY = ["region_code", "period", "indicator", "measure"]


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return demo_data.generate()


@pytest.fixture(scope="module")
def obs(frames) -> pd.DataFrame:
    return frames["observations"]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> list[Path]:
    return demo_data.write(tmp_path_factory.mktemp("demo"))


def growth_at(frame: pd.DataFrame, code: str, when: str) -> pd.Series:
    rows = frame[(frame.indicator == code) & (frame.period == when) & (frame.measure == "cum_yoy")]
    return rows.set_index("region_code").value


def county_ranks(values: pd.Series) -> pd.Series:
    return values[values.index.isin(COUNTIES)].rank(ascending=False, method="min")


# ---------------------------------------------------------------- shape


def test_every_county_and_prefecture_has_every_uploaded_indicator(obs):
    for ind in UPLOADED:
        codes = set(obs.region_code[obs.indicator == ind.code])
        assert COUNTIES | PREFECTURES <= codes, ind.code
    assert len(COUNTIES) == 86 and len(PREFECTURES) == 14


def test_derived_indicators_are_never_written(obs):
    derived = {i.code for i in CAT if i.value_type == "derived"}
    assert derived and not derived & set(obs.indicator)


@pytest.mark.parametrize("ind", UPLOADED, ids=lambda i: i.code)
def test_periods_and_measures_follow_the_catalogue(obs, ind):
    rows = obs[obs.indicator == ind.code]
    months = set(rows.period.str[5:].astype(int))
    assert months <= set(ind.months)
    assert set(rows.measure) == set(ind.measures)
    first_year = demo_data.LEDGER_FIRST_YEAR if ind.group == "key_work" else demo_data.FIRST_YEAR
    assert rows.period.min() == f"{first_year}-{ind.months[0]:02d}"
    assert rows.period.max() <= "2026-10"


@pytest.mark.parametrize("code", ["IVA", "FAI", "RETAIL"])
def test_no_january_for_series_that_start_with_january_february(obs, code):
    assert not obs[(obs.indicator == code) & obs.period.str.endswith("-01")].shape[0]


@pytest.mark.parametrize("code", ["GDP", "URB_INC", "RUR_INC"])
def test_quarterly_series_only_at_quarter_ends(obs, code):
    periods = set(obs.period[obs.indicator == code])
    assert {p[5:] for p in periods} == {"03", "06", "09", "12"}
    assert max(periods) == "2026-09"  # 2026Q3 is the last closed quarter


# ---------------------------------------------------------------- plausibility


@pytest.mark.parametrize("name", ["observations", "current"])
def test_ytd_levels_never_fall_within_a_year(frames, name):
    levels = frames[name][frames[name].measure == "cum_level"].sort_values(["region_code", "indicator", "period"])
    year = levels.period.str[:4]
    steps = levels.groupby([levels.region_code, levels.indicator, year]).value.diff()
    assert not (steps < 0).any(), levels[steps < 0].head()


@pytest.mark.parametrize("ind", [i for i in UPLOADED if i.yoy_band], ids=lambda i: i.code)
def test_growth_mostly_inside_the_catalogue_band(obs, ind):
    growth = obs.value[(obs.indicator == ind.code) & (obs.measure == "cum_yoy")]
    low, high = ind.yoy_band
    assert growth.between(low, high).mean() >= 0.98


def test_ratios_inside_their_band(obs):
    for ind in (i for i in UPLOADED if i.value_type == "ratio"):
        values = obs.value[obs.indicator == ind.code]
        assert values.between(*ind.ratio_band).all()


def test_growth_agrees_with_the_levels(obs):
    """Published growth is on a comparable base: close to, not equal to, the ratio of levels."""
    levels = obs[obs.measure == "cum_level"].set_index(["region_code", "indicator", "period"]).value
    growth = obs[obs.measure == "cum_yoy"].set_index(["region_code", "indicator", "period"]).value
    last = levels.rename(lambda p: f"{int(p[:4]) + 1}{p[4:]}", level="period")
    implied = (100 * (levels / last - 1)).dropna()
    gap = (growth.reindex(implied.index) - implied).dropna()
    gap = gap[gap.index.get_level_values("indicator") != "GDP"]  # real growth vs nominal level
    assert gap.abs().median() < 0.3
    assert not np.allclose(gap, 0)


def test_ledgers_paid_and_done_never_exceed_owed_and_received(obs):
    wide = obs[obs.indicator.str.match("ARREARS|COMPLAINT")].pivot_table(
        index=["region_code", "period"], columns="indicator", values="value")
    assert (wide.ARREARS_PAID <= wide.ARREARS_OWED).all()
    assert (wide.COMPLAINT_DONE <= wide.COMPLAINT_RECV).all()


def test_longnan_magnitudes_follow_statistics_md(obs):
    year = obs[(obs.period == "2025-12") & (obs.measure == "cum_level")].pivot(
        index="region_code", columns="indicator", values="value")
    assert 5.4e6 <= year.loc["621200", "GDP"] <= 6.6e6  # ≈ 600亿元
    assert 1.8e6 <= year.loc["621200", "RETAIL"] <= 2.2e6  # ≈ 200亿元
    counties = year.loc[sorted(LONGNAN_COUNTIES)]
    assert counties.GPBR.between(8000, 70000).all()  # 0.8–7亿元
    assert counties.URB_INC.between(32000, 36500).all()
    assert counties.RUR_INC.between(10600, 13500).all()


def test_prefecture_rows_are_close_to_but_not_the_sum_of_their_counties(obs):
    rows = obs[(obs.period == "2026-09") & (obs.measure == "cum_level") & obs.indicator.isin(["GDP", "RETAIL"])]
    rows = rows.assign(city=rows.region_code.map(REGS.city_of))
    sums = rows[rows.region_code.isin(COUNTIES)].groupby(["indicator", "city"]).value.sum()
    own = rows[rows.region_code.isin(PREFECTURES)].set_index(["indicator", "region_code"]).value
    gap = (own.reindex(sums.index) / sums - 1).abs()
    assert gap.between(0.009, 0.041).all(), gap


def test_values_are_rounded_as_published(obs):
    integer = obs.unit.isin(demo_data.INTEGER_UNITS) & (obs.measure == "cum_level")
    assert (obs.value[integer] == obs.value[integer].round(0)).all()
    assert np.allclose(obs.value, obs.value.round(1))


def test_a_few_county_months_are_missing_never_zero(obs):
    monthly = obs[obs.indicator.isin(["RETAIL", "IVA", "FAI", "GPBR", "INVEST_IN", "ELEC"])]
    per_key = monthly.groupby(["indicator", "period", "measure"]).region_code.nunique()
    short = per_key[per_key < 101]
    assert 3 <= len(short.reset_index()[["indicator", "period"]].drop_duplicates()) <= 15
    economic = obs[(obs.measure == "cum_level") & ~obs.indicator.isin(["NEW_SISHANG", "COMPLAINT_RECV",
                                                                       "COMPLAINT_DONE"])]
    assert (economic.value > 0).all()


def test_revisions_restate_about_twenty_values_of_august_and_september(frames):
    rev, obs = frames["revisions"], frames["observations"]
    assert 15 <= len(rev) <= 25
    assert set(rev.period) == {"2026-08", "2026-09"}
    before = obs.set_index(KEY).value.reindex(rev.set_index(KEY).index)
    assert before.notna().all()
    assert (before.to_numpy() != rev.value.to_numpy()).sum() >= 15


def test_targets_cover_counties_and_prefectures_for_two_years(frames, obs):
    targets = frames["targets"]
    assert list(targets.columns) == demo_data.TARGET_COLUMNS
    assert set(targets.year) == {2025, 2026}
    growth = targets[targets.kind == "growth"]
    assert set(growth.indicator) == {"GDP", "IVA", "FAI", "RETAIL", "GPBR", "URB_INC", "RUR_INC", "INVEST_IN"}
    levels = targets[targets.kind == "level"]
    assert set(levels.indicator) == {"GPBR", "INVEST_IN", "KEY_PROJ", "NEW_SISHANG", "ARREARS_PAID"}
    assert set(targets.region_code) == COUNTIES | PREFECTURES
    # the 清偿 target is the undisputed stock on the ledger on 1 January: January's amount owed
    paid = levels[(levels.indicator == "ARREARS_PAID") & (levels.year == 2025)].set_index("region_code").value
    owed = obs[(obs.indicator == "ARREARS_OWED") & (obs.period == "2025-01")].set_index("region_code").value
    pd.testing.assert_series_equal(paid.sort_index(), owed.reindex(paid.index).sort_index(), check_names=False)


# ---------------------------------------------------------------- the seed speeches' storyline


@pytest.mark.parametrize("code", ["FAI", "INVEST_IN", "RETAIL"])
def test_longnan_counties_sit_in_the_bottom_half(obs, code):
    ranks = county_ranks(growth_at(obs, code, "2026-09"))
    assert ranks[ranks.index.isin(LONGNAN_COUNTIES)].median() > len(COUNTIES) / 2


@pytest.mark.parametrize("code", ["FAI", "INVEST_IN", "RETAIL"])
def test_longnan_city_ranks_near_the_bottom_of_the_prefectures(obs, code):
    growth = growth_at(obs, code, "2026-09")
    ranks = growth[growth.index.isin(PREFECTURES)].rank(ascending=False, method="min")
    assert ranks["621200"] >= 11


def test_some_longnan_county_shrinks_on_fai_or_iva(obs):
    falling = [c for code in ("FAI", "IVA") for c, g in growth_at(obs, code, "2026-09").items()
               if c in LONGNAN_COUNTIES and g < 0]
    assert falling
    assert {"621225", "621228"} <= set(falling)  # 西和 on FAI, 两当 on IVA


# ---------------------------------------------------------------- the written files


def test_committed_files_are_exactly_what_the_generator_writes(written):
    committed, out = demo_data.DEMO_DIR, written[0].parent
    files = sorted(p.relative_to(committed).as_posix() for p in committed.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(out).as_posix() for p in written)
    for path in written:
        name = path.relative_to(out)
        assert (committed / name).read_bytes() == path.read_bytes(), (
            f"data/demo/{name} differs from the generator; run .venv/bin/python -m loaders.demo_data")


def test_manifest_lists_every_data_file_in_load_order(written):
    manifest = tomllib.loads((written[0].parent / "manifest.toml").read_text(encoding="utf-8"))
    files = manifest["file"]
    names = [f["path"] for f in files]
    out = written[0].parent
    assert names == [p.relative_to(out).as_posix() for p in written if p.suffix in (".csv", ".xlsx")]
    assert names.index("revisions_2026-09.csv") > names.index("observations_2026.csv")
    assert {f["kind"] for f in files} == {"observations", "targets", "county_types", "units", "unit_tasks", "ledger",
                                        "unit_reports"}
    kinds = [f["kind"] for f in files]
    last_statistics = max(i for i, k in enumerate(kinds) if k in ("observations", "targets"))
    assert min(i for i, k in enumerate(kinds) if k not in ("observations", "targets")) > last_statistics
    assert all(f["description"] for f in files)
    assert manifest["simulated"] is True


def test_every_long_file_row_is_marked_simulated(written):
    long_files = [p for p in written if p.name.startswith(("observations_", "revisions_", "targets_"))]
    assert len(long_files) == 9
    for path in long_files:
        frame = pd.read_csv(path, dtype={"region_code": str})
        assert (frame.note == "模拟数据").all(), path.name


def test_long_files_have_the_documented_columns_and_order(written):
    path = next(p for p in written if p.name == "observations_2026.csv")
    frame = pd.read_csv(path, dtype={"region_code": str, "value": str})
    assert list(frame.columns) == demo_data.OBS_COLUMNS
    assert frame.equals(frame.sort_values(["period", "indicator", "measure", "region_code"]))
    assert frame.value.str.fullmatch(r"-?\d+(\.\d)?").all()  # no float noise


def test_wide_csv_is_gbk_not_utf8(written):
    path = next(p for p in written if p.name == "月报_2026年1-10月_陇南市.csv")
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("gb18030")
    assert text.startswith("2026年1-10月陇南市各县区主要经济指标完成情况（模拟数据）")
    assert "注：本表为模拟数据，仅供演示。位次为全市排位。" in text


def wide_values(path: Path) -> tuple[str, pd.DataFrame]:
    """A 月报 sheet read back with the project's sheet reader: (period, rows of region, indicator, measure,
    value, rank)."""
    sheet = sheets.read(path.name, path.read_bytes())[0][0]
    when = period(sheet.rows[0][0])
    head = next(i for i, r in enumerate(sheet.rows) if r and r[0] == "县区")
    names, subs = sheet.rows[head], sheet.rows[head + 1]
    names = pd.Series(names).replace("", None).ffill().tolist()
    out = []
    for row in sheet.rows[head + 2:]:
        if not row or row[0].startswith("注"):
            break
        region = REGS.resolve(row[0], city="621200")
        for col in range(1, len(names)):
            code = CAT.resolve(names[col])
            cell = row[col] if col < len(row) else ""
            if subs[col] == "位次":
                out[-1]["rank"] = int(cell) if cell else None
                continue
            measure = "cum_level" if subs[col] == "绝对额" else "cum_yoy"
            value = None if cell in MISSING else float(cell)
            out.append({"region_code": region, "indicator": code, "measure": measure, "value": value})
    return when, pd.DataFrame(out)


@pytest.mark.parametrize("name, codes", [
    ("月报_2026年1-10月_陇南市.csv", demo_data.WIDE_CODES),
    ("月报_2026年1-9月_陇南市.xlsx", demo_data.WIDE_CODES + demo_data.WIDE_QUARTERLY),
])
def test_wide_sheets_equal_the_long_values(frames, written, name, codes):
    when, sheet = wide_values(next(p for p in written if p.name == name))
    assert set(sheet.region_code) == LONGNAN_COUNTIES | {"621200"}
    assert set(sheet.indicator) == set(codes)
    cur = frames["current"]
    expected = cur[cur.period == when].set_index(["region_code", "indicator", "measure"]).value
    got = sheet.set_index(["region_code", "indicator", "measure"]).value
    present = got.dropna()
    assert np.array_equal(present.to_numpy(), expected.reindex(present.index).to_numpy())
    for key in got[got.isna()].index:  # a "—" on the sheet is a value absent from the long files
        assert key not in expected.index
    assert got.isna().sum() <= 2


def test_wide_sheet_ranks_are_county_ranks_by_growth(written):
    _, sheet = wide_values(next(p for p in written if p.name == "月报_2026年1-10月_陇南市.csv"))
    growth = sheet[sheet.measure == "cum_yoy"]
    assert growth["rank"][growth.region_code == "621200"].isna().all()
    for _, rows in growth[growth.region_code != "621200"].groupby("indicator"):
        expected = rows.value.rank(ascending=False, method="min")
        assert rows["rank"].fillna(-1).tolist() == expected.fillna(-1).tolist()


def test_month_columns_workbook_equals_the_long_values(frames, written):
    path = next(p for p in written if p.name == "分月_2026年_陇南市.xlsx")
    cur = frames["current"].set_index(KEY).value
    found = 0
    for sheet in sheets.read(path.name, path.read_bytes())[0]:
        code = CAT.resolve(sheet.name)
        measure = "cum_yoy" if sheet.name.endswith("增速") else "cum_level"
        header = sheet.rows[2]
        assert header[0] == "县区" and header[1] == "1-2月" and header[-1] == "1-10月"
        for row in sheet.rows[3:]:
            region = REGS.resolve(row[0], city="621200")
            for label, cell in zip(header[1:], row[1:], strict=True):
                when = period(label, year=2026)
                assert float(cell) == cur[(region, when, code, measure)]
                found += 1
    assert found == 4 * 10 * 9
