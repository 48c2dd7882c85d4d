"""Rows and columns of the ranking grid (pure: a scorecard table in, grid data out)."""

import pandas as pd

from layouts.i18n import fmt_change, score_label, t
from layouts.shell import unit_path
from loaders import regions as regions_mod

# A rank column's sort: units without a rank stay last either way (assets/dashAgGridFunctions.js).
RANKS_LAST = {"function": "ranksLast"}

# wide enough for "86" beside the sort arrow: on paper the grid is fitted to the page and a rank is never cut to "1…"
RANK_MIN_WIDTH = 64
# the longest county name (积石山保安族东乡族撒拉族自治县, 15 characters) whole in the print font (app.css, 12 px)
REGION_MIN_WIDTH = 200


def rows(table, history: dict, qs: str, lang: str, assessed=None) -> list[dict]:
    """Grid rows: one per unit, best first, its name a link to its page (a county's or a prefecture's); the
    sparkline holds the last quarters' ranks; a county names its prefecture. With the quarter's assessment
    (indicators/assessing.py), each row also says the county's types and honours, and a veto."""
    regions = regions_mod.default()
    ranked = table.sort_values(["rank", "region_name"], na_position="last")
    past = [card.table["rank"].to_dict() for card in history.values()]
    pillars = [c for c in table.columns if c.startswith("pillar_")]
    cells = assessed_cells(assessed, ranked.index, lang) if assessed is not None else {}
    out = []
    for code, r in zip(ranked.index, ranked.to_dict("records"), strict=True):
        row = {"region_code": code, "region": f"[{r['region_name']}]({unit_path(code, regions)}{qs})",
               "score": _f(r["score"]), "rank": _i(r["rank"]), "change": fmt_change(r.get("rank_change")),
               "rank_p05": _i(r.get("rank_p05")), "rank_p95": _i(r.get("rank_p95")),
               "trend": [_i(p.get(code)) for p in past], "reason": r.get("reason", ""),
               "prefecture": _prefecture(regions, code)}
        row.update({c: _f(r[c]) for c in pillars})
        if assessed is not None:
            row |= cells[code]
            row["reason"] = "；".join(x for x in (row["reason"], row.pop("veto")) if x)
        out.append(row)
    return out


def assessed_cells(assessed, codes, lang: str) -> dict[str, dict]:
    """Each unit's types, honours (names joined) and veto text from the assessment, read once for all units (a
    national comparison set has 3,000 of them)."""
    from layouts import honours_view as hv

    units = hv.units_table(assessed)
    table = assessed.assessment.table
    honours = {unit: list(dict.fromkeys(n for h in lists for n in h))
               for unit, lists in table.groupby("unit", sort=False)["honours"]}
    out = {}
    for code in codes:
        if code not in units.index:
            out[code] = {"types": "", "honours": "", "veto": ""}
            continue
        out[code] = {"types": hv.types_text(assessed, code), "honours": hv.sep(lang).join(honours.get(code, [])),
                     "veto": hv.veto_text(assessed, code, lang) if bool(units.at[code, "veto"]) else ""}
    return out


def _prefecture(regions, code: str) -> str:
    """The name of a county's prefecture (陇南市); empty for a prefecture, and for a county directly under the
    province (省直辖, whose grouping code is no region of its own)."""
    city = regions.city_of(code) if regions[code].level == "county" else None
    return regions[city].name if city in regions else ""


def _f(x):
    return None if x is None or pd.isna(x) else round(float(x), 2)


def _i(x):
    return None if x is None or pd.isna(x) else int(x)


# A unit without a score (it reported nothing) shows "—", never d3's 0.00 for null.
TWO_DECIMALS = {"function": "params.value == null ? '—' : d3.format('.2f')(params.value)"}


