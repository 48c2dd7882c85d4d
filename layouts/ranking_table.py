"""Rows and columns of the ranking grid (pure: a scorecard table in, grid data out)."""

from layouts.i18n import fmt_change, t


def rows(table, history: dict, qs: str, lang: str) -> list[dict]:
    """Grid rows: one per unit, best first; the sparkline holds the last quarters' ranks."""
    ranked = table.sort_values(["rank", "region_name"], na_position="last")
    out = []
    for code, r in ranked.iterrows():
        row = {"region_code": code, "region": f"[{r['region_name']}](/county/{code}{qs})",
               "score": _f(r["score"]), "rank": _i(r["rank"]), "change": fmt_change(r.get("rank_change")),
               "rank_p05": _i(r.get("rank_p05")), "rank_p95": _i(r.get("rank_p95")),
               "trend": [_i(card.table["rank"].get(code)) for card in history.values()],
               "reason": r.get("reason", "")}
        for col in table.columns:
            if col.startswith("pillar_"):
                row[col] = _f(r[col])
        out.append(row)
    return out


def _f(x):
    return None if x is None or x != x else round(float(x), 2)


def _i(x):
    return None if x is None or x != x else int(x)


def column_defs(table, pillars: dict, lang: str, n: int) -> list[dict]:
    cols = [
        {"field": "rank", "headerName": t("rank", lang), "width": 80, "pinned": "left", "sort": "asc"},
        {"field": "region", "headerName": t("region", lang), "cellRenderer": "markdown", "pinned": "left",
         "filter": "agTextColumnFilter", "minWidth": 140},
        {"field": "score", "headerName": t("score", lang), "width": 110, "valueFormatter": {"function": "d3.format('.2f')(params.value)"}},
        {"field": "change", "headerName": t("change", lang), "width": 100},
        {"field": "rank_p05", "headerName": t("interval", lang), "cellRenderer": "RankInterval",
         "cellRendererParams": {"n": n}, "minWidth": 180, "sortable": False},
        {"field": "trend", "headerName": "↗", "cellRenderer": "Sparkline", "cellRendererParams": {"n": n},
         "width": 110, "sortable": False},
    ]
    for col in table.columns:
        if col.startswith("pillar_"):
            key = col.removeprefix("pillar_")
            names = pillars.get(key, {})
            cols.append({"field": col, "headerName": names.get(lang, names.get("zh", key)), "width": 110})
    return cols
