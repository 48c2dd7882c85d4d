"""数据上报 and 上报记录 builders for ledger (台账) and units uploads: the preview card of a ledger (its kind, 截至日期 and
where it came from, counties and items, the county values it fills beside the statistics uploaded for them, what
changed against the previous snapshot, every problem) and of a units / tasks / reports file, and what such an
upload held in the upload history. Pure functions from reports and frames to components."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd

from layouts import upload_view
from layouts.i18n import grid_text, label, period_label, t
from layouts.status import problems_grid
from loaders import catalogue as catalogue_mod
from loaders import county_types, ledger_rollup, unit_measures
from loaders import ledger_kinds as kinds_mod
from loaders import regions as regions_mod
from loaders import units as units_mod
from loaders.cells import show
from loaders.ingest import IngestReport
from loaders.ledger_ingest import LedgerReport
from loaders.store import OBS_KEY
from loaders.units import UnitsReport

ROWS_SHOWN = 200  # rows of a units file, changes of a ledger, shown in the preview (a grid page of 20)
COLOURS = {"dry_run": "green", "rejected": "red", "duplicate": "gray", "committed": "green"}


def card(report: IngestReport, index: int, lang: str = "zh") -> dmc.Paper:
    """The preview (or result) card of any upload: a ledger's, a units file's, or the statistics card."""
    if isinstance(report, LedgerReport):
        return ledger_card(report, index, lang)
    if isinstance(report, UnitsReport):
        return units_card(report, index, lang)
    return upload_view.preview_card(report, index)


def what_label(report: IngestReport, lang: str = "zh") -> str:
    """What an upload is, in words: 清欠台账, 下辖单位名单, or the statistics format."""
    if isinstance(report, LedgerReport) and report.ledger_name:
        kinds = kinds_mod.default()
        return kinds[report.ledger].name(lang) if report.ledger in kinds else report.ledger_name
    return label("format", report.format, lang) if report.format else "—"


def region_name(code: str, regions: regions_mod.Regions | None = None) -> str:
    """A county's (or a city's) full name, as the ledgers and their messages write it: 武都区, 礼县."""
    regions = regions or regions_mod.default()
    return regions[code].name if code in regions else code


def _regions_text(codes, lang: str) -> str:
    names = [region_name(c) for c in codes]
    if not names:
        return "—"
    return "、".join(names) if len(names) <= 10 else "、".join(names[:8]) + f" … ({len(names)})"


def _head(report: IngestReport, lang: str) -> dmc.Group:
    status = report.status
    text = t(f"lu_status_{status}", lang).format(id=report.upload_id) if status in COLOURS else status
    return dmc.Group(gap="sm", children=[
        dmc.Text(report.file, fw=700), dmc.Badge(text, color=COLOURS.get(status, "gray"), variant="light"),
        dmc.Badge(what_label(report, lang), color="blue", variant="outline"),
        *([dmc.Badge(t("simulated", lang), color="orange")] if report.simulated else [])])


def _problems(report: IngestReport, index: int, lang: str) -> list:
    out = []
    if report.errors:
        out += [dmc.Text(t("lu_errors", lang).format(n=len(report.errors)), c="red", size="sm", fw=600),
                problems_grid(upload_view.problem_frame(report.errors), lang, f"upload-errors-{index}")]
    if report.warnings:
        out += [dmc.Text(t("lu_warnings", lang).format(n=len(report.warnings)), c="orange", size="sm", fw=600),
                problems_grid(upload_view.problem_frame(report.warnings), lang, f"upload-warnings-{index}")]
    return out


def _grid(grid_id: str, rows: list[dict], defs: list[tuple[str, str, int]], lang: str) -> dag.AgGrid:
    columns = [{"field": f, "headerName": t(k, lang), "width": w, "tooltipField": f} for f, k, w in defs]
    return dag.AgGrid(id=grid_id, rowData=rows, columnDefs=columns, defaultColDef={"resizable": True},
                      dashGridOptions={**grid_text(lang), "domLayout": "autoHeight", "animateRows": False,
                                       "pagination": len(rows) > 20, "paginationPageSize": 20},
                      className="ag-theme-alpine", style={"width": "100%"})


def _paper(children: list) -> dmc.Paper:
    return dmc.Paper(withBorder=True, p="sm", radius="sm", className="upload-card",
                     children=dmc.Stack(gap=6, children=children))


# ---------------------------------------------------------------- a ledger


def county_counts(items: pd.DataFrame | None) -> list[tuple[str, int]]:
    """(county code, items) of a ledger file, in code order."""
    if items is None or items.empty or "region_code" not in items:
        return []
    return [(c, int(n)) for c, n in items.groupby("region_code").size().sort_index().items()]


def counties_line(counts: list[tuple[str, int]], lang: str) -> str:
    each = "、".join(t("lu_county_items", lang).format(county=region_name(c), n=n) for c, n in counts)
    return t("lu_counties", lang).format(n=len(counts), items=sum(n for _, n in counts), each=each)


def as_of_line(report: LedgerReport, lang: str) -> str:
    if report.as_of is None:
        return t("lu_as_of_none", lang)
    source = t(f"lu_source_{report.as_of_source}", lang) if report.as_of_source else "—"
    return t("lu_as_of", lang).format(date=f"{report.as_of:%Y-%m-%d}", source=source)


def rolled_up_rows(rolled: pd.DataFrame | None, statistics: pd.DataFrame | None, lang: str = "zh") -> list[dict]:
    """The county values a snapshot fills (county, indicator, period, value) and, where a statistics upload has
    the same key, its number and whether the two agree."""
    if rolled is None or rolled.empty:
        return []
    cat = catalogue_mod.default()
    merged = rolled.copy()
    if statistics is not None and not statistics.empty:
        merged = merged.merge(statistics[[*OBS_KEY, "value", "upload_id"]], on=list(OBS_KEY), how="left",
                              suffixes=("", "_stat"))
    else:
        merged = merged.assign(value_stat=float("nan"), upload_id=pd.NA)
    out = []
    for r in merged.sort_values(["indicator", "region_code"]).to_dict("records"):
        ind = cat[r["indicator"]] if r["indicator"] in cat else None
        unit = ind.unit if ind else ""
        value = ledger_rollup.value_text(float(r["value"]), unit)
        has_stat = not pd.isna(r["value_stat"])
        stat = ledger_rollup.value_text(float(r["value_stat"]), unit) if has_stat else "—"
        if not has_stat:
            check = ""
        elif abs(float(r["value"]) - float(r["value_stat"])) > 1e-6:
            check = t("lu_differs", lang).format(ledger=value, stat=stat, upload=int(r["upload_id"]))
        else:
            check = t("lu_agrees", lang)
        out.append({"county": region_name(r["region_code"]), "indicator": ind.name(lang) if ind else r["indicator"],
                    "period": period_label(r["period"], lang), "value": value, "statistics": stat, "check": check})
    return out


def rolled_up_grid(rows: list[dict], grid_id: str, lang: str) -> dag.AgGrid:
    return _grid(grid_id, rows, [("county", "lu_col_county", 90), ("indicator", "lu_col_indicator", 260),
                                 ("period", "lu_col_period", 120), ("value", "lu_col_value", 130),
                                 ("statistics", "lu_col_statistics", 130), ("check", "lu_col_check", 360)], lang)


def change_rows(report: LedgerReport) -> list[dict]:
    rev = report.revisions
    if rev is None or rev.empty:
        return []
    return [{"row": int(r["src_row"]), "county": region_name(r["region_code"]), "item": r["item_id"],
             "column": r["column"], "old": r["old_value"], "new": r["new_value"]}
            for r in rev.head(ROWS_SHOWN).to_dict("records")]


def ledger_card(report: LedgerReport, index: int, lang: str = "zh") -> dmc.Paper:
    """A ledger file before (dry run) or after it is written, or why it cannot be."""
    children = [_head(report, lang)]
    if report.status == "duplicate":
        children.append(dmc.Text(t("lu_duplicate", lang).format(id=report.duplicate_of), size="sm"))
        return _paper(children)
    if report.status == "rejected" and not report.ledger:
        children.append(dmc.Text(t("lu_unreadable", lang), size="sm"))
        return _paper(children + _problems(report, index, lang))
    kind = t("lu_kind", lang).format(name=what_label(report, lang)) if report.ledger else t("lu_kind_unknown", lang)
    sep = "; " if lang == "en" else "；"
    line = sep.join([kind, as_of_line(report, lang), t("lu_encoding", lang).format(encoding=report.encoding or "—")])
    children.append(dmc.Text(line, size="sm", id=f"upload-ledger-head-{index}"))
    counts = county_counts(report.items)
    if counts:
        skipped = t("lu_examples", lang).format(n=report.examples_skipped) if report.examples_skipped else ""
        children.append(dmc.Text(counties_line(counts, lang) + skipped, size="sm"))
    if report.status in ("dry_run", "committed"):
        verb = t("lu_verb_will" if report.status == "dry_run" else "lu_verb_did", lang)
        children.append(dmc.Text(t("lu_counts", lang).format(verb=verb, new=report.inserted, changed=report.revised,
                                                             same=report.unchanged, dropped=report.dropped),
                                 size="sm", fw=600))
        rows = rolled_up_rows(report.rolled_up, report.statistics, lang)
        if rows:
            title = "lu_rolled_title" if report.status == "dry_run" else "lu_rolled_title_done"
            children += [dmc.Text(t(title, lang).format(n=len(rows)), size="sm", fw=600),
                         rolled_up_grid(rows, f"upload-rolled-{index}", lang)]
        else:
            children.append(dmc.Text(t("lu_rolled_none", lang), size="sm", c="dimmed"))
        changes = change_rows(report)
        if changes:
            children += [dmc.Text(t("lu_changes_title", lang).format(n=len(report.revisions)), size="sm", fw=600),
                         _grid(f"upload-changes-{index}", changes,
                               [("row", "lu_col_row", 70), ("county", "lu_col_county", 90),
                                ("item", "lu_col_item", 120), ("column", "lu_col_column", 140),
                                ("old", "lu_col_old", 140), ("new", "lu_col_new", 140)], lang)]
    return _paper(children + _problems(report, index, lang))


# ---------------------------------------------------------------- units, tasks, reports

UNIT_COLUMNS = {  # the frame's columns shown, with their header keys
    units_mod.UNITS: [("county", "lu_col_county", 100), ("unit_kind", "lu_col_unit_kind", 110),
                      ("name", "lu_col_unit", 180), ("aliases", "lu_col_aliases", 180)],
    units_mod.TASKS: [("year", "lu_col_year", 70), ("county", "lu_col_county", 100), ("unit_name", "lu_col_unit", 180),
                      ("measure", "lu_col_measure", 180), ("value", "lu_col_task", 110)],
    units_mod.REPORTS: [("ledger", "lu_col_ledger", 130), ("as_of", "lu_col_as_of", 110),
                        ("county", "lu_col_county", 100), ("unit_name", "lu_col_unit", 180)],
    county_types.TYPES: [("year", "lu_col_year", 70), ("county", "lu_col_county", 100), ("type1", "lu_col_type", 130),
                         ("type2", "lu_col_type2", 130)],
    county_types.FACTS: [("year", "lu_col_year", 70), ("county", "lu_col_county", 100), ("item", "lu_col_fact", 200),
                         ("value", "lu_col_points", 80), ("note", "lu_col_veto_reason", 220)],
}


def unit_rows(kind: str, frame: pd.DataFrame | None, lang: str = "zh") -> list[dict]:
    """A units / tasks / reports frame (a file's or an upload's rows) in words."""
    if frame is None or frame.empty:
        return []
    kinds = kinds_mod.default()
    measures = {m.code: m for m in unit_measures.default()}
    declared = ({int(y): county_types.declared(int(y)) for y in frame["year"].unique()}
                if kind in (county_types.TYPES, county_types.FACTS) else {})
    out = []
    for r in frame.head(ROWS_SHOWN).to_dict("records"):
        row = {"row": int(r["src_row"]) if "src_row" in r else None, "county": region_name(r["region_code"])}
        if kind == units_mod.UNITS:
            row |= {"unit_kind": units_mod.kind_name(r["unit_kind"]), "name": r["name"], "aliases": r["aliases"]}
        elif kind == units_mod.TASKS:
            m = measures.get(r["measure"])
            row |= {"year": int(r["year"]), "unit_name": r["unit_name"], "measure": m.name_zh if m else r["measure"],
                    "value": f"{show(float(r['value']))}{m.unit if m else ''}"}
        elif kind == county_types.TYPES:
            names = {i.code: i.name for i in declared[int(r["year"])].types}
            row |= {"year": int(r["year"]), "type1": names.get(r["type1"], r["type1"]),
                    "type2": names.get(r["type2"], r["type2"])}
        elif kind == county_types.FACTS:
            names = {i.code: i.name for i in declared[int(r["year"])].items}
            row |= {"year": int(r["year"]), "item": names.get(r["item"], r["item"]),
                    "value": "" if pd.isna(r["value"]) else show(float(r["value"])), "note": r["note"]}
        else:
            row |= {"ledger": kinds[r["ledger"]].name(lang) if r["ledger"] in kinds else r["ledger"],
                    "as_of": str(r["as_of"])[:10], "unit_name": r["unit_name"]}
        out.append(row)
    return out


def units_grid(kind: str, rows: list[dict], grid_id: str, lang: str) -> dag.AgGrid:
    return _grid(grid_id, rows, [("row", "lu_col_row", 70), *UNIT_COLUMNS[kind]], lang)


def units_card(report: UnitsReport, index: int, lang: str = "zh") -> dmc.Paper:
    children = [_head(report, lang)]
    if report.status == "duplicate":
        children.append(dmc.Text(t("lu_duplicate", lang).format(id=report.duplicate_of), size="sm"))
        return _paper(children)
    children.append(dmc.Text(t("lu_units_what", lang).format(what=what_label(report, lang),
                                                             encoding=report.encoding or "—", rows=report.rows,
                                                             regions=_regions_text(report.regions, lang)), size="sm"))
    if report.status in ("dry_run", "committed"):
        verb = t("lu_verb_will" if report.status == "dry_run" else "lu_verb_did", lang)
        line = t("lu_units_counts", lang).format(verb=verb, new=report.inserted, changed=report.revised,
                                                 same=report.unchanged)
        if report.dropped:
            line += t("lu_units_dropped", lang).format(n=report.dropped)
        children.append(dmc.Text(line, size="sm", fw=600))
        rows = unit_rows(report.kind, report.frame, lang)
        if rows:
            children += [dmc.Text(t("lu_units_rows", lang).format(shown=len(rows), n=len(report.frame)), size="sm",
                                  fw=600), units_grid(report.kind, rows, f"upload-units-{index}", lang)]
    return _paper(children + _problems(report, index, lang))


# ---------------------------------------------------------------- 上报记录: what an upload held


def ledger_history(meta: dict, items: pd.DataFrame, observations: pd.DataFrame, status: str,
                   lang: str = "zh") -> list:
    """A ledger upload's contents: kind, 截至日期 and its source, items per county, the county values it filled."""
    kinds = kinds_mod.default()
    name = kinds[meta["ledger"]].name(lang) if meta["ledger"] in kinds else meta["ledger"]
    counts = county_counts(items)
    each = "、".join(t("lu_county_items", lang).format(county=region_name(c), n=n) for c, n in counts)
    source = t(f"lu_source_{meta['as_of_source']}", lang) if meta.get("as_of_source") else "—"
    out = [dmc.Text(t("history_ledger_head", lang).format(name=name, date=f"{meta['as_of']:%Y-%m-%d}", source=source,
                                                          n=len(counts), items=sum(n for _, n in counts), each=each),
                    size="sm", id="history-ledger-head")]
    if status != "committed":
        out.append(dmc.Text(t("history_rolled_back_note", lang), size="sm", c="orange"))
    rows = rolled_up_rows(observations, None, lang)
    if rows:
        out += [dmc.Text(t("history_rolled", lang).format(n=len(rows)), size="sm", fw=600),
                _grid("history-rolled", rows, [("county", "lu_col_county", 90), ("indicator", "lu_col_indicator", 260),
                                               ("period", "lu_col_period", 120), ("value", "lu_col_value", 130)], lang)]
    return out


def units_history(kind: str, rows: pd.DataFrame, lang: str = "zh") -> list:
    """A units / tasks / reports upload's rows."""
    regions = sorted(set(rows["region_code"])) if len(rows) else []
    shown = unit_rows(kind, rows, lang)
    return [dmc.Text(t("history_units_head", lang).format(what=label("format", kind, lang), rows=len(rows),
                                                          regions=_regions_text(regions, lang)), size="sm",
                     id="history-units-head"),
            *([units_grid(kind, shown, "history-units", lang)] if shown else [])]
