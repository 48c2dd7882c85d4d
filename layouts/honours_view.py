"""The assessment in words (pure: an AssessedQuarter in, text and components out): the honour lists card of the
rankings page, a type's ranking rows, the county page's line (types, rank within each type, honours or veto), and
the method page's explanation of groups, honours, improvement, adjustments and veto — from the scheme file, never
from text written per province."""

from __future__ import annotations

import dash_mantine_components as dmc
import pandas as pd

from indicators.assessing import AssessedQuarter
from indicators.scheme import Scheme
from layouts.i18n import fmt_number, period_label, t
from layouts.ranking_table import RANKS_LAST
from layouts.shell import unit_path
from loaders import regions as regions_mod

ALL = ""  # the type filter's 全部


def sep(lang: str) -> str:
    return ", " if lang == "en" else "、"


def group_search(group: str | None, search: str | None) -> str | None:
    """The URL's search string with the type filter set (group=; 全部 removes it), every other key kept; None when
    nothing changes (the control reporting the page's own value as it mounts)."""
    from layouts.county_view import with_query

    new = with_query(search, "group", group or "")
    return new if new != (search or "") else None


def type_names(scheme: Scheme) -> dict[str, str]:
    return {g.code: g.name for g in scheme.groups}


def type_options(scheme: Scheme, lang: str) -> list[dict]:
    """The type filter: 全部, then each type of the scheme in its order."""
    return [{"value": ALL, "label": t("honour_all_types", lang)}] + [{"value": g.code, "label": g.name}
                                                                    for g in scheme.groups]


def units_table(aq: AssessedQuarter) -> pd.DataFrame:
    """One row per unit (the first of its group rows), indexed by unit."""
    return aq.assessment.table.drop_duplicates("unit").set_index("unit")


def why(row: dict, unit: pd.Series, scheme: Scheme, lang: str) -> str:
    """Why a unit is on an honour list: its overall rank, its rank within the type, or how far it moved."""
    if row["kind"] == "overall":
        return t("honour_why_overall", lang).format(rank=int(unit["rank"]))
    if row["kind"] == "group":
        g = row["group"]
        table_rank = row["group_rank"]
        return t("honour_why_group", lang).format(type=type_names(scheme).get(g, g), rank=int(table_rank))
    if scheme.improvement == "rank":
        return t("honour_why_rank", lang).format(n=int(unit["improvement"]), before=int(unit["previous_rank"]),
                                                 now=int(unit["rank"]))
    return t("honour_why_score", lang).format(n=fmt_number(float(unit["improvement"]), 2),
                                              before=fmt_number(float(unit["previous_score"]), 2),
                                              now=fmt_number(float(unit["score"]), 2))


def honour_rows(aq: AssessedQuarter, lang: str = "zh") -> list[dict]:
    """Every honour list's entries in the scheme's order: code, name, type (a group honour), unit, place, tied,
    why — the lists the page shows and exports."""
    regions = regions_mod.default()
    units = units_table(aq)
    table = aq.assessment.table
    out = []
    for r in aq.assessment.honours.to_dict("records"):
        unit = units.loc[r["unit"]]
        group_rank = None
        if r["kind"] == "group":
            mine = table[(table["unit"] == r["unit"]) & (table["group"] == r["group"])]
            group_rank = mine["group_rank"].iloc[0]
        same = aq.assessment.honours
        tied = int(((same["code"] == r["code"]) & (same["group"] == r["group"]) & (same["place"] == r["place"])).sum()) > 1
        text = why(r | {"group_rank": group_rank}, unit, aq.scheme, lang)
        out.append({"code": r["code"], "name": r["name"], "kind": r["kind"], "group": r["group"], "unit": r["unit"],
                    "region": regions[r["unit"]].name if r["unit"] in regions else r["unit"],
                    "place": int(r["place"]), "tied": tied,
                    "why": text + (t("honour_tied", lang) if tied else "")})
    return out


def vetoed(aq: AssessedQuarter) -> list[tuple[str, str]]:
    """(unit, reason) of the units a veto item keeps off every list, by rank."""
    units = units_table(aq)
    rows = units[units["veto"].astype(bool)]
    return [(u, aq.veto_notes.get(u, "")) for u in rows.index]


