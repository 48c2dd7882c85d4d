"""数据上报 builders: what a file would change before it is written, and what was written.

Pure functions from an IngestReport to components, so tests need no running app.
"""

import base64
import binascii

import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd

from layouts.i18n import grid_text
from layouts.status import problems_grid
from loaders import regions as regions_mod
from loaders import upload_check
from loaders.cells import period_label, show
from loaders.ingest import IngestReport
from loaders.problems import ERROR, Problem

FORMATS = {"long_csv": "长表 CSV", "wide_sheet": "统计月报宽表", "month_columns": "分月表（各月为列）",
           "long_targets": "目标任务长表", "wide_targets": "目标任务宽表"}
REVISIONS_SHOWN = 200
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


def rejected(label: str, problems: list[Problem]) -> IngestReport:
    return IngestReport(file=label, sha256="", status="rejected", errors=problems)


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


def revision_rows(report: IngestReport) -> list[dict]:
    rev = report.revisions
    if rev is None or rev.empty:
        return []
    regions = regions_mod.default()
    out = []
    for r in rev.head(REVISIONS_SHOWN).to_dict("records"):
        out.append({"row": int(r["src_row"]), "region": regions[r["region_code"]].short_name
                    if r["region_code"] in regions else r["region_code"], "period": period_label(r["period"]),
                    "indicator": r["indicator"], "measure": r.get("measure") or r.get("kind", ""),
                    "old": show(r["old_value"]), "new": show(r["new_value"]), "upload": int(r["old_upload_id"])})
    return out


def revisions_grid(report: IngestReport, grid_id: str) -> dag.AgGrid:
    defs = [{"field": "row", "headerName": "行号", "width": 70}, {"field": "region", "headerName": "地区", "width": 90},
            {"field": "period", "headerName": "期间", "width": 120}, {"field": "indicator", "headerName": "指标", "width": 120},
            {"field": "measure", "headerName": "口径", "width": 90},
            {"field": "old", "headerName": "原值", "width": 110, "cellClass": "cell-old"},
            {"field": "new", "headerName": "新值", "width": 110, "cellClass": "cell-new"},
            {"field": "upload", "headerName": "原值来自上传#", "width": 120}]
    return dag.AgGrid(id=grid_id, rowData=revision_rows(report), columnDefs=defs, defaultColDef={"resizable": True},
                      dashGridOptions={**grid_text("zh"), "domLayout": "autoHeight", "animateRows": False, "pagination": True,
                                       "paginationPageSize": 20}, className="ag-theme-alpine", style={"width": "100%"})


def summary_line(report: IngestReport) -> str:
    if report.status == "duplicate":
        return f"与上传 #{report.duplicate_of} 的文件完全相同（{report.rows} 个数值），不会重复写入"
    if report.status == "rejected" and not report.format:
        return "文件未能读取或未通过上传检查（原因见下表）"
    head = f"格式：{FORMATS.get(report.format, report.format)}；编码：{report.encoding or '—'}；" \
           f"期间：{_periods(report.periods)}"
    if report.period_source == "title":
        head += "（取自标题行，请核对；如有误请在“期间”栏填写）"
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
    if report.revised and report.status in ("dry_run", "committed"):
        shown = min(report.revised, REVISIONS_SHOWN)
        children += [dmc.Text(f"修订的数值（{shown}/{report.revised}）：", size="sm", fw=600),
                     revisions_grid(report, f"upload-revisions-{index}")]
    return dmc.Paper(withBorder=True, p="sm", radius="sm", className="upload-card", children=dmc.Stack(gap=6,
                                                                                                    children=children))
