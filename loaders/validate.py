"""Checks on canonical rows before anything is written: every problem at once, errors and warnings.

Errors block the whole file; warnings are reported and stored with the upload. Checks that need
the store (a level below last month's stored value) run in loaders/ingest.py.
"""

import datetime as dt

import numpy as np
import pandas as pd

from loaders import clock
from loaders.catalogue import MEASURE_ZH, Catalogue
from loaders.cells import FLAT, NOT_REPORTED, period_label, show
from loaders.parsed import Parsed
from loaders.problems import ERROR, WARNING, Problem
from loaders.regions import Regions

# City totals differ from the sum of their counties by a few percent (city-level units, unified
# GDP accounting: statistics.md); beyond this the 全市 row or a county is probably mistyped.
CITY_SUM_TOLERANCE = 0.05
# Cumulative levels are compared with this slack so rounding to 0.1 万元 never raises a warning.
LEVEL_EPSILON = 1e-6
MAX_PER_CODE = 200
GROWTH_MEASURES = ("cum_yoy", "month_yoy")  # the measures 持平 can stand for
# A YTD growth rate moves slowly once the year is under way: from 1–6月 on, one month is at most about a
# sixth of the year-to-date total, so moving the rate by 20 个百分点 needs that month alone to be some 120
# points off the earlier months, far beyond the spread of a typical county (reference/statistics.md:
# FAI −10…+15 %, IVA 3–12 %). Beyond it a lost digit or minus sign is likelier than the economy.
# Series that swing harder set their own yoy_swing in data/indicators.toml.
YOY_SWING_PP = 20.0
# Early in the year one month is a large part of the total (FAI: March is half of 1–3月), so the band widens:
# × SETTLED_MONTH / month before 1–6月 (× 2 at 1–3月, × 1.5 at 1–4月).
SETTLED_MONTH = 6
# A lost minus sign (西和县 FAI −17.0 typed as 17.0) flips the sign and mirrors last month's value: a flip is
# flagged from half the swing when the two magnitudes differ by at most MIRROR_SHARE of the jump (−16.4 → 17.0
# does; −2.9 → 11.1, a rate crossing zero, does not).
SIGN_FLIP_SHARE = 0.5
MIRROR_SHARE = 0.25


def previous_periods(frame: pd.DataFrame, catalogue: Catalogue) -> pd.Series:
    """The previous reported period within the same year for each row ('YYYY-MM'), or NaN.

    Computed once per (indicator, period) pair and spread by category codes: fast on a million rows.
    """
    ind = frame["indicator"].astype("category")
    per = frame["period"].astype("category")
    labels: list[str] = list(per.cat.categories)
    position = {p: k for k, p in enumerate(labels)}
    table = np.full((len(ind.cat.categories), len(labels)), -1, dtype=np.int64)
    for i, code in enumerate(ind.cat.categories):
        months = catalogue[code].months
        for j, p in enumerate(per.cat.categories):
            earlier = [m for m in months if m < int(p[5:7])]
            if earlier:
                prev = f"{p[:4]}-{earlier[-1]:02d}"
                if prev not in position:
                    position[prev] = len(labels)
                    labels.append(prev)
                table[i, j] = position[prev]
    codes = table[ind.cat.codes.to_numpy(), per.cat.codes.to_numpy()]
    return pd.Series(pd.Categorical.from_codes(codes, categories=labels), index=frame.index)


def observations(parsed: Parsed, catalogue: Catalogue, regions: Regions, *, file: str,
                 today: dt.date | None = None) -> list[Problem]:
    """Semantic checks on parsed observation rows; returns new problems (the parser's are kept apart)."""
    df = parsed.frame
    out = _Collector(file)
    _check_marks(parsed.marks, catalogue, regions, out)
    if df.empty:
        return out.problems
    today = today or clock.today()
    _check_measures_and_months(df, catalogue, out)
    _check_future(df, today, out)
    _check_duplicates(df, ["region_code", "period", "indicator", "measure"], out)
    _check_bands(df, catalogue, regions, out)
    out.problems += previous_warnings(_previous_in_file(df, catalogue), catalogue, regions, file=file, in_store=False)
    _check_city_sums(df, catalogue, regions, out)
    return out.problems


