"""The demo's county types (县域类型): a SIMULATED assignment of Gansu's 86 counties to the five types of
甘政办发〔2021〕41号 (one or two each), written as the bureau would upload it — one CSV with a title saying 模拟.

Plausible, not published: city districts are 城市服务型, mining and energy counties 工业主导型, the grain, fruit and
herb counties 农业优先型, the scenic ones 文旅赋能型 and the Gannan, Qilian and desert-edge counties 生态功能型. The
codes are data/schemes/2026.toml's [[groups]] codes (the upload accepts codes or names; the file writes names).
"""

from pathlib import Path

from loaders import regions as regions_mod

NAMES = {"city": "城市服务型", "industry": "工业主导型", "agriculture": "农业优先型", "tourism": "文旅赋能型",
         "ecology": "生态功能型"}
C, N, A, T, E = "city", "industry", "agriculture", "tourism", "ecology"
ASSIGNMENT = {  # county code → (first type, second type or "")
    "620102": (C, ""), "620103": (C, ""), "620104": (N, C), "620105": (C, ""), "620111": (N, ""),
    "620121": (N, A), "620122": (A, ""), "620123": (A, T),
    "620302": (N, C), "620321": (N, A),
    "620402": (N, C), "620403": (N, ""), "620421": (A, ""), "620422": (A, ""), "620423": (A, T),
    "620502": (C, ""), "620503": (C, T), "620521": (A, ""), "620522": (A, ""), "620523": (A, ""), "620524": (A, ""),
    "620525": (A, E),
    "620602": (C, A), "620621": (A, E), "620622": (A, ""), "620623": (E, T),
    "620702": (C, A), "620721": (E, ""), "620722": (A, ""), "620723": (A, ""), "620724": (A, ""), "620725": (A, T),
    "620802": (C, T), "620821": (A, ""), "620822": (A, ""), "620823": (N, ""), "620825": (A, ""), "620826": (A, ""),
    "620881": (N, ""),
    "620902": (C, N), "620921": (A, ""), "620922": (N, A), "620923": (E, ""), "620924": (E, T), "620981": (N, ""),
    "620982": (T, ""),
    "621002": (C, ""), "621021": (N, A), "621022": (N, A), "621023": (N, E), "621024": (A, ""), "621025": (A, ""),
    "621026": (A, ""), "621027": (A, ""),
    "621102": (C, ""), "621121": (A, ""), "621122": (N, A), "621123": (A, ""), "621124": (A, ""), "621125": (A, E),
    "621126": (A, ""),
    "621202": (C, A), "621221": (N, T), "621222": (E, A), "621223": (T, A), "621224": (T, E), "621225": (A, ""),
    "621226": (A, ""), "621227": (N, ""), "621228": (E, T),
    "622901": (C, ""), "622921": (A, ""), "622922": (A, ""), "622923": (T, N), "622924": (N, ""), "622925": (T, A),
    "622926": (A, ""), "622927": (A, ""),
    "623001": (C, T), "623021": (E, A), "623022": (E, ""), "623023": (E, ""), "623024": (E, T), "623025": (E, ""),
    "623026": (E, ""), "623027": (T, E),
}
TITLE = "{year}年各县区县域类型（模拟分配，演示用，非官方认定）"


def file_name(year: int) -> str:
    return f"县域类型_{year}年_模拟.csv"


def write_types(out_dir: Path, year: int) -> list[tuple[Path, str, str, str]]:
    """The types file for `year` as a manifest entry (path, kind, format, description)."""
    regions = regions_mod.default()
    counties = [r.code for r in regions.of_level("county")]
    missing = sorted(set(counties) - set(ASSIGNMENT))
    if missing:
        raise ValueError(f"demo county types: no type for {', '.join(missing)}; add them to ASSIGNMENT")
    lines = [TITLE.format(year=year), "年度,县区,类型,第二类型"]
    for code in counties:
        first, second = ASSIGNMENT[code]
        lines.append(f"{year},{regions[code].name},{NAMES[first]},{NAMES[second] if second else ''}")
    path = out_dir / file_name(year)
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return [(path, "county_types", "county_types", f"{year}年各县区县域类型（模拟分配：每个县区一至两个类型）")]
