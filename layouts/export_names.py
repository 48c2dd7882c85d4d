"""What an export is called and what its title row says: one rule for every .xlsx and .csv the app sends.

File name (always Chinese, whatever the page's language, so files from one bureau sort and file together):
    <页面>_<对象>_<期间>[_<细节>]_<数据状态>[_模拟数据].<ext>
    排名_陇南市各县区_2026年三季度_8c801547f8d0.xlsx · 县区指标_礼县_2026年1-10月_… · 进位所需_礼县_前10名_2026年三季度_…
    · 指标_固定资产投资_2026年1-10月_… · 排名_14个市州_2026年三季度_…_模拟数据.csv
The data state is in the name because a CSV carries nothing else: a CSV is the header row and the rows only (machine
readable: pandas or Excel read it as a table, first line the columns), so its name is what ties it to the numbers
on screen. An .xlsx also says all of it in its title row, in the page's language: page, subject, period, detail,
the data state (shell.state_text) and 模拟数据 when the data are the demo's.
"""

import re

from layouts.i18n import period_label, t
from layouts.shell import state_text
from loaders import regions as regions_mod

UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')  # characters Windows (or a shell) does not take in a file name


def scope_subject(scope: str | None, lang: str = "zh", regions=None) -> str:
    """The comparison set as a noun: 全省县区 / 14个市州 / 陇南市各县区."""
    regions = regions or regions_mod.default()
    scope = scope or "province"
    if scope == "prefectures":
        n = len(regions.of_level("prefecture"))
        return f"{n}个市州" if lang == "zh" else f"{n} prefectures"
    if scope.startswith("city:") and scope[5:] in regions:
        name = regions[scope[5:]].name
        return f"{name}各县区" if lang == "zh" else f"Counties of {name}"
    return "全省县区" if lang == "zh" else "All counties"


def _parts(page: str, subject: str, period: str | None, detail: str, lang: str) -> list[str]:
    return [p for p in (page, subject, detail, period_label(period, lang) if period else "") if p]


def file_name(page: str, ext: str, *, subject: str = "", period: str | None = None, detail: str = "",
              state: str = "", simulated: bool = False) -> str:
    """排名_陇南市各县区_2026年三季度_8c801547f8d0.xlsx (see the module docstring); subject and detail in Chinese."""
    parts = [*_parts(page, subject, period, detail, "zh"), state, "模拟数据" if simulated else ""]
    stem = "_".join(UNSAFE.sub("-", p).strip("-") for p in parts if p)
    return f"{stem}.{ext.lstrip('.')}"


def title(page: str, lang: str, *, subject: str = "", period: str | None = None, detail: str = "", state: str = "",
          simulated: bool = False, note: str = "") -> str:
    """The .xlsx title row: '排名 · 陇南市各县区 · 2026年三季度（2026年…综合评价；数据状态 8c80…；模拟数据）';
    subject and detail in the page's language."""
    head = " · ".join(_parts(page, subject, period, detail, lang))
    sep = "；" if lang == "zh" else "; "
    tail = sep.join(p for p in (note, state_text(state, lang) if state else "", t("simulated", lang) if simulated else "")
                    if p)
    if not tail:
        return head
    return f"{head}（{tail}）" if lang == "zh" else f"{head} ({tail})"