def veto_text(aq: AssessedQuarter, unit: str, lang: str) -> str:
    """“一票否决：发生重大安全生产事故（某煤矿事故），不参与评优” — the scheme's item names with the uploaded reason."""
    items = [v.name for v in aq.scheme.vetoes]
    units = units_table(aq)
    reason = str(units.loc[unit, "reason"]) if unit in units.index else ""
    named = [n for n in items if n in reason] or items
    note = aq.veto_notes.get(unit, "")
    return t("honour_veto", lang).format(items=sep(lang).join(named),
                                         note=t("honour_veto_note", lang).format(note=note) if note else "")


def basis(aq: AssessedQuarter, lang: str, state: str = "", simulated: bool = False) -> str:
    """What the lists were computed from, on the card itself (it is cut out and forwarded): “2026年三季度 · 全省86个
    县区（同一套得分） · 数据状态 … · 模拟数据”."""
    units = units_table(aq)
    parts = [period_label(aq.quarter, lang), t("honour_basis_set", lang).format(n=len(units))]
    if state:
        parts.append(f"{t('data_state', lang)} {state}")
    if simulated:
        parts.append(t("simulated", lang))
    return " · ".join(parts)


def honours_card(aq: AssessedQuarter, qs: str, lang: str = "zh", card_id: str = "rank-honours", state: str = "",
                 simulated: bool = False) -> dmc.Paper:
    """The three (or however many the scheme has) honour lists side by side: place, county (a link) and why; the
    vetoed units named with the reason, “不参与评优”; under the title the quarter, the comparison set, the data
    state and 模拟数据."""
    regions = regions_mod.default()
    rows = honour_rows(aq, lang)
    columns = []
    for h in aq.scheme.honours:
        mine = [r for r in rows if r["code"] == h.code]
        items = []
        for r in mine:  # a group honour's why names its type
            items.append(dmc.ListItem(dmc.Text(size="sm", children=[
                f"{r['place']}. ", dmc.Anchor(r["region"], href=f"{unit_path(r['unit'], regions)}{qs}", size="sm"),
                f" — {r['why']}"])))
        head = t(f"honour_kind_{h.kind}", lang).format(top=h.top)
        columns.append(dmc.Stack(gap=4, children=[
            dmc.Text(t("honour_list_head", lang).format(name=h.name, kind=head), fw=700, size="sm"),
            dmc.List(items, size="sm", listStyleType="none", spacing=2) if items
            else dmc.Text(t("honour_none", lang), size="sm", c="dimmed")]))
    out = [dmc.Group(gap="xs", align="baseline", children=[
               dmc.Text(t("honour_title", lang), fw=700),
               dmc.Text(basis(aq, lang, state, simulated), size="xs", c="dimmed", id=f"{card_id}-basis")]),
           dmc.SimpleGrid(cols={"base": 1, "md": max(1, len(columns))}, spacing="md", children=columns,
                          className=f"print-cols-{min(len(columns), 3)}")]
    bad = vetoed(aq)
    if bad:
        out.append(dmc.Text(t("honour_vetoed", lang).format(units=sep(lang).join(
            f"{regions[u].name if u in regions else u}（{veto_text(aq, u, lang)}）" for u, _ in bad)), size="sm",
            c="red"))
    if aq.previous_quarter:
        out.append(dmc.Text(t(f"honour_previous_{aq.scheme.improvement or 'rank'}", lang).format(
            quarter=period_label(aq.previous_quarter, lang)), size="xs", c="dimmed"))
    return dmc.Paper(withBorder=True, p="sm", radius="sm", id=card_id, children=dmc.Stack(gap="xs", children=out))


