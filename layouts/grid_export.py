"""Export any grid as displayed (its filter and sort, its headers, its number formats) to .xlsx and to CSV.

A page puts `buttons(GRID)` under a grid and calls `register(GRID, name)` once at import (name: the page's part
of the file name, 县区指标; `subject` says the rest, see layouts/export_names.py). The rows are the grid's own
`virtualRowData` (what the person sees, after filtering and sorting); number formats come from the columns' d3
value formatters, so they are declared once, for the screen, and reused for Excel.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, State, ctx, dcc

from indicators import pipeline
from layouts import access, data, export_names, ids
from layouts.export import Column, to_csv, to_xlsx
from layouts.i18n import lang_of, t
from layouts.shell import state_from_search
from loaders import audit
from loaders import regions as regions_mod

D3_TO_EXCEL = {".0f": "0", ".1f": "0.0", ".2f": "0.00", "+.1f": "+0.0;-0.0;0.0", "+.2f": "+0.00;-0.00;0.00",
               ",.0f": "#,##0", ",.1f": "#,##0.0", ",.2f": "#,##0.00", ".1%": "0.0%", ".0%": "0%"}
PICTURES = ("RankInterval", "Sparkline")  # cell renderers that draw rather than print a value
LINK = re.compile(r"^\[(.*)\]\([^)]*\)$")  # markdown links in cells ([武都区](/county/621202)) export as text


def _flat(defs: list[dict]) -> list[dict]:
    out = []
    for d in defs or []:
        out += _flat(d["children"]) if "children" in d else [d]
    return out


def columns_of(defs: list[dict]) -> list[Column]:
    """Exportable columns: those with a field and no picture renderer (sparklines and interval bars are skipped)."""
    cols = []
    for d in _flat(defs):
        if not d.get("field") or d.get("cellRenderer") in PICTURES or d.get("hide"):
            continue
        fmt = "General"
        formatter = (d.get("valueFormatter") or {}).get("function", "")
        m = re.search(r"d3\.format\('([^']+)'\)", formatter)
        if m:
            fmt = D3_TO_EXCEL.get(m.group(1), "General")
        header = d.get("headerName") or d["field"]
        cols.append(Column(d["field"], header, "", fmt, max(8, min(40, int(d.get("width") or 120) // 8))))
    return cols


def _cell(v):
    if isinstance(v, str):
        m = LINK.match(v)
        return m.group(1) if m else v
    if isinstance(v, (list, dict)):
        return ""
    return v


def frame_of(rows: list[dict], columns: list[Column]) -> pd.DataFrame:
    return pd.DataFrame([{c.field: _cell(r.get(c.field)) for c in columns} for r in rows or []],
                        columns=[c.field for c in columns])


def buttons(grid_id: str, lang: str) -> dmc.Group:
    return dmc.Group(gap="xs", className="no-print", children=[
        dmc.Button(t("export_xlsx", lang), id=f"{grid_id}-xlsx", size="xs", variant="light"),
        dmc.Button(t("export_csv", lang), id=f"{grid_id}-csv", size="xs", variant="light"),
        dcc.Download(id=f"{grid_id}-download"),
    ])


@dataclass(frozen=True)
class Subject:
    """What a grid's rows are about, beyond the page: 礼县, 固定资产投资, 陇南市各县区; the period they are at; a
    detail (前10名). `zh` goes into the file name, `text` (the page's language) into the title row."""
    zh: str = ""
    text: str = ""
    period: str | None = None
    detail_zh: str = ""
    detail: str = ""


def url_period(search: str | None) -> tuple[str | None, str | None]:
    """(quarter, month) of the URL's period, re-resolved against released periods (data.resolve)."""
    return data.resolve(state_from_search(search)["period"])


def default_subject(pathname: str | None, search: str | None, lang: str) -> Subject:
    """The period of the URL (the month, else the quarter), as the page shows it."""
    quarter, month = url_period(search)
    return Subject(period=month or quarter)


def unit_of(pathname: str | None) -> str:
    """The name of the county or prefecture whose code ends the path (/county/621226 → 礼县)."""
    code = (pathname or "").rstrip("/").rsplit("/", 1)[-1]
    regions = regions_mod.default()
    return regions[code].name if code in regions else code


def unit_month_subject(pathname: str | None, search: str | None, lang: str) -> Subject:
    """县区指标_礼县_2026年1-10月: the unit of the page and the month its grid is read at."""
    quarter, month = url_period(search)
    name = unit_of(pathname)
    return Subject(zh=name, text=name, period=month or (pipeline.quarter_period(quarter) if quarter else None))


def unit_quarter_subject(pathname: str | None, search: str | None, lang: str) -> Subject:
    """市州下辖县区_陇南市_2026年三季度: the unit of the page and the quarter."""
    quarter, _ = url_period(search)
    name = unit_of(pathname)
    return Subject(zh=name, text=name, period=quarter)


def gaps_subject(scope: str, default_rank: int):
    """进位所需_礼县_前10名_2026年三季度: the unit, the URL's target rank within `scope`, and the quarter."""
    def subject(pathname: str | None, search: str | None, lang: str) -> Subject:
        from layouts.county_view import parse_rank

        quarter, _ = url_period(search)
        k = parse_rank(dict(parse_qsl((search or "").lstrip("?"))).get("target_rank"), len(pipeline.units(scope)),
                       default_rank)
        name = unit_of(pathname)
        return Subject(zh=name, text=name, period=quarter, detail_zh=f"前{k}名",
                       detail=t("county_export_top", lang).format(k=k))
    return subject


def scope_subject(pathname: str | None, search: str | None, lang: str) -> Subject:
    """The URL's comparison set (全省县区 / 14个市州 / 陇南市各县区) and period."""
    scope = state_from_search(search)["scope"]
    return Subject(zh=export_names.scope_subject(scope), text=export_names.scope_subject(scope, lang),
                   period=default_subject(pathname, search, lang).period)


def scope_only(pathname: str | None, search: str | None, lang: str) -> Subject:
    """The URL's comparison set, for a grid that spans every period (报送完整性)."""
    return Subject(zh=(s := scope_subject(pathname, search, lang)).zh, text=s.text)


def no_subject(pathname: str | None, search: str | None, lang: str) -> Subject:
    """A grid about neither a period nor a scope (上报记录)."""
    return Subject()


def register(grid_id: str, name: str, role: str = "viewer", subject=None) -> None:
    """One export callback for one grid (call at page import). `subject(pathname, search, lang) -> Subject`
    names what the rows are about (default: just the period)."""
    describe = subject or default_subject

    def export(_xlsx, _csv, rows, defs, search, pathname):
        st = state_from_search(search)
        lang = lang_of(st["lang"])
        cols = columns_of(defs)
        frame = frame_of(rows, cols)
        about = describe(pathname, search, lang)
        state, simulated = data.state(), data.uploads_summary()["simulated"]
        csv = ctx.triggered_id == f"{grid_id}-csv"
        fname = export_names.file_name(name, "csv" if csv else "xlsx", subject=about.zh, period=about.period,
                                       detail=about.detail_zh, state=state, simulated=simulated)
        audit.record(data.store(), "export", user=access.current().name, target=fname.rsplit(".", 1)[0],
                     detail=f"{'csv' if csv else 'xlsx'} {len(frame)} 行")
        if csv:
            return dcc.send_bytes(to_csv(frame, cols), fname)
        title = export_names.title(name, lang, subject=about.text or about.zh, period=about.period,
                                   detail=about.detail or about.detail_zh, state=state, simulated=simulated)
        return dcc.send_bytes(to_xlsx(frame, cols, title=title), fname)
    export.__name__ = f"export_{grid_id.replace('-', '_')}"
    dash.callback(Output(f"{grid_id}-download", "data"), Input(f"{grid_id}-xlsx", "n_clicks"),
                  Input(f"{grid_id}-csv", "n_clicks"), State(grid_id, "virtualRowData"), State(grid_id, "columnDefs"),
                  State(ids.LOCATION, "search"), State(ids.LOCATION, "pathname"),
                  prevent_initial_call=True)(access.requires(role)(export))
