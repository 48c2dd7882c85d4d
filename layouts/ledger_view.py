"""Pure builders of the 台账 pages (layouts/pages/ledger.py): the city totals against plan and 序时进度, the per-county
grid, the item grids with each item's upload, the trend figure and the unit ranking. Frames in (indicators/ledgers.py,
indicators/unit_ranking.py), components out; the maths is in indicators/ledgers.py."""

import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd
import plotly.graph_objects as go

from indicators import ledgers
from indicators import unit_ranking as ur
from layouts.county_view import CENTRED, fmt_level
from layouts.figures import STATUS_COLOURS, TEMPLATE
from layouts.i18n import grid_text, ledger_column, t
from loaders import units as units_mod

NUM1 = {"function": "params.value == null ? '—' : d3.format(',.1f')(params.value)"}
NUM0 = {"function": "params.value == null ? '—' : d3.format(',.0f')(params.value)"}
GAP = {"function": "params.value == null ? '—' : d3.format('+.1f')(params.value)"}
RIGHT = {"type": "rightAligned"}
GRID_OPTIONS = {"domLayout": "autoHeight", "animateRows": False}
MAX_NAMED = 60  # units named in a 未破零 / 未上报 list before "等N个"


# ---------------------------------------------------------------- numbers as the page says them

def amount(x, lang: str = "zh") -> str:
    """万元 (亿元 from 10,000万元), as the county page writes levels."""
    return fmt_level(x, "万元", lang)


def count(x, unit: str = "件", lang: str = "zh") -> str:
    """A whole number with its measure word: 3件, 12个 (never 3.0); 1 item, 2 items."""
    if x is None or pd.isna(x):
        return "—"
    n = int(round(float(x)))
    word = t(f"ledger_unit_{unit}", lang)
    return f"{n:,}{word[:-1] if lang == 'en' and n == 1 else word}"


def as_of(day, lang: str = "zh") -> str:
    """截至2026-10-31 / As of 2026-10-31."""
    return f"{t('ledger_as_of', lang)}{day}" if lang == "zh" else f"{t('ledger_as_of', lang)} {day}"


def pct(x) -> str:
    return "—" if x is None or pd.isna(x) else f"{float(x):.1f}%"


def plan_line(p: dict, unit: str, tp: ledgers.TimeProgress, lang: str = "zh") -> str:
    """完成年度目标45.2%（目标1.20亿元），序时进度83.3%，慢于序时进度38.1个百分点（时间进度按日计算）."""
    if pd.isna(p.get("target", float("nan"))):
        return t("ledger_no_target", lang)
    target = amount(p["target"], lang) if unit == "万元" else count(p["target"], unit, lang)
    gap = p["gap"]
    side = t("ledger_level" if gap == 0 else "ledger_ahead" if gap > 0 else "ledger_behind", lang)
    text = t("ledger_plan_line", lang).format(completion=pct(p["completion"]), target=target,
                                              schedule=pct(p["schedule"]), side=side, gap=f"{abs(gap):.1f}")
    notes = []
    if p.get("basis") == "counties":
        notes.append(t("ledger_basis_counties", lang))
    if p.get("basis") == "ledger":
        notes.append(t("ledger_basis_ledger", lang))
    if tp.by_day:
        notes.append(t("ledger_by_day", lang))
    if notes:
        text += ("（" + "；".join(notes) + "）") if lang == "zh" else " (" + "; ".join(notes) + ")"
    return text


# ---------------------------------------------------------------- city totals

def total_lines(kind, totals: pd.Series, lang: str = "zh") -> list[tuple[str, str]]:
    """(label, value) of the city's totals for a kind (its declaration gives the stages and states)."""
    code = kind.code

    def a(col):
        return t(f"ledger_f_{col}", lang), amount(totals.get(col), lang)

    def c(col, unit="件"):
        return t(f"ledger_f_{col}", lang), count(totals.get(col), unit, lang)

    def r(col):
        return t(f"ledger_f_{col}", lang), pct(totals.get(col))
    if code == "arrears":
        return [a("owed_undisputed"), a("repaid_undisputed"), r("rate_undisputed"),
                (t("ledger_f_owed_disputed", lang),
                 f"{amount(totals.get('owed_disputed'), lang)} · {count(totals.get('disputed_items'), '件', lang)}"),
                c("small_open"), c("overdue_items"), a("overdue_outstanding")]
    if code == "complaints":
        return [c("received"), c("handled"), r("rate"), c("open"), c("overdue_open"), c("handled_late")]
    if code == "investment":
        stages = " · ".join(f"{s} {count(totals.get(f'stage_{s}'), '个', lang)}" for s in kind["stage"].choices)
        return [c("items", "个"), (t("ledger_f_stages", lang), stages), a("contract"), a("in_place"),
                a("in_place_outside"), c("stalled", "个")]
    if code == "key_projects":
        return [c("items", "个"), c("started", "个"), r("start_rate"), a("planned"), a("completed"),
                c("start_overdue", "个")]
    if code == "sishang":
        states = " · ".join(f"{s} {count(totals.get(f'state_{s}'), '家', lang)}" for s in kind["state"].choices)
        return [c("items", "家"), (t("ledger_f_states", lang), states),
                (t("ledger_f_entered", lang), count(totals.get(ledgers.ENTERED), "家", lang)), c("late", "家")]
    return []


