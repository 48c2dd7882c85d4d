"""The canonical long layout (one value per row), for observations and for targets.

Observations: region_code, [region_name], period, indicator, measure, value, [unit], [note].
Targets: region_code, [region_name], year, indicator, kind, value, [unit], [period], [note].
Files of a million rows are read column-wise: each rule runs once per distinct text, not per row.
"""

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from loaders import cells
from loaders.catalogue import Catalogue, how_to_add
from loaders.parsed import OBS_COLUMNS, TARGET_COLUMNS, Parsed
from loaders.problems import ERROR, Problem
from loaders.regions import Regions

# Header names accepted for each canonical column (after NFKC and lower-casing).
HEADERS = {
    "region_code": ("region_code", "区划代码", "地区代码", "行政区划代码", "代码"),
    "region_name": ("region_name", "地区", "县区", "地区名称", "县区名称", "单位名称"),
    "period": ("period", "期间", "时期", "报告期", "统计期"),
    "year": ("year", "年度", "年份"),
    "indicator": ("indicator", "指标", "指标代码", "指标名称"),
    "measure": ("measure", "口径", "计量口径", "数据类型"),
    "kind": ("kind", "目标类型", "类型"),
    "value": ("value", "数值", "值", "目标值"),
    "unit": ("unit", "单位", "计量单位"),
    "note": ("note", "备注", "说明"),
}
OBS_REQUIRED = ("period", "indicator", "measure", "value")
TARGET_REQUIRED = ("year", "indicator", "kind", "value")
MEASURE_WORDS = {
    "cum_level": ("cum_level", "累计值", "累计", "绝对额", "总量", "本年累计", "level"),
    "cum_yoy": ("cum_yoy", "累计增速", "增速", "同比增长", "增长", "yoy", "growth"),
    "ratio": ("ratio", "比率", "占比", "比重", "率"),
    "month_level": ("month_level", "当月值", "本月值"),
    "month_yoy": ("month_yoy", "当月增速", "本月增速"),
}
KIND_WORDS = {
    "growth": ("growth", "增速", "增长", "增速目标", "增长目标"),
    "level": ("level", "目标值", "总量", "绝对额", "计划", "年度目标", "总量目标"),
}
PERCENT_MEASURES = ("cum_yoy", "ratio", "growth", "month_yoy")
SIMULATED_MARK = "模拟数据"
# Per reason code, problems listed one by one; beyond this a single summary line counts the rest.
MAX_PROBLEMS_PER_CODE = 200


def header_map(columns: list[str]) -> dict[str, str]:
    """Canonical name -> column as written, for the columns this layout knows."""
    out = {}
    for col in columns:
        key = cells.norm(col).lower().replace(" ", "")
        for canon, names in HEADERS.items():
            if key in names and canon not in out:
                out[canon] = col
    return out


def sniff(columns: list[str]) -> str | None:
    """'observations', 'targets' or None for a header row."""
    h = header_map(columns)
    has_region = "region_code" in h or "region_name" in h
    if has_region and all(c in h for c in OBS_REQUIRED):
        return "observations"
    if has_region and all(c in h for c in TARGET_REQUIRED):
        return "targets"
    return None


def read_frame(data: bytes) -> tuple[pd.DataFrame, str]:
    """Every cell as text, fast: UTF-8 goes straight to Arrow; GB18030 is re-encoded first."""
    body, encoding = data, "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        body, encoding = data[3:], "utf-8-sig"
    try:
        first = body.split(b"\n", 1)[0].decode("utf-8")
        body.decode("utf-8")
    except UnicodeDecodeError:
        text, encoding = cells.decode(data)
        body = text.encode("utf-8")
        first = body.split(b"\n", 1)[0].decode("utf-8")
    names = next(csv.reader([first.rstrip("\r")]), [])
    types = {n: pa.string() for n in names}
    value_col = header_map(names).get("value")
    if value_col:  # fast path: a clean numeric column parses straight to float64
        try:
            return _read(body, types | {value_col: pa.float64()}), encoding
        except pa.ArrowInvalid:
            pass  # some cell is "—", "5.1%", "1,234"…: read text and apply the cell rules
    return _read(body, types), encoding


def _read(body: bytes, types: dict) -> pd.DataFrame:
    table = pacsv.read_csv(
        io.BytesIO(body),
        read_options=pacsv.ReadOptions(block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=False,
                                             quoted_strings_can_be_null=False),
    )
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)


