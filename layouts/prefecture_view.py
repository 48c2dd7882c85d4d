"""Pure builders of the prefecture page (市州) that the county page has no counterpart for: the rank line with
its change, and the prefecture's counties with their scores within the city and in the province. The rest of
the page reuses county_view (indicator grid, gap answers) and cockpit_view (rank and score trend)."""

import dash_ag_grid as dag
import pandas as pd

from layouts.county_view import CENTRED, score_line
from layouts.i18n import fmt_change, grid_text, score_label, t

DEFAULT_TARGET_RANK = 10  # "进入前十": the mayor's question about 陇南 among the 14 prefectures


def default_rank(n: int) -> int:
    """The target rank asked when the URL names none: the top ten, or one place short of last among fewer units."""
    return max(1, min(DEFAULT_TARGET_RANK, n - 1))


def title_lines(row: pd.Series, n: int, lang: str = "zh") -> list[str]:
    """'市州间得分 71.20 · 市州间第14名（共14个，5–95%区间 第12–14名）' and '较上季度↑1' (the comparison set said)."""
    return [score_line(row, "prefectures", n, lang), t("pref_change", lang).format(x=fmt_change(row.get("rank_change")))]


def _num(x, d=2):
    return None if x is None or pd.isna(x) else round(float(x), d)


def county_rows(counties: list[str], names: dict[str, str], city: pd.DataFrame | None, province: pd.DataFrame,
                links: set[str], qs: str) -> list[dict]:
    """One row per county of the prefecture, best within the city first (else best in the province): its name (a
    link to its page where the account may open it), its score and rank within the city (left out of the rows
    when `city` is None: not to be shown) and in the province."""
    out = []
    for c in counties:
        name = names.get(c, c)
        r_prov = province.loc[c] if c in province.index else None
        row = {"region_code": c, "region": f"[{name}](/county/{c}{qs})" if c in links else name,
               "score_prov": None if r_prov is None else _num(r_prov["score"]),
               "rank_prov": None if r_prov is None else _num(r_prov["rank"], 0)}
        if city is not None:
            r_city = city.loc[c] if c in city.index else None
            row |= {"score_city": None if r_city is None else _num(r_city["score"]),
                    "rank_city": None if r_city is None else _num(r_city["rank"], 0)}
        out.append(row)
    key = "rank_city" if city is not None else "rank_prov"
    out.sort(key=lambda r: (r[key] is None, r[key] or 0, r["region_code"]))
    for r in out:
        for k in ("rank_city", "rank_prov"):
            if k in r:
                r[k] = None if r[k] is None else int(r[k])
    return out


def county_columns(lang: str, n_city: int | None, n_prov: int) -> list[dict]:
    """County, score and rank within the city (left out when the account may not see that comparison), score and
    rank in the province; each score header names its comparison set (i18n.score_label)."""
    num = {"type": "rightAligned", "valueFormatter": {"function": "params.value == null ? '—' : d3.format('.2f')(params.value)"}}
    cols = [{"field": "region", "headerName": t("pref_col_county", lang), "cellRenderer": "markdown", "minWidth": 110,
             "flex": 1, "cellStyle": CENTRED}]
    if n_city is not None:
        cols += [{"field": "score_city", "headerName": score_label("city", lang), "width": 120, **num},
                 {"field": "rank_city", "headerName": f"{t('county_col_rank_city', lang)}/{n_city}", "width": 112,
                  "type": "rightAligned"}]
    cols += [{"field": "score_prov", "headerName": score_label("province", lang), "width": 140, **num},
             {"field": "rank_prov", "headerName": f"{t('county_col_rank_prov', lang)}/{n_prov}", "width": 112,
              "type": "rightAligned"}]
    return cols


def county_grid(rows: list[dict], lang: str, n_city: int | None, n_prov: int, grid_id: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id, rowData=rows, columnDefs=county_columns(lang, n_city, n_prov),
        defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True},
        dashGridOptions={**grid_text(lang), "domLayout": "autoHeight", "animateRows": False},
        style={"width": "100%"}, className="ag-theme-alpine county-grid")
