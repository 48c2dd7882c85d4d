"""Values derived from the store's year-to-date observations: single periods, quarter ends, ratios
from sums, city totals against their counties, and quarterly series carried forward between quarter ends.

Every function takes and returns long frames in the store's layout (region_code, period 'YYYY-MM',
indicator, measure, value, upload_id, …) and is vectorised: no loop over rows or regions.
"""

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from loaders.catalogue import Catalogue
from loaders.regions import Regions
from loaders.validate import CITY_SUM_TOLERANCE, LEVEL_EPSILON

# Quarterly series report year to date at these months (statistics.md: Q1, H1, Q1–3, year).
QUARTER_END_MONTHS = (3, 6, 9, 12)
SINGLE = "single_level"  # measure of a single-period level (a month, 1–2月 or a quarter)
RATIO = "ratio"  # measure of a derived ratio (catalogue: value_type derived → measure ratio)
OWN = "own"  # a ratio from the region's own uploaded numerator and denominator
SUM_OF_COUNTIES = "sum_of_counties"  # a city's ratio as Σ counties' numerator / Σ counties' denominator
STORE_COLUMNS = ["region_code", "period", "indicator", "measure", "value", "upload_id", "src_row"]
# city_aggregate reasons, worst first: why a city row is flagged against Σ counties.
NO_CITY_ROW = "no_city_row"
COUNTIES_MISSING = "counties_missing"
MISMATCH = "mismatch"  # city_row = sum: |city − Σ| / |city| above CITY_SUM_TOLERANCE (loaders/validate.py)
BELOW_COUNTIES = "below_counties"  # city_row = sum_plus_own: the city ledger is below Σ counties
OK = "ok"
_QUARTER = re.compile(r"^(\d{4})[-\s]?Q([1-4])$", re.I)
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


# ---------------------------------------------------------------- periods