def parse(frame: pd.DataFrame, *, file: str, catalogue: Catalogue, regions: Regions,
          period: str | None = None, encoding: str = "", row_offset: int = 2) -> Parsed:
    """Canonical rows from a long frame of text cells. `row_offset` is the file row of frame row 0."""
    kind = sniff(list(frame.columns))
    h = header_map(list(frame.columns))
    ctx = _Context(file=file, rows=pd.RangeIndex(len(frame)) + row_offset)
    out = pd.DataFrame(index=frame.index)
    out["row"] = ctx.rows
    out["region_code"] = _regions(frame, h, regions, ctx)
    out["indicator"] = ctx.map_unique(frame[h["indicator"]], h["indicator"], catalogue.resolve, "unknown_indicator",
                                      "指标无法识别",
                                      f"请使用指标代码或名称，如 {', '.join(catalogue.codes[:8])}…；{how_to_add('')}")
    if kind == "observations":
        out["period"] = ctx.map_unique(frame[h["period"]], h["period"], cells.period, "bad_period",
                                       "期间无法识别", "应为 2024-06 或 2024年1-6月 这样的格式")
        out["measure"] = ctx.map_unique(frame[h["measure"]], h["measure"], _word(MEASURE_WORDS), "bad_measure",
                                        "口径无法识别", "应为 cum_level（累计值）、cum_yoy（累计增速）、ratio（比率）、"
                                        "month_level（当月值）或 month_yoy（当月增速）")
        if period:
            _check_period_option(out, period, ctx, h["period"], frame[h["period"]])
        key = "measure"
    else:
        out["year"] = ctx.map_unique(frame[h["year"]], h["year"], _year, "bad_year", "年度无法识别",
                                     "应为四位年份，如 2026").astype(object)
        out["kind"] = ctx.map_unique(frame[h["kind"]], h["kind"], _word(KIND_WORDS), "bad_kind",
                                     "目标类型无法识别", "应为 growth（增速目标，%）或 level（年度总量目标）")
        if "period" in h:
            per = frame[h["period"]].fillna("")
            parsed = ctx.map_unique(per.where(per.str.strip() != "", None), h["period"], cells.period, "bad_period",
                                    "期间无法识别", "季度目标填 2026-06 这样的季末月份，年度目标留空")
            out["period"] = parsed.astype(object)
        else:
            out["period"] = None
        ok_year = out["year"].notna()
        out.loc[ok_year & out["period"].isna(), "period"] = out.loc[ok_year, "year"].astype(int).astype(str) + "-12"
        key = "kind"
    values, bad = cells.numbers(frame[h["value"]])
    ctx.add_cells(bad, frame[h["value"]], h["value"], "bad_number",
                  "不是数字", "应为如 1234.5、-3.2 的数值；缺失请留空或填“—”，不要填0")
    out["value"] = values
    if "unit" in h:
        out["value"] = _convert_units(out, frame[h["unit"]], h["unit"], catalogue, ctx, key)
    out["column"] = h["value"]
    simulated = "note" in h and len(frame) > 0 and frame[h["note"]].astype("string").str.contains(SIMULATED_MARK).all()
    keep = out["value"].notna() & out.drop(columns=["value"]).notna().all(axis=1) if kind == "observations" else \
        out["value"].notna() & out[["region_code", "indicator", "year", "kind", "period"]].notna().all(axis=1)
    cols = OBS_COLUMNS if kind == "observations" else TARGET_COLUMNS
    result = out.loc[keep, cols].reset_index(drop=True)
    if kind == "targets":
        result["year"] = result["year"].astype(int)
    return Parsed(kind=kind, format="long_csv" if kind == "observations" else "long_targets", frame=result,
                  problems=ctx.problems(), encoding=encoding, simulated=bool(simulated))