def column_defs(table, pillars: dict, lang: str, n: int, scope: str = "province", assessed=None) -> list[dict]:
    prefecture = [{"field": "prefecture", "headerName": t("col_prefecture", lang), "filter": "agTextColumnFilter",
                   "minWidth": 92}] if scope == "province" else []
    cols = [
        {"field": "rank", "headerName": t("rank", lang), "width": 80, "minWidth": RANK_MIN_WIDTH, "pinned": "left", "sort": "asc",
         "comparator": RANKS_LAST},
        {"field": "region", "headerName": t("region", lang), "cellRenderer": "markdown", "pinned": "left",
         "filter": "agTextColumnFilter", "minWidth": REGION_MIN_WIDTH},
        *prefecture,
        {"field": "score", "headerName": score_label(scope, lang), "width": 120, "minWidth": 72,
         "valueFormatter": TWO_DECIMALS},
        {"field": "change", "headerName": t("change", lang), "width": 100, "minWidth": 64},
        {"field": "rank_p05", "headerName": t("interval", lang), "cellRenderer": "RankInterval",
         "cellRendererParams": {"n": n}, "minWidth": 130, "sortable": False},
        {"field": "trend", "headerName": "↗", "cellRenderer": "Sparkline", "cellRendererParams": {"n": n},
         "cellDataType": False, "width": 110, "minWidth": 84, "sortable": False, "context": {"noPrint": True}},  # a list drawn as a line, not a value to format
    ]
    if assessed is not None:
        # on paper (assets/print.js) the types and the trend give way to the pillars: the honour card and the
        # type rankings carry the types; 荣誉 wraps onto two lines (强县、先进县、进步县) in its row
        cols += [{"field": "types", "headerName": t("honour_col_types", lang), "minWidth": 150,
                  "filter": "agTextColumnFilter", "context": {"noPrint": True}},
                 {"field": "honours", "headerName": t("honour_col_honours", lang), "minWidth": 80,
                  "filter": "agTextColumnFilter", "tooltipField": "reason", "wrapText": True,
                  "cellClass": "cell-wrap"}]  # a veto: the card and the tooltip
    for col in table.columns:
        if col.startswith("pillar_"):
            key = col.removeprefix("pillar_")
            names = pillars.get(key, {})
            cols.append({"field": col, "headerName": names.get(lang, names.get("zh", key)), "width": 110, "minWidth": 68,
                         "valueFormatter": TWO_DECIMALS})
    return cols


def export_table(table, pillars: dict, lang: str, scope: str = "province", assessed=None):
    """(frame, columns) for the .xlsx / .csv export of the ranking, as the grid shows it (with the assessment:
    the types, honours and veto of each county too)."""
    from layouts.export import Column

    ranked = table.sort_values(["rank", "region_name"], na_position="last").reset_index()
    ranked["change"] = ranked["rank_change"].map(fmt_change) if "rank_change" in ranked else "—"
    regions = regions_mod.default()
    ranked["prefecture"] = [_prefecture(regions, c) for c in ranked["index" if "index" in ranked else "region_code"]]
    cols = [Column("rank", t("rank", lang), "", "0", 8), Column("region_name", t("region", lang), "", "General", 18),
            *([Column("prefecture", t("col_prefecture", lang), "", "General", 12)] if scope == "province" else []),
            Column("score", score_label(scope, lang), "", "0.00"), Column("change", t("change", lang), "", "General", 10)]
    if "rank_p05" in ranked:
        cols += [Column("rank_p05", t("interval", lang) + " 5%", "", "0"),
                 Column("rank_p95", t("interval", lang) + " 95%", "", "0")]
    for col in table.columns:
        if col.startswith("pillar_"):
            names = pillars.get(col.removeprefix("pillar_"), {})
            cols.append(Column(col, names.get(lang, names.get("zh", col)), "", "0.00"))
    if assessed is not None:
        code_col = "index" if "index" in ranked else "region_code"
        cells = assessed_cells(assessed, ranked[code_col], lang)
        for key in ("types", "honours", "veto"):
            ranked[key] = [cells[c][key] for c in ranked[code_col]]
        cols += [Column("types", t("honour_col_types", lang), "", "General", 20),
                 Column("honours", t("honour_col_honours", lang), "", "General", 14),
                 Column("veto", t("honour_col_reason", lang), "", "General", 30)]
    for c in ("rank", "rank_p05", "rank_p95"):  # whole places (1, never 1.0), empty for an unranked unit
        if c in ranked:
            ranked[c] = ranked[c].astype("float").round().astype("Int64")
    return ranked, cols