def totals_block(lines: list[tuple[str, str]], plan: str | None, extra: list[str], block_id: str) -> dmc.Stack:
    cells = [dmc.Paper(withBorder=True, p="xs", radius="sm", children=[
        dmc.Text(label, size="xs", c="dimmed"), dmc.Text(value, fw=600, size="lg")]) for label, value in lines]
    return dmc.Stack(gap="xs", id=block_id, children=[
        dmc.SimpleGrid(cols={"base": 2, "sm": 3, "lg": 4}, spacing="xs", className="print-cols-3", children=cells),
        *([dmc.Text(plan, fw=600)] if plan else []),
        *[dmc.Text(x, size="sm") for x in extra],
    ])


# ---------------------------------------------------------------- per county

def value_unit(kind_code: str) -> str:
    return {"sishang": "家", "complaints": "件"}.get(kind_code, "万元")


def county_rows(table: pd.DataFrame, names: dict, links: dict[str, str], lang: str = "zh") -> list[dict]:
    """One row per county (ledgers.county_table): name (a drill-down link where the account may open the
    county), counts as whole numbers, rates and completion to one decimal, the gap as shown."""
    out = []
    for r in table.itertuples(index=False):
        name = names.get(r.region_code, r.region_code)
        label = f"[{name}]({links[r.region_code]})" if r.region_code in links else name
        out.append({
            "region_code": r.region_code, "county": label,
            "items": int(r.items) if r.reported else None,
            "value": None if pd.isna(r.value) else round(float(r.value), 1),
            "target": None if pd.isna(r.target) else round(float(r.target), 1),
            "completion": None if pd.isna(r.completion) else round(float(r.completion), 1),
            "gap": None if pd.isna(r.gap) else round(float(r.gap), 1),
            "rate": None if pd.isna(r.rate) else round(float(r.rate), 1),
            "rank": None if pd.isna(r.rank) else int(r.rank),
            "overdue": None if pd.isna(r.overdue) else int(r.overdue),
            "note": "" if r.reported else t("ledger_not_reported_county", lang)})
    return out


def county_columns(kind_code: str, n: int, lang: str = "zh") -> list[dict]:
    """County, then what a phone must show first (the rate, completion and gap, rank, overdue), then the amounts."""
    plan = ledgers.PLANS[kind_code]
    unit = value_unit(kind_code)
    unit_text = unit if lang == "zh" else ("10k yuan" if unit == "万元" else t(f"ledger_unit_{unit}", lang).strip())
    fmt = NUM0 if unit != "万元" else NUM1
    cols = [{"field": "county", "headerName": t("ledger_col_county", lang), "cellRenderer": "markdown",
             "minWidth": 80, "width": 86, "cellStyle": CENTRED, "pinned": "left"}]
    if plan.rate:
        cols.append({"field": "rate", "headerName": f"{t(f'ledger_f_{plan.rate}', lang)}（%）" if lang == "zh"
                     else f"{t(f'ledger_f_{plan.rate}', lang)} (%)", "width": 110, "valueFormatter": NUM1, **RIGHT})
    if plan.value:
        cols += [{"field": "completion", "headerName": t("ledger_col_completion", lang), "width": 112,
                  "valueFormatter": NUM1, **RIGHT},
                 {"field": "gap", "headerName": t("ledger_col_gap", lang), "width": 110, "valueFormatter": GAP, **RIGHT,
                  "cellStyle": {"styleConditions": [
                      {"condition": "params.value < 0", "style": {"color": STATUS_COLOURS["far"]}}]}}]
    cols += [{"field": "rank", "headerName": f"{t('ledger_col_rank', lang)}/{n}", "width": 90, **RIGHT},
             {"field": "overdue", "headerName": t("ledger_col_overdue", lang), "width": 90, "valueFormatter": NUM0,
              **RIGHT}]
    if plan.value:
        value_name = t(f"ledger_f_{plan.value if plan.value != ledgers.ENTERED else 'entered'}", lang)
        cols += [{"field": "value", "headerName": f"{value_name}（{unit_text}）" if lang == "zh"
                  else f"{value_name} ({unit_text})", "width": 130, "valueFormatter": fmt, **RIGHT},
                 {"field": "target", "headerName": t("ledger_col_target", lang), "width": 110, "valueFormatter": fmt,
                  **RIGHT}]
    cols += [{"field": "items", "headerName": t("ledger_col_items", lang), "width": 86, "valueFormatter": NUM0,
              **RIGHT},
             {"field": "note", "headerName": "", "width": 100}]
    return cols