class _Context:
    """Collects problems for one file, capped per reason so a broken million-row file stays readable."""

    def __init__(self, file: str, rows: pd.Index):
        self.file = file
        self.rows = rows
        self._problems: list[Problem] = []
        self._counts: dict[str, int] = {}
        self._overflow: dict[str, int] = {}

    def add(self, code: str, reason: str, fix: str, row: int | None, column: str, value: str, severity=ERROR,
            cli_fix: str = ""):
        self._counts[code] = self._counts.get(code, 0) + 1
        if self._counts[code] > MAX_PROBLEMS_PER_CODE:
            self._overflow[code] = self._overflow.get(code, 0) + 1
            return
        self._problems.append(Problem(severity, code, reason, fix, self.file, row, column, value, cli_fix))

    def add_cells(self, mask: pd.Series, raw: pd.Series, column: str, code: str, reason: str, fix: str,
                  cli_fix: str = ""):
        for pos in mask.to_numpy().nonzero()[0][: MAX_PROBLEMS_PER_CODE + 1]:
            self.add(code, reason, fix, int(self.rows[pos]), column, str(raw.iloc[pos]), cli_fix=cli_fix)
        extra = int(mask.sum()) - MAX_PROBLEMS_PER_CODE - 1
        if extra > 0:
            self._overflow[code] = self._overflow.get(code, 0) + extra

    def map_unique(self, raw: pd.Series, column: str, fn, code: str, reason: str, fix: str) -> pd.Series:
        """Apply fn once per distinct text; cells where it gives None are problems (empty cells too).

        Returns a categorical Series (a million rows carry a few thousand distinct values).
        """
        text = raw.astype("string").fillna("")
        codes, uniques = pd.factorize(text)
        mapped = [fn(v) if (v := cells.norm(u)) else None for u in uniques]
        labels = pd.Index([m for m in dict.fromkeys(mapped) if m is not None])
        to_label = np.array([labels.get_loc(m) if m is not None else -1 for m in mapped] + [-1], dtype=np.int64)
        out_codes = to_label[codes]  # factorize gives -1 for NA, which picks the trailing -1
        out = pd.Series(pd.Categorical.from_codes(out_codes, categories=labels), index=raw.index)
        self.add_cells(pd.Series(out_codes < 0, index=raw.index) & raw.notna(), text, column, code, reason, fix)
        return out

    def problems(self) -> list[Problem]:
        extra = [Problem(ERROR, code, f"另有 {n} 处同类问题未逐一列出", "修正上面列出的问题后重新上传即可看到其余问题",
                         self.file) for code, n in self._overflow.items()]
        return self._problems + extra


def _code_example(regions: Regions) -> str:
    r = regions.example_county()
    return f"{r.code}（{r.name}）" if r else "621202（武都区）"


def _regions(frame: pd.DataFrame, h: dict, regions: Regions, ctx: _Context) -> pd.Series:
    fix = regions.expected_names(None)
    if "region_code" in h:
        by_code = ctx.map_unique(frame[h["region_code"]], h["region_code"], regions.resolve, "unknown_region",
                                 "地区代码不在行政区划表中", f"请填写6位区划代码，如 {_code_example(regions)}；可用名称：{fix}")
        return by_code
    return ctx.map_unique(frame[h["region_name"]], h["region_name"], regions.resolve, "unknown_region",
                          "地区名称无法识别", f"请填写{fix}")


def _word(words: dict[str, tuple[str, ...]]):
    table = {w.lower(): canon for canon, ws in words.items() for w in ws}
    return lambda text: table.get(text.lower().replace(" ", ""))


def _year(text: str) -> int | None:
    t = text.removesuffix("年")
    return int(t) if t.isdigit() and 1990 <= int(t) <= 2100 else None


def _check_period_option(out: pd.DataFrame, period: str, ctx: _Context, column: str, raw: pd.Series) -> None:
    other = out["period"].notna() & (out["period"] != period)
    ctx.add_cells(other, raw.astype("string"), column, "period_mismatch",
                  f"期间与另行指定的期间 {period} 不一致",
                  "文件自带期间时上传表单的“期间”请留空；若确需按指定期间导入，请先修改文件中的期间",
                  cli_fix="文件自带期间时不必指定 --period；若确需按指定期间导入，请先修改文件中的期间")


def _convert_units(out: pd.DataFrame, units: pd.Series, column: str, catalogue: Catalogue, ctx: _Context,
                   key: str) -> pd.Series:
    """Rule 9 on the unit column: 亿元 → 万元 etc.; % for growth and ratio; unknown units are errors."""
    units = units.astype("string").fillna("")
    keys = pd.DataFrame({"indicator": out["indicator"], "m": out[key], "unit": units})
    factors = []
    for ind, measure, unit in keys.drop_duplicates().itertuples(index=False):
        if pd.isna(ind) or pd.isna(measure):  # the row already has an error for its indicator or measure
            continue
        target_unit = "%" if measure in PERCENT_MEASURES else catalogue[ind].unit
        factors.append((ind, measure, unit, cells.unit_factor(cells.norm(unit) or None, target_unit), target_unit))
    if all(f == 1.0 for *_, f, _ in factors):
        return out["value"]
    table = pd.DataFrame(factors, columns=["indicator", "m", "unit", "factor", "expected"])
    merged = keys.merge(table, how="left", on=["indicator", "m", "unit"])
    bad = (merged["factor"].isna() & keys["indicator"].notna().to_numpy() & keys["m"].notna().to_numpy()).to_numpy()
    for pos in bad.nonzero()[0]:
        ind = keys["indicator"].iloc[pos]
        expected = merged["expected"].iloc[pos]
        ctx.add("bad_unit", f"单位与指标“{catalogue[ind].name_zh}”不符（应为 {expected}）",
                f"请改为 {expected}，或填可换算的单位（如 亿元 会自动换算为 万元）",
                int(ctx.rows[pos]), column, str(units.iloc[pos]))
    return (out["value"] * merged["factor"].to_numpy(dtype="float64")).round(8)
