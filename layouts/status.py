"""数据 page builders: completeness of the latest period for a scope, the 统计关库 countdown, recent uploads and their
warnings. Pure functions (frames in, frames or components out) so tests need no running app."""

import datetime as dt

import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd

from layouts.i18n import grid_text, label, local_time, period_label, t
from loaders import clock
from loaders.catalogue import Catalogue, Indicator
from loaders.cells import period_label as cell_period_label

OK, MISSING = "✓", "—"
NOT_REPORTED = "未报"  # the uploaded table said 没有上报报表 (loaders/cells.py NOT_REPORTED): missing, and known to be
def coverage(obs: pd.DataFrame, catalogue: Catalogue, n_counties: int) -> pd.DataFrame:
    """Per indicator: its latest period and how many counties reported it then (pure, for tests)."""
    rows = []
    counties = obs[~obs["region_code"].str.endswith("00")]
    for ind in catalogue:
        if ind.value_type == "derived":
            continue
        mine = counties[counties["indicator"] == ind.code]
        if mine.empty:
            rows.append({"指标": ind.name_zh, "单位": ind.unit, "最新期": "—", "报送县区": 0, "应报县区": n_counties})
            continue
        latest = mine["period"].max()
        n = mine.loc[mine["period"] == latest, "region_code"].nunique()
        rows.append({"指标": ind.name_zh, "单位": ind.unit, "最新期": cell_period_label(latest), "报送县区": n,
                     "应报县区": n_counties})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ completeness grid

def expected_indicators(catalogue: Catalogue, period: str) -> list[Indicator]:
    """Indicators a unit should have reported for `period` (its month is in the catalogue months; not derived)."""
    month = int(period[5:7])
    return [ind for ind in catalogue if ind.value_type != "derived" and month in ind.months]


def completeness(obs: pd.DataFrame, indicators: list[Indicator], period: str, units: dict[str, str],
                 marks: pd.DataFrame | None = None) -> pd.DataFrame:
    """units × indicators at `period`: ✓ when any current value exists, 未报 when a table said the unit did not
    report it (Store.marks), — when missing; plus a per-unit count.

    `units` maps region code → display name (in display order). Columns: code, name, one per indicator code, n_ok.
    """
    at = obs[obs["period"] == period]
    have = set(zip(at["region_code"], at["indicator"], strict=True))
    said = set() if marks is None else {
        (r.region_code, r.indicator) for r in marks.itertuples(index=False)
        if r.mark == "not_reported" and r.period == period}

    def state(code: str, ind: str) -> str:
        return OK if (code, ind) in have else NOT_REPORTED if (code, ind) in said else MISSING

    rows = []
    for code, name in units.items():
        row = {"code": code, "name": name}
        row |= {ind.code: state(code, ind.code) for ind in indicators}
        row["n_ok"] = sum(v == OK for k, v in row.items() if k not in ("code", "name"))
        rows.append(row)
    return pd.DataFrame(rows, columns=["code", "name", *[i.code for i in indicators], "n_ok"])


def indicator_counts(table: pd.DataFrame, indicators: list[Indicator]) -> dict[str, int]:
    """How many units reported each indicator."""
    return {ind.code: int((table[ind.code] == OK).sum()) for ind in indicators}


def completeness_grid(table: pd.DataFrame, indicators: list[Indicator], lang: str, grid_id: str) -> dag.AgGrid:
    """The grid: missing cells highlighted, a per-unit count column and a pinned bottom row of per-indicator counts."""
    n_units, n_ind = len(table), len(indicators)
    cols = [{"field": "name", "headerName": t("data_unit", lang), "pinned": "left", "width": 96}]
    cols += [{"field": ind.code, "headerName": ind.name(lang), "headerTooltip": ind.name(lang),
              "width": 116 if lang == "en" else 92,
              "cellClass": "cell-mark"} for ind in indicators]
    cols.append({"field": "n_ok", "headerName": t("data_reported", lang), "width": 110, "pinned": "right",
                 "valueFormatter": {"function": f"params.value + ' / {n_ind}'"},
                 "cellClassRules": {"cell-missing": f"params.node.rowPinned !== 'bottom' && params.value < {n_ind}"}})
    counts = indicator_counts(table, indicators)
    bottom = {"name": t("data_reported", lang), **{k: f"{v}/{n_units}" for k, v in counts.items()},
              "n_ok": int(table["n_ok"].sum()) if n_units else 0}
    for c in cols[1:-1]:  # a missing mark, or a bottom count short of all units
        c["cellClassRules"] = {"cell-missing": f"params.value === '{MISSING}' || params.value === '{NOT_REPORTED}'"
                                               f" || (params.node.rowPinned === 'bottom'"
                                               f" && params.value !== '{n_units}/{n_units}')"}
    cols[-1]["valueFormatter"] = {"function": f"params.node.rowPinned === 'bottom' ? params.value + ' / "
                                              f"{n_units * n_ind}' : params.value + ' / {n_ind}'"}
    return dag.AgGrid(
        id=grid_id, rowData=table.to_dict("records"), columnDefs=cols,
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True},
        dashGridOptions={**grid_text(lang), "domLayout": "autoHeight", "pinnedBottomRowData": [bottom], "animateRows": False,
                         "tooltipShowDelay": 300, "headerHeight": 86},
        className="ag-theme-alpine completeness-grid", style={"width": "100%"},
    )


