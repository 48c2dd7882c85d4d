"""关库与目标: the closing date (统计关库) of each period — admins set it, a closed period is locked and
later corrections need a reason — and the annual targets per county, edited in a grid and saved as a
new targets version through the same ingest path as an uploaded targets file."""

import datetime as dt
import io

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, State, callback, html

from layouts import access, data, ids
from layouts import upload_view as upload
from layouts.i18n import grid_text, lang_of, t
from loaders import audit, clock
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod
from loaders.cells import period as parse_period
from loaders.cells import period_label
from loaders.ingest import ingest

dash.register_page(__name__, path="/periods", name="关库与目标", order=12, nav="nav_periods", min_role="uploader")

PERIODS_SHOWN = 24
KINDS = ("growth", "level")


def closing_rows(periods: list[str], closing: dict, settings: pd.DataFrame, today: dt.date) -> list[dict]:
    """One row per period, newest first: its closing date, who set it, and whether it is locked."""
    by = {r["period"]: r for r in settings.to_dict("records")} if len(settings) else {}
    rows = []
    for p in periods:
        s = by.get(p)
        locked = clock.is_closed(p, closing, today)
        rows.append({"period": p, "label": period_label(p), "closing": f"{clock.closing_date(p, closing):%Y-%m-%d}",
                     "state": "已关库（更正须写原因）" if locked else f"未关库（还有 {clock.days_left(p, closing, today)} 天）",
                     "set_by": f"{s['set_by']}：{s['reason']}" if s else "默认（次月5日）", "locked": locked})
    return rows


def _closing_grid(lang: str = "zh"):
    store, today = data.store(), clock.today()
    periods = store.periods()[:PERIODS_SHOWN]
    nxt = clock.month_after(periods[0]) if periods else clock.month_after(clock.latest_closed_month(today))
    rows = closing_rows([nxt, *periods], store.closing_map(), store.closing_dates(), today)
    defs = [{"field": "label", "headerName": t("periods_col_period", lang), "width": 130},
            {"field": "closing", "headerName": t("periods_col_closing", lang), "width": 120},
            {"field": "state", "headerName": t("periods_col_state", lang), "width": 190,
             "cellClassRules": {"cell-warn": "params.data.locked === false"}},
            {"field": "set_by", "headerName": t("periods_col_set_by", lang), "flex": 1, "minWidth": 200}]
    return dag.AgGrid(id=ids.PERIODS_GRID, rowData=rows, columnDefs=defs, defaultColDef={"resizable": True},
                      dashGridOptions={**grid_text(lang), "domLayout": "autoHeight", "animateRows": False},
                      className="ag-theme-alpine", style={"width": "100%"})


def layout(lang=None, **_):
    lang = lang_of(lang)
    account = access.current()
    is_admin = bool(account and account.at_least("admin"))
    cat = catalogue_mod.default()
    years = sorted({int(y) for y in data.store().targets()["year"].unique()} | {clock.today().year}, reverse=True)
    return dmc.Stack(gap="md", children=[
        dmc.Title(t("periods_title", lang), order=4),
        dmc.Text(t("periods_note", lang), size="sm", c="dimmed"),
        html.Div(id="periods-grid-box", children=_closing_grid(lang)),
        dmc.Group(gap="md", align="end", className="no-print", children=[
            dmc.TextInput(id=ids.PERIODS_PERIOD, label=t("periods_col_period", lang), placeholder="2026-11", w=140),
            dmc.TextInput(id=ids.PERIODS_DATE, label=t("periods_col_closing", lang), placeholder="2026-12-05", w=150),
            dmc.TextInput(id=ids.PERIODS_REASON, label=t("periods_reason", lang), w=280),
            dmc.Button(t("periods_save", lang), id=ids.PERIODS_SAVE, disabled=not is_admin),
        ]),
        html.Div(id=ids.PERIODS_MESSAGE),
        dmc.Title(t("targets_edit_title", lang), order=4, mt="md"),
        dmc.Text(t("targets_edit_note", lang), size="sm", c="dimmed"),
        dmc.Group(gap="md", align="end", className="no-print", children=[
            dmc.Select(id="targets-year", label=t("targets_edit_year", lang), data=[str(y) for y in years],
                       value=str(years[0]), w=110),
            dmc.Select(id="targets-indicator", label=t("targets_edit_indicator", lang), searchable=True, w=260,
                       value="FAI", data=[{"value": i.code, "label": i.name(lang)} for i in cat if i.value_type != "derived"]),
            dmc.TextInput(id="targets-reason", label=t("targets_edit_reason", lang), w=260),
            dmc.Button(t("targets_edit_save", lang), id="targets-save"),
        ]),
        html.Div(id="targets-message"),
        dag.AgGrid(id="targets-grid", rowData=[], columnDefs=_target_defs(lang),
                   defaultColDef={"resizable": True}, className="ag-theme-alpine",
                   dashGridOptions={**grid_text(lang), "animateRows": False, "singleClickEdit": True, "stopEditingWhenCellsLoseFocus": True},
                   style={"width": "100%", "height": "520px"}),
    ])


@callback(Output(ids.PERIODS_MESSAGE, "children"), Output("periods-grid-box", "children"),
          Input(ids.PERIODS_SAVE, "n_clicks"), State(ids.PERIODS_PERIOD, "value"), State(ids.PERIODS_DATE, "value"),
          State(ids.PERIODS_REASON, "value"), prevent_initial_call=True)
