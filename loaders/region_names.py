"""The stem of a division's name (武都区 -> 武都, 积石山保安族东乡族撒拉族自治县 -> 积石山): the name without
its suffix (区/县/市/旗/盟/地区/自治州/…) or ethnic qualifier, or the name itself when less than two characters
would remain. data/make_regions.py keeps a stem as the short name when it is unique in the province; the
resolver (loaders/regions.py) also knows the shared ones (长沙 for 长沙市 and 长沙县), for a sheet of one level.
"""

import re

# Suffixes tried longest first; one is removed only when two characters at least remain (清新区 -> 清新, not 清).
SUFFIXES = ("自治州", "自治县", "自治旗", "联合旗", "新区", "矿区", "特区", "地区", "市", "区", "县", "旗", "盟")
SPECIAL_SHORT = {"神农架林区": "神农架"}  # the one 林区 of GB/T 2260 (碑林区, 万柏林区 are ordinary 区)
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
    "傣", "黎", "傈僳", "佤", "畲", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌",
    "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂",
    "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
)
# 伊犁哈萨克自治州, 察布查尔锡伯自治县, 和布克赛尔蒙古自治县 …: these groups are also written without 族.
WITHOUT_ZU = ("蒙古", "哈萨克", "柯尔克孜", "锡伯", "塔吉克")
_GROUPS = "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True))
ETHNIC = re.compile(rf"(?:(?:{_GROUPS})族|(?:{'|'.join(WITHOUT_ZU)}))$")


def stem(name: str) -> str:
    if name in SPECIAL_SHORT:
        return SPECIAL_SHORT[name]
    base = next((name[: -len(s)] for s in SUFFIXES if name.endswith(s) and len(name) - len(s) >= 2), name)
    while ETHNIC.search(base) and len(ETHNIC.sub("", base)) >= 2:
        base = ETHNIC.sub("", base)
    base = base.removesuffix("族")  # 东乡族自治县 -> 东乡, 鄂温克族自治旗 -> 鄂温克
    return base if len(base) >= 2 else name

