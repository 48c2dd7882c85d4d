"""The brief's figures drawn offline: matplotlib (Agg, one Figure object per call, no pyplot state) to PNG bytes.

Every word on a chart comes from the Figure's data; the CJK font is Noto Sans CJK SC (Debian's fonts-noto-cjk).
The shapes of Figure.data are documented in indicators/brief/doc.py.
"""

from __future__ import annotations

import io
from collections import namedtuple
from functools import lru_cache

from matplotlib import colormaps, font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Rectangle

from indicators import tiles
from indicators.brief.doc import RenderError

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", "WenQuanYi Zen Hei")
WIDTH_CM = 15.5  # the type area of an A4 page with GB/T 9704 margins (210 − 28 − 26 mm)
DPI = 200  # sharp when printed at 15.5 cm, small enough to e-mail
BAR_COLOUR = "#8fa8c8"  # the ordinary bars: quiet
HIGHLIGHT_COLOUR = "#1c4587"  # the units the brief is about (the home city, the county asked for)
BOTTOM_COLOUR = "#c92a2a"  # the bottom three, in the same red as the tables' emphasis rows
BOTTOM_N = 3  # real briefs single out the last three (reference/briefs.md)
BAR_ROW_CM = 0.62  # one bar with its gap, for up to ~28 units
MAX_HEIGHT_CM = 19.0  # a chart never needs more than the page's type area (22.5 cm) less its title
COLOURMAP = "RdYlGn"  # low red, high green, as the dashboard's tile maps
_CM = 1 / 2.54

_Unit = namedtuple("_Unit", "code longitude latitude")


class ChartError(RenderError):
    """A chart cannot be drawn: no CJK font, an unknown kind, or data of the wrong shape."""


@lru_cache(maxsize=1)
def cjk_font() -> font_manager.FontProperties:
    """The first installed CJK sans font, or a ChartError that says what to install."""
    for family in CJK_FAMILIES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return font_manager.FontProperties(family=family)
    raise ChartError("未找到中文字体（Noto Sans CJK），图表无法绘制：请安装 fonts-noto-cjk（apt-get install "
                     "fonts-noto-cjk）/ no CJK font found for the brief's charts: install fonts-noto-cjk")


def _font(size: float, bold: bool = False) -> font_manager.FontProperties:
    fp = cjk_font().copy()
    fp.set_size(size)
    fp.set_weight("bold" if bold else "normal")
    return fp


def _png(fig: MplFigure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def _num(v):
    """A float, or None for a missing value (None or NaN, as pandas hands them over)."""
    if v is None:
        return None
    v = float(v)
    return None if v != v else v


def _rank_text(rank, given: str | None = None) -> str:
    if given:
        return given
    return "" if rank is None else f"第{int(rank)}位"


def ranking_bars(data: dict, title: str = "") -> bytes:
    """Horizontal bars of scores, best at the top, the rank written at each bar; `highlight` in a strong colour,
    the bottom three in red. Units without a value keep their row with no bar."""
    labels = list(data["labels"])
    values = [_num(v) for v in data["values"]]
    ranks = [None if _num(r) is None else int(r) for r in (data.get("ranks") or [])]
    if len(values) != len(labels) or (ranks and len(ranks) != len(labels)):
        raise ChartError(f"ranking_bars: labels ({len(labels)}), values ({len(values)}) and ranks ({len(ranks)}) "
                         "must have the same length")
    if not ranks:
        order = sorted((v for v in values if v is not None), reverse=True)
        ranks = [None if v is None else 1 + order.index(v) for v in values]
    texts = list(data.get("texts") or [None] * len(labels))
    highlight = set(data.get("highlight") or ())
    rows = sorted(range(len(labels)), key=lambda i: (ranks[i] is None, ranks[i] or 0, -(values[i] or 0), i))
    ranked = [i for i in rows if ranks[i] is not None]
    # the last three places, and whoever ties with the third from last
    threshold = ranks[ranked[-BOTTOM_N]] if len(ranked) > BOTTOM_N else None
    bottom = {i for i in ranked if ranks[i] >= threshold} if threshold is not None else set()

    n = len(rows)
    row_cm = min(BAR_ROW_CM, (MAX_HEIGHT_CM - 2.2) / max(n, 1))  # many units: thinner rows, not a taller page
    label_pt = max(5.5, min(10.0, row_cm / BAR_ROW_CM * 10))
    height_cm = 2.2 + row_cm * max(n, 3) + (0.8 if title else 0)
    fig = MplFigure(figsize=(WIDTH_CM * _CM, height_cm * _CM))
    ax = fig.add_subplot()
    present = [values[i] for i in rows if values[i] is not None]
    lo = min(float(data.get("axis_min") or 0.0), min(present, default=0.0))  # axis_min: where the axis starts
    hi = max(present, default=1.0) or 1.0
    span = hi - lo or 1.0
    for y, i in enumerate(rows):
        v = values[i]
        colour = BOTTOM_COLOUR if i in bottom else HIGHLIGHT_COLOUR if labels[i] in highlight else BAR_COLOUR
        if v is not None:
            ax.barh(y, v - lo, left=lo, color=colour, height=0.66,
                    edgecolor=HIGHLIGHT_COLOUR if labels[i] in highlight else "none", linewidth=1.6)
        end = v if v is not None and v > max(lo, 0) else max(lo, 0)
        strong = i in bottom or labels[i] in highlight
        ax.text(end + span * 0.012, y, _rank_text(ranks[i], texts[i]) or "—", va="center", ha="left",
                fontproperties=_font(label_pt * 0.9, strong), color=BOTTOM_COLOUR if i in bottom else "#212529")
    ax.set_yticks(range(n), [labels[i] for i in rows])
    for tick, i in zip(ax.get_yticklabels(), rows, strict=True):
        tick.set_fontproperties(_font(label_pt, labels[i] in highlight or i in bottom))
        tick.set_color(BOTTOM_COLOUR if i in bottom else HIGHLIGHT_COLOUR if labels[i] in highlight else "#212529")
    ax.set_ylim(n - 0.5, -0.5)  # best (first) at the top
    ax.set_xlim(lo, hi + span * 0.16)  # room for the rank after the longest bar
    if data.get("axis"):
        ax.set_xlabel(data["axis"], fontproperties=_font(9))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#dee2e6", linewidth=0.6)
    ax.set_axisbelow(True)
    if title:
        fig.suptitle(title, fontproperties=_font(11, True))
    fig.tight_layout()
    return _png(fig)


def _cells(data: dict) -> dict[str, tuple[int, int]]:
    """{code: (row, col)}: explicit row/col, else the fixed layout of layout_key, else snapped coordinates."""
    units = data["units"]
    if units and all("row" in u and "col" in u for u in units):
        return {u["code"]: (int(u["row"]), int(u["col"])) for u in units}
    fixed = tiles.FIXED_LAYOUTS.get(data.get("layout_key") or "", {})
    if units and all(u["code"] in fixed for u in units):
        return {u["code"]: fixed[u["code"]] for u in units}
    missing = [u.get("label", u["code"]) for u in units if "longitude" not in u or "latitude" not in u]
    if missing:
        raise ChartError(f"tile_map: no fixed layout for {data.get('layout_key')!r} and no longitude/latitude for "
                         f"{', '.join(missing)}")
    return tiles.positions([_Unit(u["code"], float(u["longitude"]), float(u["latitude"])) for u in units])


def _ink(rgba) -> str:
    """Dark text on light tiles, white on dark ones (relative luminance, WCAG)."""
    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in rgba[:3])
    return "#212529" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.22 else "white"


