"""Tile-grid geometry: equal squares placed roughly by geography (no boundary data that needs map approval).

Pure functions from regions (anything with code, longitude, latitude; level and short_name for labels) to grid
cells, shared by the dashboard's plotly tile maps (layouts/tile_map.py) and the brief's offline charts."""

import math
import re
from functools import lru_cache

import numpy as np

# reference/statistics.md: the bureau's own arrangement of Longnan's counties, row 0 = north.
FIXED_LAYOUTS = {
    "621200": {"621223": (0, 0), "621226": (0, 1), "621225": (0, 2), "621228": (0, 3),
               "621202": (1, 1), "621221": (1, 2), "621227": (1, 3),
               "621222": (2, 0), "621224": (2, 2)},
}
# About 1.6 cells per unit leaves room to keep neighbours near their true places without a sparse grid.
CELLS_PER_UNIT = 1.6
_PREFECTURE_SUFFIX = re.compile(r"(回族自治州|藏族自治州|自治州|市)$")


def tile_label(region) -> str:
    """The name written on a tile: the short name, without 市 / 自治州 for a prefecture (白银, 临夏)."""
    if region.level == "prefecture":
        return _PREFECTURE_SUFFIX.sub("", region.short_name) or region.short_name
    return region.short_name


def snap_to_grid(points: dict[str, tuple[float, float]], cells_per_unit: float = CELLS_PER_UNIT) -> dict:
    """{code: (longitude, latitude)} → {code: (row, col)}, row 0 = north, one unit per cell.

    Coordinates are scaled onto a grid of about cells_per_unit × n cells (longitude shrunk by
    cos(latitude) so distances are true); each unit takes the free cell nearest its true place,
    the units closest to a cell centre choosing first; empty rows and columns are dropped."""
    codes = sorted(points)
    if not codes:
        return {}
    lon = np.array([points[c][0] for c in codes], dtype=float)
    lat = np.array([points[c][1] for c in codes], dtype=float)
    x = (lon - lon.min()) * math.cos(math.radians(float(lat.mean())))
    y = lat.max() - lat
    span_x, span_y = max(float(x.max()), 1e-9), max(float(y.max()), 1e-9)
    cells = len(codes) * cells_per_unit
    cols = max(1, round(math.sqrt(cells * span_x / span_y)))
    rows = max(1, round(math.sqrt(cells * span_y / span_x)))
    gx = x / span_x * (cols - 1) if cols > 1 else np.zeros_like(x)
    gy = y / span_y * (rows - 1) if rows > 1 else np.zeros_like(y)
    residual = np.abs(gx - np.round(gx)) + np.abs(gy - np.round(gy))
    cells = [(r, c) for r in range(-1, rows + 1) for c in range(-1, cols + 1)]

    def cost(i, rc):
        return (rc[0] - gy[i]) ** 2 + (rc[1] - gx[i]) ** 2

    at: dict[tuple, int] = {}
    for i in sorted(range(len(codes)), key=lambda i: (residual[i], codes[i])):
        at[min((rc for rc in cells if rc not in at), key=lambda rc: (cost(i, rc), rc))] = i
    _improve(at, cells, cost)
    return _compact({codes[i]: rc for rc, i in at.items()})


def _improve(at: dict, cells: list, cost) -> None:
    """Move or swap units while that lowers the total squared displacement (greedy leaves crossings)."""
    improved = True
    while improved:
        improved = False
        for a in list(at):
            i = at.get(a)
            if i is None:
                continue
            for b in cells:
                j = at.get(b)
                delta = cost(i, b) - cost(i, a) + ((cost(j, a) - cost(j, b)) if j is not None else 0)
                if delta < -1e-9:
                    at.pop(a), at.pop(b, None)
                    at[b] = i
                    if j is not None:
                        at[a] = j
                    improved = True
                    break


def _compact(placed: dict) -> dict:
    rows = {r: n for n, r in enumerate(sorted({r for r, _ in placed.values()}))}
    cols = {c: n for n, c in enumerate(sorted({c for _, c in placed.values()}))}
    return {code: (rows[r], cols[c]) for code, (r, c) in placed.items()}


def positions(units: list, layout_key: str | None = None) -> dict:
    """Grid cells of regions: the fixed layout for layout_key when it covers them all, else snapped."""
    fixed = FIXED_LAYOUTS.get(layout_key or "", {})
    if units and all(u.code in fixed for u in units):
        return {u.code: fixed[u.code] for u in units}
    return dict(_snapped(tuple((u.code, u.longitude, u.latitude) for u in units)))


@lru_cache(maxsize=64)
def _snapped(points: tuple) -> tuple:
    """Snapping 86 counties takes ~0.1 s and the answer never changes for the same places: computed once."""
    return tuple(snap_to_grid({code: (lon, lat) for code, lon, lat in points}).items())