def year_month(periods: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Year and month arrays of 'YYYY-MM' periods."""
    p = periods.astype(str)
    return p.str[:4].astype(int).to_numpy(), p.str[5:7].astype(int).to_numpy()


def parse_period(period: str) -> tuple[int, int]:
    """(year, month) of 'YYYY-MM'; a ValueError that shows the expected form otherwise."""
    m = _PERIOD.match(str(period).strip())
    if not m:
        raise ValueError(f"期间“{period}”无法识别，应为 2026-09 这样的格式（1—9月累计）")
    return int(m.group(1)), int(m.group(2))


def quarter_of(period: str) -> str:
    """'2026-09' → '2026Q3'; a month inside a quarter gives that quarter ('2026-05' → '2026Q2')."""
    year, month = parse_period(period)
    return f"{year}Q{(month - 1) // 3 + 1}"


def quarter_period(quarter: str) -> str:
    """'2026Q3' → '2026-09': the year-to-date period that ends the quarter."""
    m = _QUARTER.match(str(quarter).strip())
    if not m:
        raise ValueError(f"季度“{quarter}”无法识别，应为 2026Q3 这样的格式")
    return f"{m.group(1)}-{3 * int(m.group(2)):02d}"


def _with_year_month(df: pd.DataFrame) -> pd.DataFrame:
    year, month = year_month(df["period"])
    return df.assign(year=year, month=month)


# ---------------------------------------------------------------- single periods

def previous_months(catalogue: Catalogue) -> pd.DataFrame:
    """Per indicator and month: the previous reported month of the year (0 for the first period)
    and how many months the single period spans (2 for 1–2月, 3 for a quarter)."""
    rows = []
    for ind in catalogue:
        for month in range(1, 13):
            earlier = [m for m in ind.months if m < month]
            prev = earlier[-1] if earlier else 0
            rows.append((ind.code, month, prev, month - prev))
    return pd.DataFrame(rows, columns=["indicator", "month", "prev_month", "span_months"])


def single_month(obs: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Single-period levels from year-to-date cum_level: value[m] − value[previous reported month].

    The first period of the year (January, 1–2月 or Q1) is its own single period. A missing
    previous period gives NaN, never a guess. `same_vintage` is True when every term comes from
    one upload (statistics.md: derive single months within one release); False across releases
    or when a term is missing.
    """
    lv = _with_year_month(obs[obs["measure"] == "cum_level"])
    lv = lv.merge(previous_months(catalogue), on=["indicator", "month"], how="inner")
    prev = lv[["region_code", "indicator", "year", "month", "value", "upload_id"]].rename(
        columns={"month": "prev_month", "value": "prev_value", "upload_id": "prev_upload_id"})
    m = lv.merge(prev, on=["region_code", "indicator", "year", "prev_month"], how="left")
    first = m["prev_month"].to_numpy() == 0
    value = np.where(first, m["value"], m["value"] - m["prev_value"])
    same = first | (m["upload_id"].to_numpy() == m["prev_upload_id"].to_numpy())
    prev_period = m["year"].astype(str) + "-" + m["prev_month"].astype(str).str.zfill(2)
    out = pd.DataFrame({
        "region_code": m["region_code"], "period": m["period"], "indicator": m["indicator"],
        "measure": SINGLE, "value": value, "span_months": m["span_months"],
        "first_period": first, "prev_period": prev_period.where(~first),
        "upload_id": m["upload_id"], "prev_upload_id": m["prev_upload_id"].astype("Int64"),
        "same_vintage": same,
    })
    return _sorted(out)


# ---------------------------------------------------------------- quarter ends

def quarter_end(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows at months 03/06/09/12 with a `quarter` label 'YYYYQn'."""
    year, month = year_month(obs["period"])
    keep = np.isin(month, QUARTER_END_MONTHS)
    out = obs[keep].copy()
    out["quarter"] = pd.Series(year[keep], index=out.index).astype(str) + "Q" + (month[keep] // 3).astype(str)
    return out


def carry_forward(obs: pd.DataFrame, catalogue: Catalogue, periods: Iterable[str]) -> pd.DataFrame:
    """For quarterly indicators, the latest quarter-end value at or before each requested period
    of the same year, with `as_of` (the quarter-end period it comes from), its `quarter` label
    and `carried` (True when as_of is not the requested period), so a page can say "一季度数据".

    Before the first quarter end of a year there is nothing to carry: no row.
    """
    codes = [i.code for i in catalogue if i.frequency == "quarterly"]
    wanted = pd.DataFrame({"period": sorted({str(p) for p in periods})})
    for p in wanted["period"]:
        parse_period(p)
    wanted = _with_year_month(wanted)
    q = _with_year_month(obs[obs["indicator"].isin(codes)])
    q = q[q["month"].isin(QUARTER_END_MONTHS)].rename(columns={"period": "as_of", "month": "as_of_month"})
    m = wanted.merge(q.drop(columns=["src_row"], errors="ignore"), on="year")
    m = m[m["as_of_month"] <= m["month"]].sort_values("as_of_month", kind="stable")
    m = m.drop_duplicates(["region_code", "indicator", "measure", "period"], keep="last")
    m["quarter"] = m["year"].astype(str) + "Q" + (m["as_of_month"] // 3).astype(str)
    m["carried"] = m["as_of"] != m["period"]
    cols = ["region_code", "period", "indicator", "measure", "value", "upload_id", "as_of", "quarter", "carried"]
    return _sorted(m[cols])


# ---------------------------------------------------------------- ratios from sums

def ratio_from_sums(obs: pd.DataFrame, catalogue: Catalogue, code: str,
                    regions: Regions | None = None) -> pd.DataFrame:
    """A derived indicator (numerator / denominator × scale) per region and period, measure 'ratio',
    from the two cum_levels; never an average of ratios. With `regions`, also each city's ratio as
    Σ counties' numerator / Σ counties' denominator (source 'sum_of_counties', over the counties
    that have both terms; `n_counties` / `n_expected` say how many). A zero denominator gives NaN.
    """
    ind = catalogue[code]
    if ind.value_type != "derived":
        raise ValueError(f"indicator '{code}' is not derived; derived indicators are "
                         f"{', '.join(i.code for i in catalogue if i.value_type == 'derived')}")
    pairs = _terms(obs, ind.numerator, ind.denominator)
    own = _ratio_rows(pairs, ind.scale).assign(source=OWN, n_counties=pd.NA, n_expected=pd.NA)
    parts = [own]
    if regions is not None:
        parts.append(_city_ratios(pairs, regions, ind.scale))
    out = pd.concat(parts, ignore_index=True)
    out.insert(2, "indicator", code)
    out.insert(3, "measure", RATIO)
    out = out.astype({"n_counties": "Int64", "n_expected": "Int64"})
    return out.sort_values(["period", "source", "region_code"], kind="stable").reset_index(drop=True)


def _terms(obs: pd.DataFrame, numerator: str, denominator: str) -> pd.DataFrame:
    """Numerator and denominator cum_level side by side per region and period (both present)."""
    lv = obs[obs["measure"] == "cum_level"]
    cols = ["region_code", "period", "value", "upload_id"]
    num = lv.loc[lv["indicator"] == numerator, cols].rename(
        columns={"value": "numerator", "upload_id": "numerator_upload_id"})
    den = lv.loc[lv["indicator"] == denominator, cols].rename(
        columns={"value": "denominator", "upload_id": "denominator_upload_id"})
    return num.merge(den, on=["region_code", "period"], how="inner")


def _ratio_rows(pairs: pd.DataFrame, scale: float) -> pd.DataFrame:
    den = pairs["denominator"].where(pairs["denominator"] != 0)
    return pd.DataFrame({
        "region_code": pairs["region_code"], "period": pairs["period"],
        "value": pairs["numerator"] / den * scale,
        "numerator": pairs["numerator"], "denominator": pairs["denominator"],
        "numerator_upload_id": pairs["numerator_upload_id"],
        "denominator_upload_id": pairs["denominator_upload_id"],
        "same_vintage": (pairs["numerator_upload_id"] == pairs["denominator_upload_id"]).to_numpy(),
    })


def _county_city(regions: Regions) -> pd.Series:
    """County code → its prefecture's code, for prefectures that have counties."""
    pairs = {c.code: city.code for city in regions.of_level("prefecture") for c in regions.counties_of(city.code)}
    return pd.Series(pairs, dtype=object)


def _city_ratios(pairs: pd.DataFrame, regions: Regions, scale: float) -> pd.DataFrame:
    city_of = _county_city(regions)
    c = pairs.assign(city=pairs["region_code"].map(city_of)).dropna(subset=["city"])
    g = c.groupby(["city", "period"], observed=True).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"), n_counties=("numerator", "size"),
        num_lo=("numerator_upload_id", "min"), num_hi=("numerator_upload_id", "max"),
        den_lo=("denominator_upload_id", "min"), den_hi=("denominator_upload_id", "max")).reset_index()
    sums = pd.DataFrame({
        "region_code": g["city"].astype(str), "period": g["period"], "numerator": g["numerator"],
        "denominator": g["denominator"], "numerator_upload_id": g["num_hi"], "denominator_upload_id": g["den_hi"],
    })
    rows = _ratio_rows(sums, scale)
    rows["same_vintage"] = ((g["num_lo"] == g["num_hi"]) & (g["den_lo"] == g["den_hi"])
                            & (g["num_hi"] == g["den_hi"])).to_numpy()
    rows["source"] = SUM_OF_COUNTIES
    rows["n_counties"] = g["n_counties"].to_numpy()
    rows["n_expected"] = rows["region_code"].map(city_of.value_counts()).to_numpy()
    return rows


def derived(obs: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Every derived indicator of the catalogue from each region's own sums, in the store's layout
    (upload_id: the later of the two terms' uploads; src_row NA). Only the new rows: concatenate
    them with `obs` yourself, or call with_derived()."""
    codes = [i.code for i in catalogue if i.value_type == "derived"]
    parts = [ratio_from_sums(obs, catalogue, code) for code in codes]
    if not parts:
        return pd.DataFrame(columns=STORE_COLUMNS)
    r = pd.concat(parts, ignore_index=True)
    r["upload_id"] = r[["numerator_upload_id", "denominator_upload_id"]].max(axis=1)
    r["src_row"] = pd.array([pd.NA] * len(r), dtype="Int64")
    return r[STORE_COLUMNS]


def with_derived(obs: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """`obs` with every derived indicator appended (any derived rows already in `obs` are replaced)."""
    codes = [i.code for i in catalogue if i.value_type == "derived"]
    base = obs[~obs["indicator"].isin(codes)]
    return pd.concat([base, derived(base, catalogue)], ignore_index=True)


# ---------------------------------------------------------------- city rows against their counties

def city_aggregate(obs: pd.DataFrame, catalogue: Catalogue, regions: Regions) -> pd.DataFrame:
    """Per city, period and level indicator (cum_level, city_row sum or sum_plus_own): Σ counties,
    the uploaded 全市 value, `diff` = city − Σ, `diff_pct` = diff / |city| × 100 (as in
    loaders/validate.py), which counties are missing, and `flag` with a `reason`.

    Reasons, first that applies: no_city_row, counties_missing, mismatch (sum: |diff_pct| above
    CITY_SUM_TOLERANCE), below_counties (sum_plus_own: city < Σ), ok. Growth-only indicators are
    never aggregated: their uploaded city row is authoritative.
    """
    rule = {i.code: i.city_row for i in catalogue if "cum_level" in i.measures and i.city_row != "independent"}
    city_of = _county_city(regions)
    lv = obs[(obs["measure"] == "cum_level") & obs["indicator"].isin(list(rule))]
    counties = lv.assign(city=lv["region_code"].map(city_of)).dropna(subset=["city"])
    key = ["city", "period", "indicator"]
    sums = counties.groupby(key, observed=True).agg(
        county_sum=("value", "sum"), n_counties=("value", "size")).reset_index()
    cities = lv[lv["region_code"].isin(set(city_of))].rename(columns={"region_code": "city", "value": "city_value"})
    m = sums.merge(cities[key + ["city_value"]], on=key, how="outer")
    expected = city_of.value_counts()
    m["n_counties"] = m["n_counties"].fillna(0).astype(int)
    m["n_expected"] = m["city"].map(expected).astype(int)
    m["county_sum"] = m["county_sum"].where(m["n_counties"] > 0)
    m["missing_counties"] = _missing_counties(m, counties, city_of)
    m["diff"] = m["city_value"] - m["county_sum"]
    m["diff_pct"] = m["diff"] / m["city_value"].abs().where(m["city_value"] != 0) * 100
    m["city_row"] = m["indicator"].map(rule)
    m["reason"] = _city_reason(m)
    m["flag"] = m["reason"] != OK
    cols = ["city", "period", "indicator", "city_row", "county_sum", "city_value", "diff", "diff_pct",
            "n_counties", "n_expected", "missing_counties", "flag", "reason"]
    return m[cols].sort_values(["indicator", "period", "city"], kind="stable").reset_index(drop=True)


def _missing_counties(m: pd.DataFrame, counties: pd.DataFrame, city_of: pd.Series) -> pd.Series:
    """Comma-separated codes of each key's counties without a value ('' when none is missing)."""
    grid = m[["city", "period", "indicator"]].merge(
        pd.DataFrame({"region_code": city_of.index, "city": city_of.to_numpy()}), on="city")
    have = counties[["region_code", "period", "indicator"]].assign(_have=True)
    grid = grid.merge(have, on=["region_code", "period", "indicator"], how="left")
    gone = grid[grid["_have"].isna()].sort_values("region_code")
    joined = gone.groupby(["city", "period", "indicator"], observed=True)["region_code"].agg(",".join)
    idx = pd.MultiIndex.from_frame(m[["city", "period", "indicator"]])
    return pd.Series(joined.reindex(idx).fillna("").to_numpy(), index=m.index)


def _city_reason(m: pd.DataFrame) -> np.ndarray:
    own = m["city_row"] == "sum_plus_own"
    conditions = [
        m["city_value"].isna(),
        m["n_counties"] < m["n_expected"],
        ~own & (m["diff_pct"].abs() > CITY_SUM_TOLERANCE * 100),
        own & (m["diff"] < -LEVEL_EPSILON),
    ]
    return np.select(conditions, [NO_CITY_ROW, COUNTIES_MISSING, MISMATCH, BELOW_COUNTIES], OK)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["indicator", "region_code", "period"], kind="stable").reset_index(drop=True)
