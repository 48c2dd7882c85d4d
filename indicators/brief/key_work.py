"""The 通报's 重点工作推进情况 from the ledgers (台账): 清欠, 投诉线索办理, 招商引资, 重点项目, “四上”企业培育 for the scope's
counties, from the same facts the 约谈 rules and the ledger pages read (reading.ledger_facts_at: each county's
snapshot dated within the brief's month, the one that filled that month's county values).

Pure functions of a KeyWork (what content.read gathered) to a section: city totals and rates, the counties lowest,
overdue items, 未破零 units named (未上报 said apart, never counted as zero), each with its 截至 date; counties
without the month's ledger are named as not reported, never read as zero. A brief without ledgers has no section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators import unit_ranking
from indicators.brief import wording as w
from indicators.brief.doc import Paragraph, Section, Table
from loaders import unit_measures

ORDER = ("arrears", "complaints", "investment", "key_projects", "sishang")  # as the dispatch meeting takes them
HEADINGS = {"arrears": "清理拖欠企业账款", "complaints": "投诉线索办理", "investment": "招商引资",
            "key_projects": "重点项目建设", "sishang": "“四上”企业培育"}
LEDGER_NAMES = {"arrears": "清欠台账", "complaints": "投诉线索台账", "investment": "招商引资项目台账",
                "key_projects": "重点项目台账", "sishang": "“四上”企业培育台账"}
LOWEST_NAMED = 3  # the counties with the lowest rate a brief names


@dataclass(frozen=True)
class KeyWork:
    """The ledger facts of a brief: kind → ledger_facts_at rows of the scope's counties (with as_of), measure →
    unit_ranking_at rows; the counties of the scope in order and their names; the area word (全市)."""

    units: list[str]
    names: dict[str, str]
    area: str
    month: str
    ledgers: dict[str, pd.DataFrame] = field(default_factory=dict)
    unit_rankings: dict[str, pd.DataFrame] = field(default_factory=dict)

    def present(self) -> list[str]:
        return [k for k in ORDER if k in self.ledgers and len(self.ledgers[k])]


# ---------------------------------------------------------------- words

def as_of_phrase(kw: KeyWork, rows: pd.DataFrame) -> str:
    """截至2026年10月31日 (every county's snapshot that day), or 截至2026年10月31日（成县截至10月24日）."""
    days = rows.set_index("region_code")["as_of"].map(lambda d: pd.Timestamp(d).date())
    latest = max(days)
    others = {}
    for code in [c for c in kw.units if c in days.index and days[c] != latest]:
        others.setdefault(days[code], []).append(kw.names[code])
    text = f"截至{w.date(latest)}"
    if others:
        text += "（" + "；".join(f"{w.names(n)}截至{d.month}月{d.day}日" for d, n in sorted(others.items())) + "）"
    return text


def who(kw: KeyWork, rows: pd.DataFrame) -> str:
    """全市 when every county of the scope has the month's ledger, else '武都区、礼县2个县区报送的' (a total of the
    counties that reported is never said to be the city's)."""
    have = [kw.names[c] for c in kw.units if c in set(rows["region_code"])]
    if len(have) == len(kw.units):
        return kw.area
    return f"{have[0]}报送的" if len(have) == 1 else f"{w.names(have)}{len(have)}个县区报送的"


def missing_sentence(kw: KeyWork, kind: str, rows: pd.DataFrame) -> str:
    """'成县、徽县未报送10月清欠台账，未计入。' (no snapshot is not zero)."""
    absent = [kw.names[c] for c in kw.units if c not in set(rows["region_code"])]
    if not absent:
        return ""
    return f"{w.names(absent)}未报送{int(kw.month[5:7])}月{LEDGER_NAMES[kind]}，未计入。"


def lowest(kw: KeyWork, rows: pd.DataFrame, column: str, what: str) -> str:
    """'无分歧欠款清偿率较低的是礼县（40.0%）、成县（76.9%）。' — the lowest of the counties with a rate (two or more)."""
    r = rows[rows[column].notna()]
    if len(r) < 2:
        return ""
    r = r.assign(_v=r[column].astype(float).map(w.one)).sort_values(["_v", "region_code"], kind="stable")
    low = r.head(min(LOWEST_NAMED, len(r) - 1))
    items = [f"{kw.names[c]}（{w.num(v)}%）" for c, v in zip(low["region_code"], low["_v"], strict=True)]
    return f"{what}{'最低' if len(items) == 1 else '较低'}的是{w.names(items)}。"


def per_county(kw: KeyWork, rows: pd.DataFrame, column: str, unit: str, amount: str | None = None) -> list[str]:
    """'礼县1笔（60.0万元）' for each county with a count > 0, most first."""
    r = rows[rows[column].fillna(0) > 0].sort_values([column, "region_code"], ascending=[False, True], kind="stable")
    out = []
    for row in r.itertuples():
        text = f"{kw.names[row.region_code]}{w.count(getattr(row, column), unit)}"
        if amount:
            text += f"（{w.wan(getattr(row, amount))}）"
        out.append(text)
    return out


def rate(num: float, den: float) -> float | None:
    return None if not den else num / den * 100


def zero_units(kw: KeyWork, kind: str) -> list[str]:
    """Per measure of the kind with tasks: '全市仍有2个单位到位资金未破零：成县黄渚镇、小川镇，礼县城关镇；另有1个单位未上报：
    成县苏元镇。' (units of the counties with the month's ledger; 未上报 never counted as zero)."""
    out = []
    for m in unit_measures.default():
        table = kw.unit_rankings.get(m.code)
        if m.ledger != kind or table is None or table.empty:
            continue
        table = table[table["region_code"].isin(kw.units)]
        zero = table[table["state"] == unit_ranking.ZERO]
        silent = table[table["state"] == unit_ranking.NOT_REPORTED]
        tasked = table["state"].isin([unit_ranking.RANKED, unit_ranking.ZERO, unit_ranking.NOT_REPORTED]).sum()
        if not tasked:
            continue
        if zero.empty and silent.empty:
            out.append(f"有{m.name_zh}任务的{tasked}个单位均已破零。")
            continue
        text = (f"有{m.name_zh}任务的{tasked}个单位中，仍有{len(zero)}个未破零：{_unit_names(kw, zero)}"
                if len(zero) else f"有{m.name_zh}任务的{tasked}个单位均已破零")
        if len(silent):
            text += f"；另有{len(silent)}个单位未上报：{_unit_names(kw, silent)}"
        out.append(text + "。")
    return out


def _unit_names(kw: KeyWork, units: pd.DataFrame) -> str:
    groups = [f"{kw.names[code]}{'、'.join(units.loc[units['region_code'] == code, 'name'])}"
              for code in kw.units if code in set(units["region_code"])]
    return "，".join(groups)


# ---------------------------------------------------------------- per kind

def arrears(kw: KeyWork, f: pd.DataFrame) -> list[str]:
    owed, repaid = float(f["owed_undisputed"].sum()), float(f["repaid_undisputed"].sum())
    d_items, d_owed, d_repaid = int(f["disputed_items"].sum()), float(f["owed_disputed"].sum()), \
        float(f["repaid_disputed"].sum())
    r = rate(repaid, owed)
    text = (f"{as_of_phrase(kw, f)}，{who(kw, f)}清欠台账共有拖欠账款{w.count(f['items'].sum(), '笔')}，其中无分歧欠款"
            f"{w.wan(owed)}，已清偿{w.wan(repaid)}")
    text += f"，无分歧欠款清偿率{w.num(r)}%" if r is not None else ""
    if d_items:
        done = f"已清偿{w.wan(d_repaid)}" if d_repaid else "尚未清偿"
        text += f"；有分歧欠款{d_items}笔、{w.wan(d_owed)}，{done}（清偿率按无分歧欠款计算）"
    paras = [text + "。"]
    said = [lowest(kw, f, "rate_undisputed", "无分歧欠款清偿率")]
    overdue = per_county(kw, f, "overdue_items", "笔", "overdue_outstanding")
    if overdue:
        said.append(f"超过约定清偿日期仍未清偿的欠款{w.count(f['overdue_items'].sum(), '笔')}、"
                    f"金额{w.wan(f['overdue_outstanding'].sum())}：{w.names(overdue)}。")
    else:
        said.append("没有超过约定清偿日期仍未清偿的欠款。")
    small = per_county(kw, f, "small_open", "笔")
    if small:
        said.append(f"10万元以下小额欠款尚未清零的{w.count(f['small_open'].sum(), '笔')}：{w.names(small)}。")
    paras.append("".join(s for s in said if s))
    return paras


def complaints(kw: KeyWork, f: pd.DataFrame) -> list[str]:
    received, handled = int(f["received"].sum()), int(f["handled"].sum())
    r = rate(handled, received)
    text = f"{as_of_phrase(kw, f)}，{who(kw, f)}投诉线索台账本年受理线索{received}条，办结{handled}条"
    text += f"，办结率{w.num(r)}%" if r is not None else ""
    text += f"；尚未办结{w.count(f['open'].sum(), '条')}"
    paras = [text + "。"]
    said = [lowest(kw, f, "rate", "办结率")]
    overdue = per_county(kw, f, "overdue_open", "条")
    said.append(f"超过办理时限仍未办结的线索{w.count(f['overdue_open'].sum(), '条')}：{w.names(overdue)}。" if overdue
                else "没有超过办理时限仍未办结的线索。")
    late = per_county(kw, f, "handled_late", "条")
    if late:
        said.append(f"超过时限办结的{w.count(f['handled_late'].sum(), '条')}：{w.names(late)}。")
    paras.append("".join(s for s in said if s))
    return paras


def investment(kw: KeyWork, f: pd.DataFrame) -> list[str]:
    text = (f"{as_of_phrase(kw, f)}，{who(kw, f)}招商引资项目台账共有项目{w.count(f['items'].sum(), '个')}，合同金额"
            f"{w.level(f['contract'].sum(), '万元', city=True)}，本年到位资金{w.level(f['in_place'].sum(), '万元', city=True)}，"
            f"其中省外到位资金{w.level(f['in_place_outside'].sum(), '万元', city=True)}。")
    none = [kw.names[c] for c in kw.units if c in set(f["region_code"])
            and float(f.loc[f["region_code"] == c, "in_place"].iloc[0]) == 0]
    paras = [text]
    if none:
        paras.append(f"{w.names(none)}本年尚无到位资金。")
    return paras + zero_units(kw, "investment")


def key_projects(kw: KeyWork, f: pd.DataFrame) -> list[str]:
    n, started = int(f["items"].sum()), int(f["started"].sum())
    planned, completed = float(f["planned"].sum()), float(f["completed"].sum())
    text = (f"{as_of_phrase(kw, f)}，{who(kw, f)}重点项目台账共有项目{n}个，已开工（含竣工）{started}个，开工率{w.num(rate(started, n))}%；"
            f"年度计划投资{w.level(planned, '万元', city=True)}，本年完成投资{w.level(completed, '万元', city=True)}")
    done = rate(completed, planned)
    text += f"，完成年度计划的{w.num(done)}%" if done is not None else ""
    said = [lowest(kw, f, "start_rate", "开工率")]
    late = per_county(kw, f, "start_overdue", "个")
    said.append(f"超过计划开工日期仍未开工的项目{w.count(f['start_overdue'].sum(), '个')}：{w.names(late)}。" if late
                else "没有超过计划开工日期仍未开工的项目。")
    return [text + "。", "".join(s for s in said if s), *zero_units(kw, "key_projects")]


def sishang(kw: KeyWork, f: pd.DataFrame) -> list[str]:
    types = [c.removeprefix("entered_") for c in f.columns if c.startswith("entered_")]
    entered = int(f["state_已入库"].sum())
    by_type = [f"{t}{int(f[f'entered_{t}'].sum())}家" for t in types if f[f"entered_{t}"].sum()]
    text = (f"{as_of_phrase(kw, f)}，{who(kw, f)}“四上”企业培育库共有企业{w.count(f['items'].sum(), '家')}，已入库{entered}家"
            + (f"（{'、'.join(by_type)}）" if by_type else "")
            + f"，已申报{int(f['state_已申报'].sum())}家，培育中{int(f['state_培育中'].sum())}家。")
    none = [kw.names[c] for c in kw.units if c in set(f["region_code"])
            and int(f.loc[f["region_code"] == c, "state_已入库"].iloc[0]) == 0]
    paras = [text]
    if none:
        paras.append(f"{w.names(none)}{len(none)}个县区本年尚无新入库企业。")
    return paras + zero_units(kw, "sishang")


WRITERS = {"arrears": arrears, "complaints": complaints, "investment": investment, "key_projects": key_projects,
           "sishang": sishang}

# The table's columns per kind: (header, facts column or a function of the row, kind of number).
COLUMNS = {
    "arrears": [("无分歧欠款清偿率（%）", "rate_undisputed", "rate"), ("超期未清偿欠款（笔）", "overdue_items", "count")],
    "complaints": [("投诉线索办结率（%）", "rate", "rate"), ("超期未办结线索（条）", "overdue_open", "count")],
    "investment": [("省外到位资金（万元）", "in_place_outside", "amount")],
    "key_projects": [("重点项目开工率（%）", "start_rate", "rate")],
    "sishang": [("新增入库“四上”企业（家）", "state_已入库", "count")],
}


def _cell(v, how: str) -> tuple[str, object]:
    if v is None or pd.isna(v):
        return "—", None
    if how == "rate":
        return w.num(v), w.one(v)
    if how == "count":
        return str(int(v)), int(v)
    return f"{float(v):.1f}", round(float(v), 1)


def _area_value(f: pd.DataFrame, column: str):
    """The area's figure of a table column: rates from the sums, counts and amounts summed."""
    sums = {"rate_undisputed": ("repaid_undisputed", "owed_undisputed"), "rate": ("handled", "received"),
            "start_rate": ("started", "items")}
    if column in sums:
        num, den = sums[column]
        return rate(float(f[num].sum()), float(f[den].sum()))
    return f[column].sum()


def table(kw: KeyWork, kinds: list[str]) -> Table:
    cols = [(k, *c) for k in kinds for c in COLUMNS[k]]
    rows, values = [], []
    for code in [None, *kw.units]:
        row, vals = ["合计" if code is None else kw.names[code]], [None]
        for kind, _, column, how in cols:
            f = kw.ledgers[kind]
            if code is None:
                v = _area_value(f, column)
            else:
                hit = f.loc[f["region_code"] == code, column]
                v = hit.iloc[0] if len(hit) else None
            text, number = _cell(v, how)
            row.append(text)
            vals.append(number)
        rows.append(tuple(row))
        values.append(tuple(vals))
    return Table(f"表　{w.months(kw.month)}重点工作台账情况", ("县区", *(c[1] for c in cols)), tuple(rows), tuple(values),
                 (), f"各县区为{int(kw.month[5:7])}月最近一次报送的台账（截至日期见正文），“—”为当月未报送该台账；"
                     "合计为报送台账的县区汇总，清偿率、办结率、开工率按汇总数计算；清偿率按无分歧欠款计算，"
                     "办结率为本年受理线索中已办结的比例。")


def sections(kw: KeyWork, numbered) -> tuple[tuple, tuple[Section, ...]] | None:
    """(the level-1 blocks, the level-2 subsections) of 重点工作推进情况, or None without any ledger in the month;
    `numbered` is content.numbered (（一）…)."""
    kinds = kw.present()
    if not kinds:
        return None
    subs = []
    for kind in kinds:
        paras = [p for p in WRITERS[kind](kw, kw.ledgers[kind]) if p]
        missing = missing_sentence(kw, kind, kw.ledgers[kind])
        if missing:
            paras.append(missing)
        subs.append((HEADINGS[kind], tuple(Paragraph(p) for p in paras)))
    lead = Paragraph(f"据各县区报送的重点工作台账，{w.months(kw.month)}{kw.area}重点工作推进情况如下（见下表）：")
    return (lead, table(kw, kinds)), numbered(subs)


def problems(kw: KeyWork) -> str:
    """The 存在的问题 point on the ledgers: '部分重点工作推进滞后。礼县超过约定清偿日期仍未清偿欠款1笔（100.0万元）；
    宕昌县超过办理时限仍未办结投诉线索1条；成县黄渚镇到位资金未破零。' ('' when nothing is overdue or at zero)."""
    said = []
    overdue = {"arrears": ("overdue_items", "超过约定清偿日期仍未清偿欠款", "笔", "overdue_outstanding"),
               "complaints": ("overdue_open", "超过办理时限仍未办结投诉线索", "条", None),
               "key_projects": ("start_overdue", "超过计划开工日期仍未开工重点项目", "个", None)}
    for kind, (column, what, unit, amount) in overdue.items():
        f = kw.ledgers.get(kind)
        if f is None or f.empty:
            continue
        for row in f[f[column].fillna(0) > 0].sort_values([column, "region_code"], ascending=[False, True]).itertuples():
            text = f"{kw.names[row.region_code]}{what}{w.count(getattr(row, column), unit)}"
            said.append(text + (f"（{w.wan(getattr(row, amount))}）" if amount else ""))
    for m in unit_measures.default():
        table = kw.unit_rankings.get(m.code)
        if table is None or table.empty:
            continue
        zero = table[(table["state"] == unit_ranking.ZERO) & table["region_code"].isin(kw.units)]
        if len(zero):
            said.append(f"{_unit_names(kw, zero)}{m.name_zh}未破零")
    return ("部分重点工作推进滞后。" + "；".join(said) + "。") if said else ""