def county_line(aq: AssessedQuarter, unit: str, lang: str = "zh") -> str | None:
    """The county page's line: its type(s) with its rank within each, then its honours or its veto — None when
    the county has neither a type nor an honour."""
    table = aq.assessment.table
    mine = table[table["unit"] == unit]
    if mine.empty:
        return None
    names = type_names(aq.scheme)
    parts = []
    groups = mine[mine["group"] != ""]
    if len(groups):
        sizes = table[table["group"] != ""].groupby("group")["unit"].nunique()
        ranks = [t("honour_county_type", lang).format(type=names.get(g, g), rank=_rank(r), n=int(sizes[g]))
                 for g, r in zip(groups["group"], groups["group_rank"], strict=True)]
        key = "honour_county_types" if len(ranks) > 1 else "honour_county_type_one"
        parts.append(t(key, lang).format(types=("; " if lang == "en" else "、").join(ranks)))
    units = units_table(aq)
    if bool(units.loc[unit, "veto"]):
        parts.append(veto_text(aq, unit, lang))
    else:
        got = [r for r in honour_rows(aq, lang) if r["unit"] == unit]
        if got:
            parts.append(t("honour_county_honours", lang).format(
                honours=sep(lang).join(f"{r['name']}（{r['why']}）" for r in got)))
    return ("; " if lang == "en" else "；").join(parts) or None


def _rank(r) -> str:
    return "—" if r is None or pd.isna(r) else str(int(r))


def group_rows(aq: AssessedQuarter, group: str, qs: str, lang: str = "zh") -> list[dict]:
    """The ranking within one type: one row per county of the type, by rank within the type."""
    regions = regions_mod.default()
    table = aq.assessment.table
    mine = table[table["group"] == group].sort_values(["group_rank", "unit"], na_position="last")
    out = []
    for r in mine.to_dict("records"):
        code = r["unit"]
        out.append({"region_code": code, "region": f"[{regions[code].name}]({unit_path(code, regions)}{qs})",
                    "group_rank": None if pd.isna(r["group_rank"]) else int(r["group_rank"]),
                    "group_score": None if pd.isna(r["group_score"]) else round(float(r["group_score"]), 2),
                    "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
                    "score": None if pd.isna(r["score"]) else round(float(r["score"]), 2),
                    "types": types_text(aq, code), "honours": sep(lang).join(r["honours"]),
                    "reason": r["reason"] or ""})
    return out


def types_text(aq: AssessedQuarter, unit: str) -> str:
    names = type_names(aq.scheme)
    return "、".join(names.get(c, c) for c in aq.types.get(unit, ()))


def group_column_defs(lang: str) -> list[dict]:
    fmt = {"function": "params.value == null ? '' : d3.format('.2f')(params.value)"}
    return [
        {"field": "group_rank", "headerName": t("honour_col_group_rank", lang), "width": 100, "pinned": "left",
         "sort": "asc", "comparator": RANKS_LAST},
        {"field": "region", "headerName": t("region", lang), "cellRenderer": "markdown", "pinned": "left",
         "minWidth": 200},
        {"field": "group_score", "headerName": t("honour_col_group_score", lang), "width": 120, "valueFormatter": fmt},
        {"field": "rank", "headerName": t("honour_col_rank", lang), "width": 110},
        {"field": "score", "headerName": t("score_province", lang), "width": 120, "valueFormatter": fmt},
        {"field": "types", "headerName": t("honour_col_types", lang), "minWidth": 180},
        {"field": "honours", "headerName": t("honour_col_honours", lang), "minWidth": 120},
        {"field": "reason", "headerName": t("honour_col_reason", lang), "minWidth": 200, "flex": 1},
    ]


def group_export(aq: AssessedQuarter, group: str, lang: str):
    """(frame, columns) of one type's ranking for the .xlsx / .csv export."""
    from layouts.export import Column

    regions = regions_mod.default()
    rows = group_rows(aq, group, "", lang)
    frame = pd.DataFrame(rows, columns=["region_code", "region", "group_rank", "group_score", "rank", "score",
                                        "types", "honours", "reason"])
    frame["region"] = [regions[c].name for c in frame["region_code"]]
    for c in ("group_rank", "rank"):
        frame[c] = frame[c].astype("Int64")
    cols = [Column("group_rank", t("honour_col_group_rank", lang), "", "0", 8),
            Column("region", t("region", lang), "", "General", 18),
            Column("group_score", t("honour_col_group_score", lang), "", "0.00"),
            Column("rank", t("honour_col_rank", lang), "", "0", 8),
            Column("score", t("score_province", lang), "", "0.00"),
            Column("types", t("honour_col_types", lang), "", "General", 20),
            Column("honours", t("honour_col_honours", lang), "", "General", 14),
            Column("reason", t("honour_col_reason", lang), "", "General", 30)]
    return frame, cols