# ------------------------------------------------------------------ 统计关库

def closing_status(latest: str, closing: dict[str, dt.date], today: dt.date) -> list[dict]:
    """The latest data period and, once it is closed, the next period still open: period, date, days left, closed."""
    out, period = [], latest
    for _ in range(3):
        closed = clock.is_closed(period, closing, today)
        out.append({"period": period, "date": clock.closing_date(period, closing),
                    "days_left": clock.days_left(period, closing, today), "closed": closed})
        if not closed:
            break
        period = clock.month_after(period)
    return out[:1] + out[-1:] if len(out) > 1 else out


def countdown(statuses: list[dict], lang: str) -> dmc.SimpleGrid:
    """One card per period: closing date and days left (red within 3 days), or 已关库."""
    cards = []
    for s in statuses:
        if s["closed"]:
            big, color = t("data_closed", lang), "gray"
        else:
            big = t("data_days_left", lang).format(n=s["days_left"])
            color = "red" if s["days_left"] <= 3 else "blue"
        cards.append(dmc.Paper(withBorder=True, p="sm", radius="md", children=[
            dmc.Text(f"{period_label(s['period'], lang)} · {t('data_closing', lang)}", size="sm", c="dimmed"),
            dmc.Text(big, fw=700, size="xl", c=color, className="closing-countdown"),
            dmc.Text(f"{t('data_closing_date', lang)}：{s['date']:%Y-%m-%d}", size="xs", c="dimmed"),
        ]))
    return dmc.SimpleGrid(cols={"base": 1, "sm": 2}, spacing="sm", children=cards)


# ------------------------------------------------------------------ uploads and warnings

def format_label(fmt: str | None, lang: str) -> str:
    """A stored upload format in the page's language; a workbook of several sheet kinds joins them with "+"."""
    return " + ".join(label("format", f, lang) for f in (fmt or "").split("+") if f) or "—"


def upload_rows(uploads: pd.DataFrame, lang: str) -> list[dict]:
    """The latest uploads as grid rows (newest first)."""
    rows = []
    for u in uploads.itertuples():
        rows.append({
            "id": int(u.id), "time": local_time(pd.Timestamp(u.created_at)), "user": u.user_name,
            "file": u.file_name, "format": format_label(u.format, lang), "inserted": int(u.inserted), "revised": int(u.revised),
            "unchanged": int(u.unchanged),
            "status": t("data_committed" if u.status == "committed" else "data_rolled_back", lang),
            "simulated": t("data_simulated", lang) if u.simulated else "", "warnings": int(u.warnings),
            "note": u.note,
        })
    return rows


def uploads_grid(uploads: pd.DataFrame, lang: str, grid_id: str) -> dag.AgGrid:
    cols = [("id", 60), ("time", 150), ("user", 80), ("file", 220), ("format", 120), ("inserted", 90),
            ("revised", 90), ("unchanged", 100), ("status", 90), ("simulated", 110), ("warnings", 100), ("note", 200)]
    defs = [{"field": f, "headerName": t(f"data_col_{f}", lang), "width": w} for f, w in cols]
    for d in defs:
        if d["field"] == "status":
            d["cellClassRules"] = {"cell-missing": "params.data.status_key === 'rolled_back'"}
        if d["field"] == "warnings":
            d["cellClassRules"] = {"cell-warn": "params.value > 0"}
    rows = [r | {"status_key": s} for r, s in zip(upload_rows(uploads, lang), uploads["status"], strict=True)]
    return dag.AgGrid(id=grid_id, rowData=rows, columnDefs=defs,
                      defaultColDef={"resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
                      dashGridOptions={**grid_text(lang), "domLayout": "autoHeight", "animateRows": False},
                      className="ag-theme-alpine", style={"width": "100%"})


def latest_with_warnings(uploads: pd.DataFrame) -> int | None:
    """Id of the newest upload among `uploads` that recorded any warning."""
    warned = uploads[uploads["warnings"] > 0]
    return int(warned["id"].iloc[0]) if len(warned) else None


def problems_grid(problems: pd.DataFrame, lang: str, grid_id: str) -> dag.AgGrid:
    """One row per warning: source row, column, value, reason, how to fix."""
    fields = [("row_no", "data_col_row", 70), ("column_name", "data_col_column", 100), ("value", "data_col_value", 90),
              ("reason", "data_col_reason", 380), ("fix", "data_col_fix", 380)]
    rows = [{f: (None if pd.isna(r[f]) else r[f]) for f, _, _ in fields} for r in problems.to_dict("records")]
    defs = [{"field": f, "headerName": t(k, lang), "width": w, "tooltipField": f} for f, k, w in fields]
    for d in defs[3:]:  # reasons and fixes are sentences: wrap them rather than cut them
        d.update(wrapText=True, autoHeight=True, cellStyle={"lineHeight": "1.5", "paddingTop": "4px",
                                                            "paddingBottom": "4px"})
    return dag.AgGrid(id=grid_id, rowData=rows, columnDefs=defs, defaultColDef={"resizable": True},
                      dashGridOptions={**grid_text(lang), "domLayout": "autoHeight", "animateRows": False},
                      className="ag-theme-alpine", style={"width": "100%"})