def targets(parsed: Parsed, catalogue: Catalogue, regions: Regions, *, file: str) -> list[Problem]:
    df = parsed.frame
    if df.empty:
        return []
    out = _Collector(file)
    for (ind, kind), rows in df.groupby(["indicator", "kind"], sort=False, observed=True):
        info = catalogue[ind]
        needed = "cum_yoy" if kind == "growth" else "cum_level"
        if needed not in info.measures:
            allowed = "增速目标(growth)" if "cum_yoy" in info.measures else "总量目标(level)" if info.measures else "无"
            out.rows(rows, ERROR, "target_kind_not_allowed",
                     f"指标“{info.name_zh}”不能设{'增速' if kind == 'growth' else '总量'}目标",
                     f"该指标可设的目标类型：{allowed}", value_of=lambda r: r.kind)
    bad_month = ~df["period"].str[5:7].isin(["03", "06", "09", "12"]) | (df["period"].str[:4] != df["year"].astype(str))
    out.rows(df[bad_month], ERROR, "bad_target_period", "目标期间须为该年度的季末月份（03/06/09/12）",
             "年度目标请把期间留空，季度目标填 2026-06 这样的季末月份", value_of=lambda r: r.period)
    _check_duplicates(df, ["region_code", "period", "indicator", "kind"], out)
    growth = df[df["kind"] == "growth"]
    for ind, rows in growth.groupby("indicator", sort=False, observed=True):
        band = catalogue[ind].yoy_band
        if band:
            outside = rows[(rows["value"] < band[0]) | (rows["value"] > band[1])]
            tail = f"超出常见范围 {band[0]:g}%～{band[1]:g}%"
            out.rows(outside, WARNING, "target_out_of_band",
                     lambda r, tail=tail: f"{key_label(r, catalogue, regions, '增速目标')}：{_fmt(r.value)}% {tail}",
                     "请核对是否多写或漏写了小数点")
    level = df[df["kind"] == "level"]
    out.rows(level[level["value"] < 0], ERROR, "negative_target", "总量目标不能为负数", "请填写全年计划的总量")
    return out.problems


class _Collector:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self._counts: dict[str, int] = {}

    def rows(self, rows: pd.DataFrame, severity: str, code: str, reason, fix: str, value_of=None,
             column: str | None = None) -> None:
        """One problem per row, at most MAX_PER_CODE per code; `reason` may be a function of the row."""
        for r in rows.head(MAX_PER_CODE + 1).itertuples(index=False):
            n = self._counts.get(code, 0)
            self._counts[code] = n + 1
            text = reason(r) if callable(reason) else reason
            if n == MAX_PER_CODE:
                self.problems.append(Problem(severity, code, f"{text}（同类问题过多，其余未逐一列出）", fix, self.file))
            if n >= MAX_PER_CODE:
                continue
            value = value_of(r) if value_of else r.value
            self.problems.append(Problem(severity, code, text, fix, self.file, int(r.row),
                                         column or str(r.column), _fmt(value)))


def _fmt(value) -> str:
    return show(value) if isinstance(value, float) else str(value)


