"""Pure builders of the county page (县区): number formats, the indicator grid, the rank line, the
strongest/weakest sentences and the gap-to-rank answers. DataFrames in, strings, rows or components out."""

import math
from urllib.parse import parse_qsl, urlencode

import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd

from indicators.explain import DEFAULT_DECIMALS, UNIT_DECIMALS
from indicators.ranking import rank
from layouts.figures import STATUS_COLOURS
from layouts.i18n import grid_text, label, period_label, score_label, t

YI = 10_000  # 1 亿元 = 10,000 万元: levels from this size are shown in 亿元 (Chinese convention)
UNIT_EN = {"万元": "10k yuan", "元": "yuan", "家": "firms", "件": "cases", "万千瓦时": "10k kWh", "%": "%"}
# Wrapped names (two lines on a phone) stay vertically centred with the one-line cells of their row.
CENTRED = {"lineHeight": "20px", "display": "flex", "alignItems": "center"}
COMBINED = "组合"  # explain.gap_to_rank's code for the combined path
GAP_NOTES = {"仅靠该指标无法达到": "county_gap_alone", "无数据，无法测算": "county_gap_nodata",
             "已达到目标名次": "county_gap_reached", "各指标同时提高也无法达到": "county_gap_combined_none"}


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def fmt_level(value, unit: str, lang: str = "zh") -> str:
    """A level as a leader reads it: 万元 (亿元 from 10,000 万元), 元 without decimals, counts as integers."""
    if _missing(value):
        return "—"
    v = float(value)
    if unit == "万元":
        if lang == "en":
            return f"CNY {v / 1e5:,.2f} bn" if abs(v) >= 1e5 else f"CNY {v / 100:,.1f} m"
        return f"{v / YI:,.2f}亿元" if abs(v) >= YI else f"{v:,.1f}万元"
    if unit == "%":
        return f"{v:.1f}%"
    if unit.startswith("万") and lang == "zh" and abs(v) >= YI:  # 万千瓦时 → 亿千瓦时
        return f"{v / YI:,.2f}亿{unit[1:]}"
    if unit == "万千瓦时" and lang == "en":
        return f"{v / 100:,.1f} GWh"  # 1万千瓦时 = 10 MWh
    decimals = UNIT_DECIMALS.get(unit, DEFAULT_DECIMALS)
    if lang == "en":
        return f"CNY {v:,.0f}" if unit == "元" else f"{v:,.{decimals}f} {UNIT_EN.get(unit, unit)}"
    return f"{v:,.{decimals}f}{unit}"


def fmt_growth(value, lang: str = "zh") -> str:
    """增长3.3% / 下降2.1% (+3.3% / −2.1%)."""
    if _missing(value):
        return "—"
    key = "county_growth_of" if value >= 0 else "county_decline_of"
    return t(key, lang).format(x=f"{abs(float(value)):.1f}")


def _int(x):
    return None if _missing(x) else int(x)


def _r(x, d):
    return None if _missing(x) else round(float(x), d)


def source_text(as_of, upload_id: int, lang: str = "zh") -> str:
    """Where a ledger-derived value comes from: 由台账汇总，截至2026-10-31（上传 #12）."""
    return t("ledger_source", lang).format(as_of=f"{pd.Timestamp(as_of):%Y-%m-%d}", upload=int(upload_id))


def ledger_source_lines(sources: pd.DataFrame, values: pd.DataFrame, lang: str = "zh") -> dict[str, str]:
    """indicator → source_text for the unit's YTD levels (`values`: one unit's rows with their period) that a
    ledger snapshot filled (`sources`: reading.ledger_sources)."""
    if sources.empty or values.empty:
        return {}
    mine = values[values["measure"] == "cum_level"][["region_code", "period", "indicator", "upload_id"]]
    hit = mine.merge(sources, on=["region_code", "period", "indicator", "upload_id"])
    return {r.indicator: source_text(r.as_of, r.upload_id, lang) for r in hit.itertuples()}


