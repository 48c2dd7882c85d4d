"""Tile grid maps: equal squares placed roughly by geography (no boundary data needs map approval),
coloured by a value; pure functions from regions and a DataFrame to a plotly Figure. The geometry (cells,
fixed layouts, labels) lives in indicators/tiles.py, shared with the brief's offline charts."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from indicators.tiles import CELLS_PER_UNIT, FIXED_LAYOUTS, positions, snap_to_grid, tile_label
from layouts.figures import TEMPLATE

__all__ = ["CELLS_PER_UNIT", "FIXED_LAYOUTS", "positions", "snap_to_grid", "tile_label", "tiles", "tile_figure"]

COLOURSCALE = "RdYlGn"  # low scores red, high green: the same reading as the status colours
OUTLINE_COLOUR = "#212529"


def tiles(units: list, table: pd.DataFrame, layout_key: str | None = None) -> pd.DataFrame:
    """One row per region: code, row, col, label, name, score, rank (from a scorecard table)."""
    cells = positions(units, layout_key)
    out = pd.DataFrame([{"code": u.code, "row": cells[u.code][0], "col": cells[u.code][1],
                         "label": tile_label(u), "name": u.name} for u in units])
    if out.empty:
        return out.assign(score=[], rank=[])
    out["score"] = out["code"].map(table["score"].astype(float)) if "score" in table else np.nan
    out["rank"] = out["code"].map(table["rank"]) if "rank" in table else pd.NA
    return out.sort_values(["row", "col"]).reset_index(drop=True)


def tile_figure(t: pd.DataFrame, *, title: str, colour_title: str, rank_word: str, highlight: str | None = None,
                tile_px: int = 84, font_size: int = 12, detail: bool = True, reverse: bool = False,
                value_format: str = "{:.1f}") -> go.Figure:
    """The tiles as a heatmap (empty cells blank): name, score and rank written on each tile, a
    continuous colour scale with its legend, the full name on hover, `highlight` outlined.
    `rank_word` formats a rank, e.g. "第{}名"; customdata holds the region code for clicks. Small tiles
    (`detail=False`) carry only the name; `reverse` colours low values green (indicators where lower is better)."""
    rows, cols = int(t["row"].max()) + 1, int(t["col"].max()) + 1
    z = np.full((rows, cols), np.nan)
    text = np.full((rows, cols), "", dtype=object)
    hover = np.full((rows, cols), "", dtype=object)
    codes = np.full((rows, cols), "", dtype=object)
    for r in t.itertuples():
        z[r.row, r.col] = r.score
        rank = "" if pd.isna(r.rank) else rank_word.format(int(r.rank))
        score = "—" if pd.isna(r.score) else value_format.format(r.score)
        text[r.row, r.col] = f"<b>{r.label}</b><br>{score}<br>{rank}" if detail else r.label
        hover[r.row, r.col] = f"{r.name}<br>{colour_title} {score}<br>{rank}"
        codes[r.row, r.col] = r.code
    scores = t["score"].dropna()
    lo, hi = (float(scores.min()), float(scores.max())) if len(scores) else (0.0, 1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    fig = go.Figure(go.Heatmap(
        z=z, text=text, texttemplate="%{text}", textfont={"size": font_size}, hovertext=hover, customdata=codes,
        hovertemplate="%{hovertext}<extra></extra>", hoverongaps=False, colorscale=COLOURSCALE + ("_r" if reverse else ""), zmin=lo, zmax=hi,
        xgap=4, ygap=4, colorbar={"title": {"text": colour_title, "side": "right"}, "thickness": 12, "len": 0.9}))
    if highlight is not None and (t["code"] == highlight).any():
        h = t[t["code"] == highlight].iloc[0]
        fig.add_shape(type="rect", x0=h["col"] - 0.5, x1=h["col"] + 0.5, y0=h["row"] - 0.5, y1=h["row"] + 0.5,
                      line={"color": OUTLINE_COLOUR, "width": 4}, fillcolor="rgba(0,0,0,0)")
    axis = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": True}
    fig.update_layout(
        template=TEMPLATE, title={"text": title, "font": {"size": 14}}, height=tile_px * rows + 70,
        margin={"l": 4, "r": 4, "t": 36, "b": 4}, dragmode=False,
        xaxis=axis | {"range": [-0.5, cols - 0.5], "constrain": "domain"},
        yaxis=axis | {"range": [rows - 0.5, -0.5], "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"})
    return fig
