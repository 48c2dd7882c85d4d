"""需要关注: the findings of the year's attention rules (indicators/rules.py, data/schemes/<year>.rules.toml) as the
lines a leader reads ("西和县固定资产投资增长-16.4%，全省倒数第2"), one line per county × indicator, worst first,
and as an exportable table (pure: findings in, lines and frames out)."""

import pandas as pd

from indicators import ranking
from indicators import rules as rules_mod
from layouts.export import Column
from layouts.i18n import t

MAX_ITEMS = 12  # the cockpit shows the worst twelve lines; the export has every finding
BOTTOM_KINDS = ("indicator_bottom", "indicator_last", "indicator_negative_bottom", "ledger_rate_last",
                *rules_mod.COMPOSITE_KINDS)
BEHIND_KINDS = ("behind_schedule", "ledger_overdue", "ledger_rate_below", "units_zero")  # work behind, not growth


def growth_ranks(growth: pd.DataFrame, directions: dict[str, int], worst_first: bool = False) -> pd.DataFrame:
    """Rank of each unit (rows) on each indicator's growth (columns) among the units with a value:
    1 = best, or with worst_first 1 = worst (倒数第1). Ties share the smaller rank."""
    out = {}
    for code in growth.columns:
        sign = directions.get(code, 1) or 1
        out[code] = ranking.rank(growth[code] * (-sign if worst_first else sign))
    return pd.DataFrame(out, index=growth.index)


def css_class(f: rules_mod.Finding) -> str:
    """last / second / negative / behind: the colour of a line (assets/app.css), from its worst finding."""
    if f.kind in BOTTOM_KINDS:
        return "last" if f.values.get("place_from_bottom", 1) == 1 else "second"
    return "behind" if f.kind in BEHIND_KINDS else "negative"


def lines(findings: list[rules_mod.Finding], cat, limit: int = MAX_ITEMS) -> list[dict]:
    """One line per unit × indicator, worst first: the facts of its first finding per topic (a unit last on an
    indicator is not also told it is negative: the number says so), joined. Each: code, indicator, key, zh, en,
    cls, rules (the rule ids met)."""
    groups: dict[tuple, list[rules_mod.Finding]] = {}
    for f in sorted(findings, key=lambda f: f.sort_key):
        groups.setdefault((f.region_code, f.indicator), []).append(f)
    out = []
    for (code, ind), fs in groups.items():
        kept = list({f.topic: f for f in reversed(fs)}.values())[::-1]  # the first finding of each topic
        kept.sort(key=lambda f: f.sort_key)
        name_zh = cat[ind].name_zh if ind in cat else ""
        name_en = cat[ind].name_en if ind in cat else ""
        zh = [kept[0].facts_zh] + [_strip(f.facts_zh, name_zh) for f in kept[1:]]
        en = [kept[0].facts_en] + [_strip(f.facts_en, name_en + " ") for f in kept[1:]]
        out.append({"code": code, "indicator": ind, "key": fs[0].sort_key, "cls": css_class(fs[0]),
                    "zh": fs[0].region_name + "；".join(zh), "en": f"{fs[0].region_name}: " + "; ".join(en),
                    "rules": [f.rule_id for f in fs]})
    return sorted(out, key=lambda i: i["key"])[:limit]


def _strip(text: str, prefix: str) -> str:
    return text.removeprefix(prefix) if prefix and text.startswith(prefix) else text


def rule_text(rules: rules_mod.Rules, n: int, lang: str = "zh") -> str:
    """The line under the heading: the attention rules in the rules file's own words, against the province's n
    counties."""
    words = [r.en if lang == "en" else r.zh for r in rules.attention]
    sep = "; " if lang == "en" else "；"
    text = t("cockpit_attention_rule", lang).format(n=n, rules=sep.join(words))
    if rules.carried_from:
        text += t("cockpit_attention_carried", lang).format(year=rules.carried_from)
    return text


def numbers(values: dict) -> str:
    """The numbers behind a finding as text for a cell: 'value=-16.4; place_from_bottom=2; n=86'."""
    return "; ".join(f"{k}={'/'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in values.items())


def export_table(findings: list[rules_mod.Finding], cat, lang: str = "zh") -> tuple[pd.DataFrame, list[Column]]:
    """Every finding (not only the lines shown), worst first: region, indicator, rule, facts, numbers."""
    en = lang == "en"
    rows = [{"region_code": f.region_code, "region_name": f.region_name,
             "indicator": cat[f.indicator].name(lang) if f.indicator in cat else "",
             "rule_id": f.rule_id, "rule": f.rule_en if en else f.rule_zh,
             "facts": f.facts_en if en else f.facts_zh, "numbers": numbers(f.values)}
            for f in sorted(findings, key=lambda f: f.sort_key)]
    cols = [Column("region_code", t("attention_col_code", lang), width=10),
            Column("region_name", t("attention_col_region", lang), width=14),
            Column("indicator", t("attention_col_indicator", lang), width=24),
            Column("rule_id", t("attention_col_rule_id", lang), width=18),
            Column("rule", t("attention_col_rule", lang), width=36),
            Column("facts", t("attention_col_facts", lang), width=56),
            Column("numbers", t("attention_col_numbers", lang), width=48)]
    return pd.DataFrame(rows, columns=[c.field for c in cols]), cols