def indicator_rows(values: pd.DataFrame, prog: pd.DataFrame, prov_rank: pd.Series, city_rank: pd.Series | None,
                   catalogue, lang: str = "zh", month: str | None = None,
                   sources: dict[str, str] | None = None) -> list[dict]:
    """One grid row per catalogue indicator with data for the unit at the period (and per target kind
    when an indicator has both a growth and a level target), in catalogue order. A value from before `month`
    (a quarterly series between quarter ends) names its own period: 地区生产总值（1-9月）. A prefecture has one
    comparison set (the prefectures: `prov_rank`) and no `city_rank`. `sources` (ledger_source_lines) gives the
    value cell's tooltip where a ledger filled it."""
    sources = sources or {}
    city_rank = pd.Series(dtype=float) if city_rank is None else city_rank
    value = {(i, m): float(v) for i, m, v in zip(values["indicator"], values["measure"], values["value"], strict=True)}
    earlier = {} if month is None or "period" not in values else \
        {i: p for i, p in zip(values["indicator"], values["period"], strict=True) if p != month}
    present = {i for i, _ in value}
    targets = {}
    for r in prog.itertuples():
        targets.setdefault(r.indicator, []).append(r)
    out = []
    for ind in catalogue:
        if ind.code not in present:
            continue
        level_measure = "cum_level" if ind.value_type in ("level", "level_growth") else "ratio"
        name = ind.name(lang) + (f"（{period_label(earlier[ind.code], lang)}）" if ind.code in earlier else "")
        base = {"indicator": ind.code, "name": name,
                "value": fmt_level(value.get((ind.code, level_measure)), ind.unit, lang),
                "growth": _r(value.get((ind.code, "cum_yoy")), 1),
                "rank_prov": _int(prov_rank.get(ind.code)), "rank_city": _int(city_rank.get(ind.code)),
                "source": sources.get(ind.code)}
        mine = targets.get(ind.code, [])
        if not mine:
            out.append(base | {"target": "—", "completion": "—", "gap": None, "status": "—",
                               "status_key": "none", "pace": "—"})
        for r in mine:  # two targets (growth and level): the name says which row is which
            kind = t("county_kind_growth" if r.kind == "growth" else "county_kind_level", lang)
            out.append(base | _target_cells(r, ind, lang) | ({"name": base["name"] + kind} if len(mine) > 1 else {}))
    return out


def _target_cells(r, ind, lang: str) -> dict:
    """Target, completion against 序时进度, gap, status and pace of one progress row; the target's
    wording (增长5.5% / 3.26亿元) says whether it is a growth or a level target."""
    if r.compare == "growth":
        target = fmt_growth(r.target, lang)
    else:
        target = fmt_level(r.target, ind.unit, lang)
    completion = "—"
    if r.compare == "completion" and not _missing(r.completion_pct):
        completion = f"{r.completion_pct:.1f}%（{t('county_schedule', lang)}{r.schedule_linear_pct:.1f}%）" \
            if lang == "zh" else f"{r.completion_pct:.1f}% ({t('county_schedule', lang)} {r.schedule_linear_pct:.1f}%)"
    key = r.status if isinstance(r.status, str) else "none"
    return {"target": target, "completion": completion, "gap": _r(r.gap_shown_pp, 1),
            "status": label("status", key, lang), "status_key": key,
            "pace": label("pace", r.pace, lang) if isinstance(r.pace, str) else "—"}


def status_style() -> dict:
    """ag-grid cellStyle: the status cell filled with its colour (layouts/figures.STATUS_COLOURS)."""
    return {"styleConditions": [
        {"condition": f"params.data.status_key == '{k}'",
         "style": {"backgroundColor": c, "color": "white", "fontWeight": 600, "justifyContent": "center"}}
        for k, c in STATUS_COLOURS.items() if k != "none"]}


def _rank_col(field: str, header: str, n: int, tip: str, width: int = 112) -> dict:
    bottom = {"color": STATUS_COLOURS["far"], "fontWeight": 600}
    return {"field": field, "headerName": f"{header}/{n}", "width": width, "type": "rightAligned",
            "headerTooltip": tip, "cellStyle": {"styleConditions": [
                {"condition": f"params.value > {n - 3}", "style": bottom}]}}


def column_defs(lang: str, n_prov: int, n_city: int | None, prov_header: str | None = None) -> list[dict]:
    """The indicator grid's columns: rank among the province's counties and within the city (a county), or one
    rank column among the prefectures (`n_city` None, `prov_header` naming the comparison set)."""
    tip = t("county_rank_basis", lang)
    num = {"type": "rightAligned"}
    ranks = [_rank_col("rank_prov", prov_header, n_prov, tip, width=136) if prov_header else  # 市州间位次/14
             _rank_col("rank_prov", t("county_col_rank_prov", lang), n_prov, tip)]
    if n_city is not None:
        ranks.append(_rank_col("rank_city", t("county_col_rank_city", lang), n_city, tip))
    return [
        {"field": "name", "headerName": t("county_col_indicator", lang), "pinned": "left", "width": 150, "minWidth": 150,
         "wrapText": True, "autoHeight": True, "cellStyle": CENTRED},
        {"field": "status", "headerName": t("county_col_status", lang), "width": 108, "cellStyle": status_style()},
        {"field": "value", "headerName": t("county_col_value", lang), "width": 136, "tooltipField": "source", **num},
        {"field": "growth", "headerName": t("county_col_growth", lang), "width": 92, **num,
         "valueFormatter": {"function": "params.value == null ? '—' : d3.format('.1f')(params.value)"}},
        {"field": "target", "headerName": t("county_col_target", lang), "width": 124, **num},
        {"field": "gap", "headerName": t("county_col_gap", lang), "width": 136, **num,
         "valueFormatter": {"function": "params.value == null ? '—' : d3.format('+.1f')(params.value)"}},
        {"field": "completion", "headerName": t("county_col_completion", lang), "flex": 1, "minWidth": 180},
        {"field": "pace", "headerName": t("county_col_pace", lang), "width": 112},
        *ranks,
    ]