def tile_map(data: dict, title: str = "") -> bytes:
    """Equal squares placed by geography, coloured RdYlGn by value (reversed with data["reverse"]), the label,
    the value text (when given) and the rank written on each; `highlight` codes outlined; a colour bar."""
    units = [{**u, "value": _num(u.get("value")), "rank": None if _num(u.get("rank")) is None else int(u["rank"])}
             for u in data["units"]]
    if not units:
        raise ChartError("tile_map: no units to draw")
    cells = _cells({**data, "units": units})
    rows = max(r for r, _ in cells.values()) + 1
    cols = max(c for _, c in cells.values()) + 1
    present = [u["value"] for u in units if u["value"] is not None]
    lo, hi = (min(present), max(present)) if present else (0.0, 1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    cmap = colormaps[COLOURMAP + ("_r" if data.get("reverse") else "")]
    norm = Normalize(lo, hi)
    highlight = set(data.get("highlight") or ())

    width_in = WIDTH_CM * _CM
    bar_in = 1.1  # the colour bar and its title
    tile_in = min((width_in - bar_in - 0.2) / cols, 1.25)  # Longnan's 4 columns would give 3.2 cm tiles: cap them
    height_in = tile_in * rows + 0.3 + (0.35 if title else 0)
    fig = MplFigure(figsize=(width_in, height_in))
    grid_w = tile_in * cols / width_in
    left = (1 - grid_w - bar_in / width_in) / 2
    top = (0.35 if title else 0.05) / height_in
    ax = fig.add_axes((left, 0.15 / height_in, grid_w, 1 - top - 0.15 / height_in))
    label_pt = max(5.5, min(10.0, tile_in * 72 / 5.2))
    for u in units:
        r, c = cells[u["code"]]
        v = u["value"]
        face = cmap(norm(v)) if v is not None else (0.91, 0.92, 0.93, 1.0)
        outline = u["code"] in highlight
        ax.add_patch(Rectangle((c + 0.04, r + 0.04), 0.92, 0.92, facecolor=face,
                               edgecolor="#212529" if outline else "white", linewidth=2.4 if outline else 0.8))
        lines = [(u.get("label") or u["code"], True)]
        if u.get("value_text"):
            lines.append((u["value_text"], False))
        rank = _rank_text(u["rank"], u.get("rank_text"))
        if rank:
            lines.append((rank, False))
        ink = _ink(face)
        step = 0.27 if len(lines) == 3 else 0.3
        for k, (line, bold) in enumerate(lines):
            y = r + 0.5 + (k - (len(lines) - 1) / 2) * step
            ax.text(c + 0.5, y, line, ha="center", va="center", color=ink,
                    fontproperties=_font(label_pt if bold else label_pt * 0.85, bold))
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)  # row 0 = north at the top
    ax.set_aspect("equal")
    ax.set_axis_off()
    cax = fig.add_axes((left + grid_w + 0.25 / width_in, 0.15 / height_in + (1 - top) * 0.1,
                        0.16 / width_in, (1 - top - 0.15 / height_in) * 0.8))
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax)
    bar.ax.tick_params(labelsize=7)
    if data.get("colour_title"):
        bar.set_label(data["colour_title"], fontproperties=_font(8))
    if title:
        fig.suptitle(title, fontproperties=_font(11, True), y=1 - 0.06 / height_in, va="top")
    return _png(fig)


KINDS = {"ranking_bars": ranking_bars, "tile_map": tile_map}


def render(figure) -> bytes:
    """PNG bytes of a doc.Figure (its title is printed by the document, so not repeated on the image)."""
    draw = KINDS.get(figure.kind)
    if draw is None:
        raise ChartError(f"unknown figure kind {figure.kind!r}; known kinds are {', '.join(KINDS)}")
    return draw(figure.data)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