def _check_measures_and_months(df: pd.DataFrame, catalogue: Catalogue, out: _Collector) -> None:
    for (ind, measure), rows in df.groupby(["indicator", "measure"], sort=False, observed=True):
        info = catalogue[ind]
        if info.value_type == "derived":
            out.rows(rows, ERROR, "derived_upload",
                     f"“{info.name_zh}”是派生指标，由 {info.numerator} ÷ {info.denominator} 计算，不接受上传",
                     f"请上传 {catalogue[info.numerator].name_zh} 和 {catalogue[info.denominator].name_zh}")
            continue
        if measure not in info.stored_measures:
            names = MEASURE_ZH
            allowed = "、".join(f"{m}（{names[m]}）" for m in info.stored_measures)
            out.rows(rows, ERROR, "measure_not_allowed",
                     f"指标“{info.name_zh}”没有{names.get(measure, measure)}口径",
                     f"该指标只接受 {allowed}；例如规上工业增加值只发布增速", value_of=lambda r: r.measure,
                     column="measure")
    for ind, rows in df.groupby("indicator", sort=False, observed=True):
        info = catalogue[ind]
        bad_periods = [p for p in pd.unique(rows["period"]) if int(p[5:7]) not in info.months]
        wrong = rows[rows["period"].isin(bad_periods)]
        if wrong.empty:
            continue
        if info.frequency == "quarterly":
            out.rows(wrong, ERROR, "not_quarter_end", f"“{info.name_zh}”是季度指标，只在3、6、9、12月有数",
                     "请把数据放在季末月份（如一季度填 2026-03）", value_of=lambda r: r.period, column="period")
        else:
            out.rows(wrong, ERROR, "no_january", f"“{info.name_zh}”1—2月合并首报，没有1月数据",
                     "请删除1月数据，或把它作为1—2月（YYYY-02）上报", value_of=lambda r: r.period, column="period")


def _check_marks(marks: pd.DataFrame, catalogue: Catalogue, regions: Regions, out: _Collector) -> None:
    """持平 only says a growth rate; 没有上报报表 is stored as not reported and said once per cell (a warning: never
    zero, never a value missing by mistake)."""
    flat = marks[(marks["mark"] == FLAT) & ~marks["measure"].isin(GROWTH_MEASURES)]
    out.rows(flat, ERROR, "flat_not_growth", lambda r: f"{key_label(r, catalogue, regions)}：“持平”只用于增速，不能表示总量",
             "填写该总量的数值；未发生请填0，不适用请填“—”", value_of=lambda r: "持平")
    missing = marks[marks["mark"] == NOT_REPORTED]
    out.rows(missing, WARNING, "not_reported",
             lambda r: f"{key_label(r, catalogue, regions)}：表中注明没有上报，记为“未上报”（不记为0，也不算漏填）",
             "无需处理；该地区补报后，上传含其数值的新表即可", value_of=lambda r: "没有上报报表")


def _check_future(df: pd.DataFrame, today: dt.date, out: _Collector) -> None:
    current = f"{today.year:04d}-{today.month:02d}"
    future = [p for p in pd.unique(df["period"]) if p >= current]
    out.rows(df[df["period"].isin(future)], ERROR, "future_period",
             f"期间尚未结束：今天是 {today:%Y-%m-%d}，{current} 及以后各月的数据还不可能产生",
             "请核对年份和月份", value_of=lambda r: r.period, column="period")


def _check_duplicates(df: pd.DataFrame, key: list[str], out: _Collector) -> None:
    dup = df[df.duplicated(key, keep=False)]
    if dup.empty:
        return
    first_row = dup.groupby(key, sort=False, observed=True)["row"].transform("min")
    later = dup[dup["row"] != first_row].assign(first=first_row[dup["row"] != first_row])
    out.rows(later, ERROR, "duplicate_key", lambda r: f"与第{r.first}行重复（同一地区、期间、指标、口径出现两次）",
             "同一文件中每个数只能出现一次；请删除其中一行")


def _check_bands(df: pd.DataFrame, catalogue: Catalogue, regions: Regions, out: _Collector) -> None:
    rates = df[df["measure"].isin(["cum_yoy", "ratio"])]
    for (ind, measure), rows in rates.groupby(["indicator", "measure"], sort=False, observed=True):
        info = catalogue[ind]
        band = info.yoy_band if measure == "cum_yoy" else info.ratio_band
        if not band:
            continue
        outside = rows[(rows["value"] < band[0]) | (rows["value"] > band[1])]
        tail = f"超出{'增速' if measure == 'cum_yoy' else '比率'}常见范围 {band[0]:g}%～{band[1]:g}%"
        out.rows(outside, WARNING, "yoy_out_of_band" if measure == "cum_yoy" else "ratio_out_of_band",
                 lambda r, tail=tail: f"{key_label(r, catalogue, regions)}：{_fmt(r.value)}% {tail}",
                 "请核对是否录错（如小数点位置）；确认无误可照常导入")