def grid(grid_id: str, rows: list[dict], columns: list[dict], lang: str, **options) -> dag.AgGrid:
    return dag.AgGrid(id=grid_id, rowData=rows, columnDefs=columns,
                      defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True,
                                     "wrapHeaderText": True, "autoHeaderHeight": True},
                      dashGridOptions={**grid_text(lang), **GRID_OPTIONS, **options}, style={"width": "100%"},
                      className="ag-theme-alpine county-grid ledger-grid")


# ---------------------------------------------------------------- items

def _cell(value, column):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if column.type == "bool":
        return (column.yes[0] if column.yes else "是") if bool(value) else (column.no[0] if column.no else "否")
    if column.type == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    if column.type == "month":
        return str(value)[:7]
    if column.type == "number":
        return round(float(value), 2)
    return str(value)


def item_rows(kind, items: pd.DataFrame, reasons: pd.Series, names: dict, uploads: dict, lang: str = "zh") -> list[dict]:
    """One row per item: county, the declared columns, why it is overdue (if it is) and its source (upload #,
    file, row: traceable)."""
    out = []
    for i, r in items.iterrows():
        row = {"county": names.get(str(r["region_code"]), r["region_code"]), "item_id": r["item_id"]}
        for c in kind.field_columns:
            row[c.code] = _cell(r.get(c.code), c)
        why = reasons.get(i)
        row["reason"] = t(f"ledger_reason_{why}", lang) if why else ""
        up = int(r["upload_id"])
        row["_upload"] = f"#{up} {uploads.get(up, '')} 第{int(r['src_row'])}行" if lang == "zh" else \
            f"#{up} {uploads.get(up, '')} row {int(r['src_row'])}"
        out.append(row)
    return out


def item_columns(kind, lang: str = "zh", with_reason: bool = True) -> list[dict]:
    cols = [{"field": "item_id", "headerName": ledger_column(kind["item_id"], lang), "width": 96, "pinned": "left"},
            {"field": "county", "headerName": t("ledger_col_county", lang), "width": 80}]
    if with_reason:
        cols.append({"field": "reason", "headerName": t("ledger_col_reason", lang), "width": 120,
                     "cellStyle": {"color": STATUS_COLOURS["far"]}})
    for c in kind.field_columns:
        d = {"field": c.code, "headerName": ledger_column(c, lang), "width": 120 if c.type != "text" else 170}
        if c.type == "number":
            d |= {"valueFormatter": NUM1, **RIGHT}
        cols.append(d)
    cols.append({"field": "_upload", "headerName": t("ledger_col_source", lang), "width": 220})
    return cols


# ---------------------------------------------------------------- trend

