"""Simulated names (模拟) for Longnan's item ledgers: the units below each county, creditors, projects,
enterprises and leaders. Departments carry their county's real name (“宕昌县住房和城乡建设局”); townships, firms and
people are made up and marked where they appear (firms end in “（模拟）”, people are “张某某”)."""

from __future__ import annotations

import numpy as np

from loaders.demo_data.ledger_items.base import level_word

# County departments: (key, full name after the county's, short name used on ledgers).
DEPTS = (
    ("fgj", "发展和改革局", "发改局"), ("gxj", "工业和信息化局", "工信局"), ("swj", "商务局", "商务局"),
    ("zjj", "住房和城乡建设局", "住建局"), ("jtj", "交通运输局", "交通局"), ("nyj", "农业农村局", "农业农村局"),
    ("wlj", "文化和旅游局", "文旅局"), ("slj", "水务局", "水务局"), ("jyj", "教育局", "教育局"),
    ("wjj", "卫生健康局", "卫健局"), ("zrj", "自然资源局", "自然资源局"), ("tcj", "投资促进局", "投促局"),
)
CITY = "621200"
CITY_DEPTS = (("fgw", "陇南市发展和改革委员会", "市发改委"), ("gxj", "陇南市工业和信息化局", "市工信局"),
              ("swj", "陇南市商务局", "市商务局"), ("tcj", "陇南市投资促进局", "市投促局"),
              ("zjj", "陇南市住房和城乡建设局", "市住建局"))
TEAM_AREAS = ("长三角", "珠三角", "京津冀", "成渝")
ORDINALS = "一二三四"
TOWN_FIRST = "石柳杨马龙白青金安黄罗高桃李松柏双望永太新峡枣梨"
TOWN_SECOND = "门林坝坪河川岭峪沟关山寨湾庄堡口滩塬溪"

FIRM_WORDS = ("恒达", "宏远", "陇兴", "鑫源", "金桥", "华泰", "祥瑞", "顺通", "锦程", "博远", "众诚", "聚鑫", "盛川",
              "永安", "汇通", "嘉禾", "同力", "天佑", "润泽", "广信", "立诚", "德丰", "和畅", "昌盛")
CREDITOR_TRADES = ("建筑工程", "市政工程", "建材", "商贸", "物业服务", "园林绿化", "信息技术", "劳务", "机械设备租赁",
                   "印务", "医疗器械", "餐饮服务", "环保工程", "水利工程")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何罗高林"
LEADER_TITLES = ("{lw}委常委、副{lw}长", "副{lw}长", "{lw}人大常委会副主任", "{lw}政协副主席")

# Key projects and investment projects plausible for Longnan (not real projects).
KEY_PROJECTS = (  # (project, the department that usually leads it: names.DEPTS keys)
    ("花椒精深加工产业园", "gxj"), ("油橄榄精深加工", "gxj"), ("核桃产业园", "nyj"), ("中药材（党参、红芪）加工园区", "gxj"),
    ("茶叶加工及仓储", "nyj"), ("食用菌产业基地", "nyj"), ("冷链物流中心", "fgj"), ("{n}MW光伏发电", "fgj"),
    ("城区污水处理厂提标改造", "zjj"), ("城乡供水一体化工程", "slj"), ("农村公路提升改造", "jtj"), ("高标准农田建设", "nyj"),
    ("乡村旅游综合体", "wlj"), ("文旅康养小镇", "wlj"), ("职业技术学校扩建", "jyj"), ("人民医院住院综合楼", "wjj"),
    ("老旧小区改造", "zjj"), ("农产品电商产业园", "fgj"), ("抽水蓄能前期工程", "fgj"), ("地质灾害综合治理", "zrj"),
    ("县城集中供热", "zjj"), ("矿产资源绿色开发技改", "gxj"), ("智慧物流园", "fgj"), ("养老服务中心", "fgj"),
)
INVESTMENT_PROJECTS = (
    "花椒油及调味品加工", "油橄榄种植及榨油", "核桃乳饮品生产线", "中药材饮片加工", "蜂产品深加工",
    "高山蔬菜冷链", "文旅演艺及民宿集群", "光伏储能一体化", "新型建材生产线", "农特产品直播电商基地",
    "康养度假区", "预制菜加工", "有色金属精深加工", "生物有机肥生产", "数据中心及算力服务", "茶旅融合示范园",
    "山地户外运动基地", "竹木制品加工",
)
ENTERPRISE_TRADES = {
    "规上工业": ("食品", "农产品加工", "新型建材", "矿业", "中药材加工", "新材料"),
    "限上批零住餐": ("商贸", "连锁超市", "酒店管理", "餐饮管理", "汽车销售", "医药连锁"),
    "规上服务业": ("物流", "信息技术", "物业服务", "旅游开发", "人力资源服务"),
    "资质内建筑业": ("建筑工程", "市政工程", "装饰工程"),
    "房地产开发": ("房地产开发",),
}


def dept_name(county_name: str, full: str) -> str:
    return f"{county_name}{full}"


def dept_alias(county: str, short: str) -> str:
    """What a ledger writes in 责任单位: “县住建局”, “区发改局”."""
    return f"{level_word(county)}{short}"


def townships(rng: np.random.Generator, county: str, n: int) -> list[str]:
    """城关镇 (武都区: two 街道 first) and simulated township names, distinct within the county."""
    out = ["城东街道", "城西街道"] if county == "621202" else []
    out.append("城关镇")
    while len(out) < n:
        name = rng.choice(list(TOWN_FIRST)) + rng.choice(list(TOWN_SECOND)) + ("镇" if rng.random() < 0.7 else "乡")
        if name[:2] not in {o[:2] for o in out}:
            out.append(name)
    return out


def teams(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    """(name, alias) of n investment teams: 赴长三角招商小分队 / 招商一组."""
    areas = list(rng.permutation(TEAM_AREAS))[:n]
    return [(f"赴{a}招商小分队", f"招商{ORDINALS[k]}组") for k, a in enumerate(areas)]


class Namer:
    """Draws names without repeating one within a county."""

    def __init__(self, rng: np.random.Generator, places: list[str] = ()):
        self.rng = rng
        self.places = list(places)  # townships a project may be placed at
        self.used: set[str] = set()

    def _fresh(self, make) -> str:
        for _ in range(200):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("simulated names exhausted")

    def creditor(self) -> str:
        return self._fresh(lambda: f"{self.rng.choice(FIRM_WORDS)}{self.rng.choice(CREDITOR_TRADES)}有限公司（模拟）")

    def enterprise(self, short: str, kind: str) -> str:
        trades = ENTERPRISE_TRADES[kind]
        return self._fresh(lambda: f"{short}{self.rng.choice(FIRM_WORDS)}{self.rng.choice(trades)}有限公司（模拟）")

    def project(self, short: str, pool: tuple[str, ...], what: str | None = None) -> str:
        """“宕昌花椒精深加工产业园项目”, now and then at a township (“宕昌城关镇…”) or as a second phase; `what` fixes
        the kind of project."""
        def make():
            kind = what if what is not None else str(self.rng.choice(pool))
            kind = kind.replace("{n}", str(int(self.rng.choice([20, 50, 100, 150]))))
            where = str(self.rng.choice(self.places)) if self.places and self.rng.random() < 0.4 else ""
            phase = "（二期）" if self.rng.random() < 0.15 else ""
            return f"{short}{where}{kind}{phase}项目"
        return self._fresh(make)

    def leader(self, county: str) -> str:
        title = self.rng.choice(LEADER_TITLES).format(lw=level_word(county))
        return f"{self.rng.choice(list(SURNAMES))}某某（{title}）"