def indicator_grid(rows: list[dict], lang: str, n_prov: int, n_city: int | None, grid_id: str,
                   prov_header: str | None = None) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id, rowData=rows, columnDefs=column_defs(lang, n_prov, n_city, prov_header),
        defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True},
        dashGridOptions={**grid_text(lang), "domLayout": "autoHeight", "animateRows": False, "tooltipShowDelay": 300},
        style={"width": "100%"}, className="ag-theme-alpine county-grid")


# ---------------------------------------------------------------- the rank line under the title

def score_line(row: pd.Series, scope: str, n: int, lang: str, city: str | None = None) -> str:
    """'全省得分 76.49 · 全省第54名（共86个，5–95%区间 第48–60名）' — the score with its comparison set
    (市州间得分 … 市州间第14名（共14个，…） for a prefecture)."""
    rank = rank_text(row, n, lang, city, prefectures=scope == "prefectures")
    if _missing(row.get("score")):
        return f"{score_label(scope, lang)} — · {rank}"
    return f"{score_label(scope, lang)} {float(row['score']):.2f} · {rank}"


def rank_text(row: pd.Series, n: int, lang: str, city: str | None = None, prefectures: bool = False) -> str:
    """全省第54名（共86个，5–95%区间 第48–60名）; the reason when the unit is not ranked."""
    if _missing(row.get("rank")):
        return f"{t('unranked', lang)}：{row.get('reason', '')}" if lang == "zh" else t("unranked", lang)
    key = "pref_rank" if prefectures else "county_rank_city" if city else "county_rank_province"
    text = t(key, lang).format(rank=int(row["rank"]), n=n, city=city or "")
    if not _missing(row.get("rank_p05")):
        interval = t("county_interval", lang).format(lo=int(row["rank_p05"]), hi=int(row["rank_p95"]))
        text = f"{text[:-1]}，{interval}）" if lang == "zh" else f"{text} ({interval})"  # 全省第54名（共86个，5–95%…）
    return text


# ---------------------------------------------------------------- strongest and weakest

def scheme_value(value, ind_measure: str, unit: str, lang: str) -> str:
    """A value in the scheme's measure: growth as 增长x%, a ratio in %, a level in its unit."""
    if ind_measure == "cum_yoy":
        return fmt_growth(value, lang)
    return fmt_level(value, "%" if ind_measure == "ratio" else unit, lang)


def strength_sentences(codes: list[str], pts: pd.Series, matrix_row: pd.Series, ranks: pd.Series, scheme,
                       catalogue, lang: str = "zh") -> list[str]:
    """固定资产投资增长3.3%，全省第71名，比全省平均少得1.23分 — one sentence per indicator code."""
    measures = {i.code: i.measure for i in scheme.indicators}
    out = []
    for code in codes:
        p = float(pts[code])
        value = scheme_value(matrix_row.get(code), measures[code], catalogue[code].unit, lang)
        where = t("county_ind_rank", lang).format(rank=_int(ranks.get(code)) or "—")
        more = t("county_pts_more" if p >= 0 else "county_pts_less", lang).format(x=f"{abs(p):.2f}")
        sep = "，" if lang == "zh" else ", "
        name = catalogue[code].name(lang)
        out.append(f"{name}{value}{sep}{where}{sep}{more}" if lang == "zh" else f"{name} {value}{sep}{where}{sep}{more}")
    return out


def strengths_block(strong: list[str], weak: list[str], lang: str, block_id: str) -> dmc.SimpleGrid:
    def part(title, lines, colour):
        return dmc.Stack(gap=4, children=[dmc.Text(title, fw=700, c=colour)] + [
            dmc.Text(f"{n}. {s}", size="sm") for n, s in enumerate(lines, start=1)])
    return dmc.SimpleGrid(id=block_id, cols=1, spacing="md", children=[
        part(t("county_strongest", lang), strong, STATUS_COLOURS["ok"]),
        part(t("county_weakest", lang), weak, STATUS_COLOURS["far"])])