def trend_figure(series: pd.DataFrame, kind_code: str, city: str, county: str | None, lang: str = "zh") -> go.Figure:
    """The city's (and the chosen county's) headline figure over the snapshot dates."""
    plan = ledgers.PLANS[kind_code]
    col = plan.rate or plan.value
    label = t(f"ledger_f_{col if col != ledgers.ENTERED else 'entered'}", lang)
    unit = "%" if plan.rate else value_unit(kind_code)
    fig = go.Figure()
    x = [f"{pd.Timestamp(d):%Y-%m-%d}" for d in series["as_of"]]
    fig.add_trace(go.Scatter(x=x, y=series["city"].astype(float), mode="lines+markers", name=city,
                             hovertemplate="%{x}<br>%{y:,.1f}<extra>" + city + "</extra>"))
    if county:
        fig.add_trace(go.Scatter(x=x, y=series["county"].astype(float), mode="lines+markers", name=county,
                                 hovertemplate="%{x}<br>%{y:,.1f}<extra>" + county + "</extra>"))
    unit_text = unit if lang == "zh" or unit == "%" else ("10k yuan" if unit == "万元" else "")
    fig.update_layout(template=TEMPLATE, height=300, margin={"l": 10, "r": 10, "t": 30, "b": 30},
                      legend={"orientation": "h", "y": -0.2}, xaxis={"type": "category"},
                      yaxis={"title": f"{label}（{unit_text}）" if lang == "zh" else f"{label} ({unit_text})",
                             "automargin": True})
    return fig


# ---------------------------------------------------------------- units below the county

def unit_kind_label(code: str, lang: str = "zh") -> str:
    names = {"township": "Townships", "county_dept": "County departments", "city_dept": "City departments",
             "investment_team": "Investment teams"}
    return names.get(code, code) if lang == "en" else units_mod.kind_name(code)


def unit_rows(table: pd.DataFrame, names: dict, lang: str = "zh") -> list[dict]:
    """The ranked units (ranked and 未破零): task, result, completion (%), rank, changes since the last period."""
    out = []
    ranked = table[table["state"].isin([ur.RANKED, ur.ZERO])]
    for r in ranked.itertuples(index=False):
        def num(x, d=1):
            return None if x is None or pd.isna(x) else round(float(x), d)
        out.append({"name": r.name, "unit_kind": unit_kind_label(r.unit_kind, lang),
                    "parent": names.get(r.region_code, r.region_code), "task": num(r.task), "result": num(r.result),
                    "completion": num(None if pd.isna(r.completion) else r.completion * 100),
                    "rank": None if pd.isna(r.rank) else int(r.rank),
                    "result_change": num(getattr(r, "result_change", None)),
                    "rank_change": None if pd.isna(getattr(r, "rank_change", None)) else int(r.rank_change),
                    "state": t("ledger_zero", lang) if r.state == ur.ZERO else ""})
    return out


def unit_columns(lang: str = "zh") -> list[dict]:
    """Unit, then completion, rank, state and changes (a phone shows those first), then task, result, kind."""
    return [{"field": "name", "headerName": t("ledger_col_unit", lang), "width": 96, "pinned": "left"},
            {"field": "completion", "headerName": t("ledger_col_completion", lang), "width": 112,
             "valueFormatter": NUM1, **RIGHT},
            {"field": "rank", "headerName": t("ledger_col_rank", lang).replace("市内", ""), "width": 72, **RIGHT},
            {"field": "state", "headerName": t("ledger_col_state", lang), "width": 80,
             "cellStyle": {"color": STATUS_COLOURS["far"]}},
            {"field": "result_change", "headerName": t("ledger_col_result_change", lang), "width": 96,
             "valueFormatter": GAP, **RIGHT},
            {"field": "rank_change", "headerName": t("ledger_col_rank_change", lang), "width": 90, **RIGHT},
            {"field": "task", "headerName": t("ledger_col_task", lang), "width": 96, "valueFormatter": NUM1, **RIGHT},
            {"field": "result", "headerName": t("ledger_col_result", lang), "width": 96, "valueFormatter": NUM1,
             **RIGHT},
            {"field": "unit_kind", "headerName": t("ledger_col_unit_kind", lang), "width": 100},
            {"field": "parent", "headerName": t("ledger_col_parent", lang), "width": 90}]


def named(table: pd.DataFrame, state: str, names: dict) -> list[str]:
    """The units in a state, each with its parent: 城关镇（成县）."""
    rows = table[table["state"] == state]
    return [f"{r.name}（{names.get(r.region_code, r.region_code)}）" for r in rows.itertuples(index=False)]


def name_list(title: str, units: list[str], list_id: str, lang: str, colour: str) -> dmc.Stack:
    shown = "、".join(units[:MAX_NAMED]) + (f"等{len(units)}个" if len(units) > MAX_NAMED else "")
    return dmc.Stack(gap=0, id=list_id, children=[
        dmc.Text(f"{title}（{len(units)}）" if lang == "zh" else f"{title} ({len(units)})", fw=600, size="sm", c=colour),
        dmc.Text(shown or t("ledger_none_named", lang), size="sm")])