@access.requires("admin")
def save_closing(_n, period_text, date_text, reason):
    period = parse_period((period_text or "").strip())
    if period is None:
        return dmc.Alert(f"期间“{period_text or ''}”无法识别，应为 2026-11 或 2026年1-11月", color="red"), dash.no_update
    try:
        date = dt.date.fromisoformat((date_text or "").strip())
    except ValueError:
        return dmc.Alert(f"日期“{date_text or ''}”无法识别，应为 2026-12-05", color="red"), dash.no_update
    if date <= dt.date(int(period[:4]), int(period[5:7]), 1):
        return dmc.Alert(f"关库日期 {date} 应晚于 {period_label(period)} 的月初", color="red"), dash.no_update
    if not (reason or "").strip():
        return dmc.Alert("请填写原因（记入审计日志）", color="red"), dash.no_update
    store, user = data.store(), access.current().name
    store.set_closing_date(period, date, user=user, reason=reason.strip())
    data.changed()
    audit.record(store, "closing_date", user=user, target=period, detail=f"{date} {reason.strip()}")
    return dmc.Alert(f"{period_label(period)} 的关库日期已设为 {date}", color="green"), _closing_grid()


# ---------------------------------------------------------------- targets

def _target_defs(lang: str = "zh"):
    return [{"field": "name", "headerName": t("targets_col_region", lang), "width": 140, "pinned": "left"},
            {"field": "code", "headerName": t("targets_col_code", lang), "width": 90},
            {"field": "growth", "headerName": t("targets_col_growth", lang), "width": 160, "editable": True,
             "cellClass": "cell-editable"},
            {"field": "level", "headerName": t("targets_col_level", lang), "width": 160, "editable": True,
             "cellClass": "cell-editable"}]


def target_rows(targets: pd.DataFrame, year: int, indicator: str) -> list[dict]:
    """Counties and prefectures with their current annual targets (blank where none)."""
    regions = regions_mod.default()
    tg = targets[(targets["year"] == year) & (targets["indicator"] == indicator) & (targets["period"] == f"{year}-12")]
    values = {(r.region_code, r.kind): r.value for r in tg.itertuples()}
    rows = []
    for r in sorted(regions.of_level("prefecture"), key=lambda r: r.code):
        for unit in [r, *sorted(regions.counties_of(r.code), key=lambda c: c.code)]:
            rows.append({"code": unit.code, "name": unit.name,
                         **{k: values.get((unit.code, k)) for k in KINDS}})
    return rows


def changed_targets_csv(before: list[dict], after: list[dict], year: int, indicator: str) -> bytes | None:
    """A long targets CSV of the cells that differ (None when nothing changed); blanks are not deletions."""
    old = {(r["code"], k): r.get(k) for r in before for k in KINDS}
    lines = []
    for r in after:
        for k in KINDS:
            new = r.get(k)
            if new in (None, "") or str(new) == str(old.get((r["code"], k))):
                continue
            lines.append({"region_code": r["code"], "year": year, "indicator": indicator, "kind": k, "value": new})
    if not lines:
        return None
    buf = io.StringIO()
    pd.DataFrame(lines).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


@callback(Output("targets-grid", "rowData"), Input("targets-year", "value"), Input("targets-indicator", "value"))
@access.requires("uploader")
def show_targets(year, indicator):
    if not year or not indicator:
        return []
    return _in_scope(target_rows(data.store().targets(years=[int(year)], indicators=[indicator]), int(year), indicator))


def _in_scope(rows: list[dict]) -> list[dict]:
    """A scoped uploader sees and edits the targets of its own regions only."""
    allowed = access.upload_regions(access.current())
    return rows if allowed is None else [r for r in rows if r["code"] in allowed]


@callback(Output("targets-message", "children"), Output("targets-grid", "rowData", allow_duplicate=True),
          Input("targets-save", "n_clicks"), State("targets-grid", "rowData"), State("targets-year", "value"),
          State("targets-indicator", "value"), State("targets-reason", "value"), prevent_initial_call=True)
@access.requires("uploader")
def save_targets(_n, rows, year, indicator, reason):
    """Only cells that differ from the store (read again here, not from the browser) become the new version."""
    year = int(year)
    store, user = data.store(), access.current().name
    before = _in_scope(target_rows(store.targets(years=[year], indicators=[indicator]), year, indicator))
    content = changed_targets_csv(before, rows or [], year, indicator)
    if content is None:
        return dmc.Alert("没有改动", color="yellow"), dash.no_update
    name = f"网页修改目标_{year}_{indicator}.csv"
    data.changing()
    report = ingest(content, store, name=name, user=user, note=(reason or "").strip() or "网页修改目标",
                    allowed_regions=access.upload_regions(access.current()))  # rows sent for other regions: refused
    data.changed()
    audit.record(store, "targets", user=user, outcome=audit.OK if report.ok else audit.FAILED,
                 target=report.upload_id or name, detail=f"{indicator} {year}：{report.inserted + report.revised} 个目标")
    fresh = _in_scope(target_rows(store.targets(years=[year], indicators=[indicator]), year, indicator))
    return upload.preview_card(report, 0), fresh