def _previous_in_file(df: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Rows whose previous reported period (same region, indicator, measure) is also in the file, with
    prev_period and prev_value. Category codes instead of a merge: fast on a million rows."""
    prev = previous_periods(df, catalogue)
    periods = prev.cat.categories  # a superset of the file's periods
    codes = [df[c].astype("category").cat.codes.to_numpy(np.int64) for c in ("region_code", "indicator", "measure")]
    region, ind, measure = codes
    this_p = pd.Categorical(df["period"], categories=periods).codes.astype(np.int64)
    base = ((region * (ind.max() + 1) + ind) * (measure.max() + 1) + measure) * len(periods)
    here = pd.Series(df["value"].to_numpy(), index=base + this_p)
    here = here[~here.index.duplicated()]
    prev_codes = prev.cat.codes.to_numpy(np.int64)
    prev_value = here.reindex(base + prev_codes).to_numpy()
    has = (prev_codes >= 0) & ~np.isnan(prev_value)
    return df[has].assign(prev_period=prev[has].astype(str).to_numpy(), prev_value=prev_value[has])


def previous_warnings(hits: pd.DataFrame, catalogue: Catalogue, regions: Regions, *, file: str,
                      in_store: bool) -> list[Problem]:
    """Warnings from comparing each value with the same key's previous month, taken from the file itself
    or (in_store) from the store's current values. `hits` has the observation columns plus prev_period and
    prev_value; ingest calls this with the store's previous values."""
    out = _Collector(file)
    if hits.empty:
        return []
    _level_falls(hits[hits["measure"] == "cum_level"], catalogue, regions, out, in_store)
    _yoy_swings(hits[hits["measure"] == "cum_yoy"], catalogue, regions, out, in_store)
    return out.problems


def _level_falls(hits: pd.DataFrame, catalogue: Catalogue, regions: Regions, out: _Collector, in_store: bool) -> None:
    """A year-to-date level below the previous month's is almost always a typo."""
    where = "库中上期" if in_store else "上期"
    fix = ("请核对本期数据；如系企业更正，请同时上报更正后的上期数据" if in_store
           else "请核对本期或上期数据；如系企业更正数据，确认后可照常导入")
    falls = hits[hits["value"] < hits["prev_value"] - LEVEL_EPSILON]
    out.rows(falls, WARNING, "level_falls",
             lambda r: f"{key_label(r, catalogue, regions)}：本期 {_fmt(r.value)} 低于{where}"
                       f"（{period_label(r.prev_period)} 为 {_fmt(r.prev_value)}），年内累计数一般不会下降", fix)


def _yoy_swings(hits: pd.DataFrame, catalogue: Catalogue, regions: Regions, out: _Collector, in_store: bool) -> None:
    """A YTD growth rate that jumps against last month's, above all one that flips its sign (a lost minus)."""
    if hits.empty:
        return
    band = hits["indicator"].astype(str).map(lambda c: catalogue[c].yoy_swing or YOY_SWING_PP).astype(float)
    month = hits["period"].astype(str).str[5:7].astype(int)
    band = band * (SETTLED_MONTH / month).clip(lower=1.0)
    jump = (hits["value"] - hits["prev_value"]).abs()
    flip = (np.sign(hits["value"]) * np.sign(hits["prev_value"])) < 0
    hit = hits.assign(band=band, jump=jump)
    where = "库中上期" if in_store else "上期"

    def reason(r) -> str:
        return (f"{key_label(r, catalogue, regions)}：本期 {_fmt(r.value)}%，{where}（{period_label(r.prev_period)}）"
                f"为 {_fmt(r.prev_value)}%，一个月变动 {r.jump:.1f} 个百分点")

    mirrored = (hits["value"].abs() - hits["prev_value"].abs()).abs() <= MIRROR_SHARE * jump
    flips = hit[flip & mirrored & (jump > band * SIGN_FLIP_SHARE)]
    out.rows(flips, WARNING, "yoy_sign_flip", lambda r: f"{reason(r)}，且正负号相反",
             "请核对是否漏了或多了负号（如 −17.0 录成 17.0）；确认无误可照常导入")
    swings = hit[~(flip & mirrored) & (jump > band)]
    out.rows(swings, WARNING, "yoy_swing", lambda r: f"{reason(r)}，超过 {r.band:g} 个百分点",
             "请核对本期和上期数据（小数点位置、是否错行）；确认无误可照常导入")


def smallest_swing(catalogue: Catalogue) -> float:
    """The smallest month-on-month move of a YTD growth that can warn (a sign flip at its share of the band)."""
    bands = [i.yoy_swing or YOY_SWING_PP for i in catalogue if "cum_yoy" in i.measures]
    return min(bands, default=YOY_SWING_PP) * SIGN_FLIP_SHARE


def key_label(row, catalogue: Catalogue, regions: Regions, measure: str | None = None) -> str:
    """“西和县 · 固定资产投资 · 累计增速” for a row with region_code, indicator and measure (or `measure` given)."""
    region = str(row.region_code)
    ind = str(row.indicator)
    m = measure or str(row.measure)
    return " · ".join([regions[region].name if region in regions else region,
                       catalogue[ind].name_zh if ind in catalogue else ind, MEASURE_ZH.get(m, m)])


def _check_city_sums(df: pd.DataFrame, catalogue: Catalogue, regions: Regions, out: _Collector) -> None:
    """全市 against Σ县区, when the file has the city row and every one of its counties (warnings only)."""
    rule = {i.code: i.city_row for i in catalogue if i.city_row != "independent"}
    lv = df[(df["measure"] == "cum_level") & df["indicator"].isin(list(rule))]
    if lv.empty:
        return
    region = lv["region_code"].astype("category")
    cats = region.cat.categories
    city_of = np.array([regions.city_of(c) for c in cats] + [None], dtype=object)
    is_county = np.array([regions.city_of(c) not in (None, c) for c in cats] + [False])
    is_city = np.array([regions.city_of(c) == c for c in cats] + [False])
    codes = region.cat.codes.to_numpy()
    counties = lv[is_county[codes]].assign(city=city_of[codes][is_county[codes]])
    cities = lv[is_city[codes]]
    if cities.empty or counties.empty:
        return
    sums = (counties.groupby(["city", "period", "indicator"], observed=True)
            .agg(total=("value", "sum"), n=("value", "size")).reset_index())
    sums["needed"] = sums["city"].map(lambda c: len(regions.counties_of(c)))
    sums = sums[sums["n"] >= sums["needed"]]  # only when every county is in the file
    m = cities.assign(city=cities["region_code"].astype(str), period=cities["period"].astype(str),
                      indicator=cities["indicator"].astype(str))
    m = m.merge(sums.astype({"city": str, "period": str, "indicator": str}), on=["city", "period", "indicator"])
    m = m[m["value"] != 0]
    m["gap"] = (m["value"] - m["total"]) / m["value"].abs()
    own = m["indicator"].map(rule) == "sum_plus_own"
    out.rows(m[~own & (m["gap"].abs() > CITY_SUM_TOLERANCE)], WARNING, "city_sum_mismatch",
             lambda r: f"{key_label(r, catalogue, regions)}：全市数 {_fmt(r.value)} 与各县区之和（{_fmt(r.total)}）相差 {r.gap * 100:.1f}%，超过 {CITY_SUM_TOLERANCE * 100:g}%",
             "全市数含市直单位，本就不等于县区之和；差距过大时请核对全市行或各县区数据")
    out.rows(m[own & (m["value"] < m["total"] - LEVEL_EPSILON)], WARNING, "city_below_counties",
             lambda r: f"{key_label(r, catalogue, regions)}：全市数 {_fmt(r.value)} 小于各县区之和（{_fmt(r.total)}）；全市台账应包含各县区和市直部门",
             "请核对全市行是否漏计了某个县区")