# ---------------------------------------------------------------- gap to rank

def gap_units(scheme, catalogue, lang: str = "zh") -> dict[str, str]:
    """The unit an improvement is stated in: 个百分点 for growth and ratios, else the indicator's unit
    (as `python -m indicators gaps` states it)."""
    out = {}
    for i in scheme.indicators:
        unit = catalogue[i.code].unit
        out[i.code] = t("county_pp", lang) if i.measure != "cum_level" else (UNIT_EN.get(unit, unit) if lang == "en" else unit)
    return out


def _plain(value, code: str, catalogue, measure: str) -> str:
    """A current or required value: growth and ratios to 0.1, levels as published for their unit."""
    d = UNIT_DECIMALS.get(catalogue[code].unit, DEFAULT_DECIMALS) if measure == "cum_level" else DEFAULT_DECIMALS
    return f"{float(value):,.{d}f}"


def gap_answer(r: dict, units: dict, measures: dict, catalogue, lang: str = "zh") -> str:
    """The answer for one indicator alone, worded as `python -m indicators gaps` words it."""
    code = r["indicator"]
    if r.get("reachable") and r.get("improvement"):
        key = "county_gap_need"
    elif not r.get("note") and not _missing(r.get("improvement")) and not _missing(r.get("verified_rank")):
        key = "county_gap_short"  # the search found a value, but recomputing the ranking did not confirm it
    else:
        return t(GAP_NOTES.get(r.get("note"), "county_gap_alone"), lang)
    return t(key, lang).format(d=f"{r['improvement']:g}", unit=units[code], r=int(r["verified_rank"]),
                               a=_plain(r["current"], code, catalogue, measures[code]),
                               b=_plain(r["new_value"], code, catalogue, measures[code]))


def combined_answer(r: dict, units: dict, catalogue, lang: str = "zh") -> str:
    """最省力的组合：地区生产总值提高 1.7 个百分点，…（验证后第 10 名）."""
    head = t("county_gap_combined", lang)
    if not r.get("reachable"):
        return f"{head}：{t(GAP_NOTES.get(r.get('note'), 'county_gap_combined_none'), lang)}" if lang == "zh" \
            else f"{head}: {t('county_gap_combined_none', lang)}"
    sep = "，" if lang == "zh" else ", "
    steps = sep.join(t("county_gap_step", lang).format(name=catalogue[c].name(lang), d=f"{d:g}", unit=units[c])
                     for c, d in r["changes"].items())
    verified = t("county_gap_verified", lang).format(r=int(r["verified_rank"]))
    return f"{head}：{steps}（{verified}）" if lang == "zh" else f"{head}: {steps} ({verified})"


def gap_rows(gaps: pd.DataFrame, scheme, catalogue, lang: str = "zh") -> tuple[list[dict], str]:
    """(grid rows: each indicator alone, then the cheapest combination as the last row — so the grid, its export
    and the screen say the same; the combined-path sentence) from explain.gap_to_rank."""
    units = gap_units(scheme, catalogue, lang)
    measures = {i.code: i.measure for i in scheme.indicators}
    rows, combined, last = [], "", []
    for r in gaps.to_dict("records"):
        if r["indicator"] == COMBINED:
            combined = combined_answer(r, units, catalogue, lang)
            last = [_combined_row(r, combined, lang)]
            continue
        reachable = bool(r.get("reachable")) and bool(r.get("improvement"))
        rows.append({"indicator": r["indicator"], "name": catalogue[r["indicator"]].name(lang),
                     "answer": gap_answer(r, units, measures, catalogue, lang), "reachable": reachable,
                     "verified_rank": _int(r.get("verified_rank")) if reachable else None})
    return rows + last, combined


def _combined_row(r: dict, sentence: str, lang: str) -> dict:
    """The combination as a grid row: its name, the steps (the sentence without its head), the verified rank."""
    changes = r.get("changes") if isinstance(r.get("changes"), dict) else {}
    reachable = bool(r.get("reachable")) and bool(changes)
    head = t("county_gap_combined", lang)
    if r.get("reachable") and not changes:
        answer = t("county_gap_reached", lang)
    else:
        answer = sentence.removeprefix(head).lstrip("：: ")
    return {"indicator": COMBINED, "name": head, "answer": answer, "reachable": reachable,
            "verified_rank": _int(r.get("verified_rank")) if reachable else None}


