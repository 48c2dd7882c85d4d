"""数据上报 builders: what a file would change before it is written, and what was written.

Pure functions from an IngestReport to components, so tests need no running app.
"""

import base64
import binascii

import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd

from layouts.i18n import grid_text, t
from layouts.status import format_label, problems_grid
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod
from loaders import upload_check
from loaders.cells import period_label, show
from loaders.ingest import IngestReport
from loaders.problems import ERROR, Problem

REVISIONS_SHOWN = 200
NEW_SHOWN = 200
STATUS = {  # report status → (badge text, colour)
    "dry_run": ("可以写入", "green"), "rejected": ("有错误，不能写入", "red"),
    "duplicate": ("已导入过，不会重复写入", "gray"), "committed": ("已写入", "green"),
}


def decode(contents: str | None, name: str | None) -> tuple[str, bytes | None, list[Problem]]:
    """(safe name, bytes, problems) from a dcc.Upload data URL; the name is a label only, never a path."""
    label = upload_check.safe_name(name)
    try:
        _, b64 = (contents or "").split(",", 1)
        data = base64.b64decode(b64, validate=True)
    except (ValueError, binascii.Error):
        return label, None, [Problem(ERROR, "unreadable", "文件内容未能完整上传", "请重新选择文件上传", label)]
    return label, data, upload_check.check(label, data)