def gap_head(gaps: pd.DataFrame, k: int, lang: str = "zh") -> str:
    current = gaps["current_rank"].iloc[0] if len(gaps) else None
    return t("county_gap_head", lang).format(k=k, rank=_int(current) or "—")


def gap_grid(rows: list[dict], lang: str, grid_id: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id, rowData=rows,
        columnDefs=[
            {"field": "name", "headerName": t("county_col_indicator", lang), "flex": 1, "minWidth": 110,
             "maxWidth": 240, "wrapText": True, "autoHeight": True, "cellStyle": CENTRED},
            {"field": "answer", "headerName": t("county_col_answer", lang), "flex": 3, "minWidth": 180,
             "wrapText": True, "autoHeight": True,
             "cellStyle": {"styleConditions": [{"condition": "params.data.reachable",
                                                "style": {"color": STATUS_COLOURS["ok"], "fontWeight": 600}}]}},
            {"field": "verified_rank", "headerName": t("county_col_verified", lang), "width": 116},
        ],
        defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True},
        dashGridOptions={**grid_text(lang), "domLayout": "autoHeight", "animateRows": False},
        style={"width": "100%"}, className="ag-theme-alpine county-grid")


# ---------------------------------------------------------------- helpers for the page's glue

def section(title, *children) -> dmc.Paper:
    """A titled panel of the county and prefecture pages."""
    # minWidth 0 lets a grid cell shrink below its content, so charts fit a 390-px phone
    return dmc.Paper(withBorder=True, radius="sm", p="sm", style={"minWidth": 0}, children=dmc.Stack(gap="xs", children=[
        dmc.Title(title, order=5), *children]))


def scheme_ranks(matrix: pd.DataFrame, scheme) -> pd.DataFrame:
    """units × scheme indicators: the rank on the value the scheme scores, best first by direction."""
    return pd.DataFrame({i.code: rank(matrix[i.code].astype(float) * i.direction) for i in scheme.indicators},
                        index=matrix.index)


def unit_above(table: pd.DataFrame, code: str) -> str | None:
    """The county one place above: the lowest score that beats this county's (None for the first)."""
    own = table.loc[code, "score"]
    better = table.loc[table["score"] > own, "score"]
    return None if _missing(own) or better.empty else better.idxmin()


def with_query(search: str | None, key: str, value) -> str:
    """The URL's query string with one key set, every other key kept (period, scope, lang, …)."""
    pairs = [(k, v) for k, v in parse_qsl((search or "").lstrip("?"), keep_blank_values=True) if k != key]
    if value not in (None, ""):
        pairs.append((key, str(value)))
    return "?" + urlencode(pairs) if pairs else ""


def parse_rank(value, n: int, default: int) -> int:
    """A target rank from the URL: an integer within 1…n, else the default (clipped to n)."""
    try:
        k = int(str(value))
    except (TypeError, ValueError):
        return min(default, n)
    return min(max(k, 1), n)


def gap_panel(gaps: pd.DataFrame, k: int, n: int, scheme, cat, lang: str, *, rank_input: str, head_id: str,
              grid_id: str, label: str) -> tuple:
    """"What it takes to reach rank K" as a page shows it (county and prefecture pages): the target-rank input
    (kept in the URL by the page's callback), the head line, the cheapest combination (on paper the grid's last row
    says it) and the grid of answers, each verified by recomputation, with its export buttons."""
    from layouts import grid_export

    rows, combined = gap_rows(gaps, scheme, cat, lang)
    reached = not rows or all(r["answer"] == t("county_gap_reached", lang) for r in rows)
    return (
        dmc.Group(align="end", gap="md", children=[
            dmc.NumberInput(id=rank_input, label=label, value=k, min=1, max=n, step=1, allowDecimal=False,
                            allowNegative=False, clampBehavior="strict", debounce=600, w=150, className="no-print"),
            dmc.Text(gap_head(gaps, k, lang), fw=600, id=head_id),
        ]),
        dmc.Alert(t("county_gap_reached", lang) if reached else combined, color="green" if reached else "blue",
                  variant="light", className="no-print"),
        gap_grid(rows, lang, grid_id),
        grid_export.buttons(grid_id, lang),
    )


def target_rank_search(k, search: str | None, default: int) -> str | None:
    """The URL's search string with the target rank the person typed, or None when nothing changes — including
    the box reporting the page's default rank when it mounts (the URL then stays as it was, and the page is not
    rendered a second time)."""
    if k in (None, "") or not str(k).isdigit():
        return None
    if int(k) == default and "target_rank" not in dict(parse_qsl((search or "").lstrip("?"))):
        return None
    new = with_query(search, "target_rank", int(k))
    return new if new != (search or "") else None