def problem_frame(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame([{"row_no": p.row, "column_name": p.column, "value": p.value, "reason": p.reason,
                          "fix": p.fix} for p in problems], columns=["row_no", "column_name", "value", "reason", "fix"])


def _periods(periods: list[str]) -> str:
    if not periods:
        return "—"
    labels = [period_label(p) for p in periods]
    return "、".join(labels) if len(labels) <= 3 else f"{labels[0]}～{labels[-1]}（{len(labels)} 期）"


def _regions(codes: list[str]) -> str:
    if not codes:
        return "—"
    regions = regions_mod.default()
    names = [(regions[c].short_name if regions[c].level == "county" else regions[c].name) if c in regions else c
             for c in codes]  # a prefecture by its full name: here it is the 全市 row
    return "、".join(names) if len(names) <= 10 else f"{'、'.join(names[:8])} 等 {len(names)} 个地区"


def indicator_label(indicator: str, what: str, lang: str = "zh") -> str:
    """“固定资产投资 · 累计增速” for an observation's measure, “… · 增速目标” for a target's kind (growth | level)."""
    cat = catalogue_mod.default()
    name = cat[indicator].name(lang) if indicator in cat else indicator
    key = f"method_measure_{what}" if what in catalogue_mod.STORED_MEASURES else f"targets_col_{what}"
    word = t(key, lang).removesuffix("（%）").removesuffix(" (%)") if what else ""
    return f"{name} · {word}" if word else name


def _key_cells(r: dict) -> dict:
    """Row, region, period and indicator of a staged row, in words."""
    regions = regions_mod.default()
    code = r["region_code"]
    return {"row": int(r["src_row"]), "region": regions[code].short_name if code in regions else code,
            "period": period_label(r["period"]), "indicator": indicator_label(r["indicator"], r.get("measure") or
                                                                              r.get("kind", ""))}


def revision_rows(report: IngestReport) -> list[dict]:
    rev = report.revisions
    if rev is None or rev.empty:
        return []
    return [_key_cells(r) | {"old": show(r["old_value"]), "new": show(r["new_value"]), "upload": int(r["old_upload_id"])}
            for r in rev.head(REVISIONS_SHOWN).to_dict("records")]


def new_value_rows(report: IngestReport) -> list[dict]:
    """New values beside the same key's value a month earlier in the store (上期), where the store has one."""
    new = report.new_values
    if new is None or new.empty or new["prev_value"].isna().all():
        return []
    return [_key_cells(r) | {"new": show(r["value"]), "prev": "—" if pd.isna(r["prev_value"]) else show(r["prev_value"]),
                             "prev_period": period_label(r["prev_period"]) if isinstance(r["prev_period"], str) else "—"}
            for r in new.head(NEW_SHOWN).to_dict("records")]


_KEY_DEFS = [{"field": "row", "headerName": "行号", "width": 70}, {"field": "region", "headerName": "地区", "width": 90},
             {"field": "period", "headerName": "期间", "width": 120},
             {"field": "indicator", "headerName": "指标", "width": 300, "tooltipField": "indicator"}]  # 规模以上工业营业收入 · 累计增速


def _grid(grid_id: str, rows: list[dict], defs: list[dict]) -> dag.AgGrid:
    return dag.AgGrid(id=grid_id, rowData=rows, columnDefs=_KEY_DEFS + defs, defaultColDef={"resizable": True},
                      dashGridOptions={**grid_text("zh"), "domLayout": "autoHeight", "animateRows": False, "pagination": True,
                                       "paginationPageSize": 20}, className="ag-theme-alpine", style={"width": "100%"})


def revisions_grid(report: IngestReport, grid_id: str) -> dag.AgGrid:
    return _grid(grid_id, revision_rows(report), [
        {"field": "old", "headerName": "原值", "width": 110, "cellClass": "cell-old"},
        {"field": "new", "headerName": "新值", "width": 110, "cellClass": "cell-new"},
        {"field": "upload", "headerName": "原值来自上传#", "width": 120}])


def new_values_grid(report: IngestReport, grid_id: str) -> dag.AgGrid:
    return _grid(grid_id, new_value_rows(report), [
        {"field": "new", "headerName": "本期", "width": 110, "cellClass": "cell-new"},
        {"field": "prev", "headerName": "上期", "width": 110},
        {"field": "prev_period", "headerName": "上期期间", "width": 120}])


def summary_line(report: IngestReport) -> str:
    if report.status == "duplicate":
        return f"与上传 #{report.duplicate_of} 的文件完全相同（{report.rows} 个数值），不会重复写入"
    if report.status == "rejected" and not report.format:
        return "文件未能读取或未通过上传检查（原因见下表）"
    head = f"格式：{format_label(report.format, 'zh')}；编码：{report.encoding or '—'}；" \
           f"期间：{_periods(report.periods)}"
    if report.period_source == "title":
        head += "（取自标题行，请核对；如有误请在“期间”栏填写）"
    elif report.period_source == "file_name":
        head += "（表中没有标题行，期间取自文件名，请核对；如有误请在“期间”栏填写）"
    return f"{head}；地区：{_regions(report.regions)}；共 {report.rows} 个数值"


def counts_line(report: IngestReport) -> str:
    if report.status not in ("dry_run", "committed"):
        return ""
    verb = "将" if report.status == "dry_run" else "已"
    revised = f"修订 {report.revised} 个（原值 → 新值见下表）" if report.revised else "修订 0 个"
    return f"{verb}新增 {report.inserted} 个、{revised}、{report.unchanged} 个与库中相同"


def preview_card(report: IngestReport, index: int) -> dmc.Paper:
    """One file: status, what it is, what it would change, every error and warning."""
    text, colour = STATUS.get(report.status, (report.status, "gray"))
    if report.status == "committed":
        text = f"已写入（上传 #{report.upload_id}）"
    children = [
        dmc.Group(gap="sm", children=[dmc.Text(report.file, fw=700), dmc.Badge(text, color=colour, variant="light"),
                                      *([dmc.Badge("模拟数据", color="orange")] if report.simulated else [])]),
        dmc.Text(summary_line(report), size="sm"),
    ]
    if counts_line(report):
        children.append(dmc.Text(counts_line(report), size="sm", fw=600))
    if report.errors:
        children += [dmc.Text(f"错误 {len(report.errors)} 处（整份文件不会写入，请改正后重新上传）：", c="red", size="sm",
                              fw=600), problems_grid(problem_frame(report.errors), "zh", f"upload-errors-{index}")]
    if report.warnings:
        children += [dmc.Text(f"提示 {len(report.warnings)} 处（不影响写入，请核对）：", c="orange", size="sm", fw=600),
                     problems_grid(problem_frame(report.warnings), "zh", f"upload-warnings-{index}")]
    new_rows = new_value_rows(report) if report.status == "dry_run" else []
    if new_rows:
        children += [dmc.Text(f"新增的数值与库中上期对比（{len(new_rows)}/{report.inserted}）：", size="sm", fw=600),
                     new_values_grid(report, f"upload-new-{index}")]
    if report.revised and report.status in ("dry_run", "committed"):
        shown = min(report.revised, REVISIONS_SHOWN)
        children += [dmc.Text(f"修订的数值（{shown}/{report.revised}）：", size="sm", fw=600),
                     revisions_grid(report, f"upload-revisions-{index}")]
    return dmc.Paper(withBorder=True, p="sm", radius="sm", className="upload-card", children=dmc.Stack(gap=6,
                                                                                                    children=children))
