"""方法 page builders (pure): the year's scheme as a table, the weights actually used beside the entropy and
CRITIC diagnostics, and how sensitive the ranking is to the method (rank intervals, pairs not really different)."""

import math

import pandas as pd
import plotly.graph_objects as go

from indicators.rules import SCHEME, Rules
from indicators.scheme import Scheme, SchemeIndicator
from indicators.weights import WEIGHTINGS
from layouts.figures import TEMPLATE
from layouts.i18n import fmt_number, label, t
from loaders import ledger_kinds, unit_measures

# A rank interval wider than this many places means the rank alone should not be read literally
# (issue 4, point 7: "the share of counties whose rank interval is wider than three places").
WIDE_PLACES = 3
# The diagnostics beside the weights actually used, in the chart's order.
DIAGNOSTICS = ("entropy", "critic")
WEIGHT_COLOURS = {"used": "#4263eb", "entropy": "#f59f00", "critic": "#2f9e44"}
WEIGHT_LEGEND = {"used": "method_weights_used", "entropy": "method_weights_entropy", "critic": "method_weights_critic"}
LABEL_WRAP = 8  # CJK characters per line of an indicator name on the weights chart (a phone has ~390 px)
# The pairs grid grows with its rows up to this many, then scrolls.
GRID_ROWS_IN_PAGE = 20


def wrap_label(name: str, width: int = LABEL_WRAP) -> str:
    """A long Chinese name cut into balanced lines of at most `width` characters ('税收收入占一般公共<br>预算收入比重');
    names with spaces (English) are left to plotly."""
    if " " in name or len(name) <= width:
        return name
    lines = math.ceil(len(name) / width)
    step = math.ceil(len(name) / lines)
    return "<br>".join(name[i:i + step] for i in range(0, len(name), step))


def scoring_how(ind: SchemeIndicator, lang: str = "zh") -> str:
    """One line on how the indicator's scoring mode turns a value into points (goalposts with its bounds)."""
    if ind.scoring == "goalposts":
        lo, hi = f"{ind.lower:g}", f"{ind.upper:g}"
        key = "method_how_goalposts" if ind.direction == 1 else "method_how_goalposts_neg"
        return t(key, lang).format(lower=lo, upper=hi)
    if ind.scoring == "rank_points":
        return t("method_how_rank_points", lang).format(full=fmt_number(ind.full_marks, 0), step=fmt_number(100 * ind.step, 0))
    if ind.scoring == "target" and ind.partial:
        return t("method_how_target_partial", lang)
    return label("scoring_how", ind.scoring, lang)


def scheme_rows(scheme: Scheme, weights_used: pd.Series, catalogue, lang: str = "zh") -> list[dict]:
    """One row per scheme indicator: pillar, name, measure, direction, weight, effective weight (%), scoring mode
    and how it scores. Weights used come from the scorecard (composite result), never recomputed here."""
    rows = []
    for ind in scheme.indicators:
        pillar = scheme.pillars.get(ind.pillar, {})
        rows.append({
            "code": ind.code,
            "pillar": pillar.get(lang, pillar.get("zh", ind.pillar)) if ind.pillar else "—",
            "indicator": catalogue[ind.code].name(lang) if ind.code in catalogue else ind.code,
            "measure": label("measure", ind.measure, lang),
            "direction": t("method_direction_up" if ind.direction == 1 else "method_direction_down", lang),
            "weight": float(ind.weight),
            "effective_pct": round(100 * float(weights_used.get(ind.code, 0.0)), 2),
            "scoring": label("scoring", ind.scoring, lang),
            "how": scoring_how(ind, lang),
        })
    return rows


def scheme_columns(lang: str = "zh") -> list[dict]:
    return [
        {"field": "pillar", "headerName": t("method_pillar", lang), "width": 110 if lang == "zh" else 140,
         "pinned": "left"},
        {"field": "indicator", "headerName": t("method_indicator", lang), "minWidth": 260, "tooltipField": "indicator"},
        {"field": "measure", "headerName": t("method_measure", lang), "width": 100 if lang == "zh" else 120},
        {"field": "direction", "headerName": t("method_direction", lang), "width": 90 if lang == "zh" else 145},
        {"field": "weight", "headerName": t("method_weight", lang), "width": 105},
        {"field": "effective_pct", "headerName": t("method_effective", lang), "width": 120 if lang == "zh" else 145,
         "valueFormatter": {"function": "d3.format('.1f')(params.value) + '%'"}},
        {"field": "scoring", "headerName": t("method_scoring", lang), "width": 110 if lang == "zh" else 160},
        {"field": "how", "headerName": t("method_how", lang), "minWidth": 320, "flex": 1, "wrapText": True,
         "autoHeight": True, "cellStyle": {"lineHeight": "20px", "paddingTop": "10px", "paddingBottom": "10px"}},
    ]


def weight_table(matrix: pd.DataFrame, scheme: Scheme, weights_used: pd.Series) -> pd.DataFrame:
    """Per indicator (scheme order): the weights used and the entropy and CRITIC weights computed on the comparison
    set's matrix (indicators.weights.WEIGHTINGS), each summing to 1."""
    out = pd.DataFrame({"used": weights_used.reindex(scheme.codes).astype(float)})
    for mode in DIAGNOSTICS:
        out[mode] = WEIGHTINGS[mode](matrix, scheme).reindex(scheme.codes).astype(float)
    return out.rename_axis("indicator")


def weights_figure(weights: pd.DataFrame, names: dict[str, str], lang: str = "zh") -> go.Figure:
    """Grouped horizontal bars in %: the weights used beside the entropy and CRITIC diagnostics, scheme order top down."""
    labels = [wrap_label(names.get(c, c)) for c in weights.index]
    fig = go.Figure()
    for col in ("used", *DIAGNOSTICS):
        pct = (100 * weights[col]).round(1)
        name = t(WEIGHT_LEGEND[col], lang)
        fig.add_trace(go.Bar(y=labels, x=pct, orientation="h", name=name, marker_color=WEIGHT_COLOURS[col],
                             hovertemplate="%{y}<br>" + name + " %{x:.1f}%<extra></extra>"))
    fig.update_layout(
        barmode="group", template=TEMPLATE, height=max(360, 36 * len(labels) + 120),
        margin={"l": 10, "r": 10, "t": 20, "b": 80},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        xaxis={"title": t("method_weights_axis", lang), "ticksuffix": "%"},
        yaxis={"autorange": "reversed", "automargin": True})
    return fig


def interval_width(table: pd.DataFrame) -> pd.Series:
    """Places a ranked unit's rank moves within its 5–95 % interval (p95 − p05), ranked units only."""
    ranked = table[table["rank"].notna() & table["rank_p05"].notna()]
    return (ranked["rank_p95"] - ranked["rank_p05"]).astype(float)


def sensitivity(table: pd.DataFrame, wide: int = WIDE_PLACES) -> dict:
    """n ranked units, how many have an interval wider than `wide` places, their share, the mean width, and the
    neighbouring pairs whose intervals overlap (scorecard.table.not_distinct_from)."""
    width = interval_width(table)
    n = len(width)
    n_wide = int((width > wide).sum())
    return {"n": n, "wide": n_wide, "share": n_wide / n if n else float("nan"),
            "mean_width": float(width.mean()) if n else float("nan"), "pairs": not_distinct_pairs(table)}


def not_distinct_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """Each pair of neighbours flagged "not really different" once, better-ranked unit first, by rank."""
    rows = []
    for code, r in table.dropna(subset=["rank"]).iterrows():
        for other in r.get("not_distinct_from") or []:
            o = table.loc[other]
            if (o["rank"], other) > (r["rank"], code):
                rows.append({"rank_a": int(r["rank"]), "name_a": r["region_name"],
                             "interval_a": f"{int(r['rank_p05'])}–{int(r['rank_p95'])}",
                             "rank_b": int(o["rank"]), "name_b": o["region_name"],
                             "interval_b": f"{int(o['rank_p05'])}–{int(o['rank_p95'])}"})
    cols = ["rank_a", "name_a", "interval_a", "rank_b", "name_b", "interval_b"]
    return pd.DataFrame(rows, columns=cols).sort_values(["rank_a", "rank_b"], kind="stable").reset_index(drop=True)


def pair_columns(lang: str = "zh") -> list[dict]:
    return [
        {"field": "rank_a", "headerName": t("rank", lang), "width": 80},
        {"field": "name_a", "headerName": t("region", lang), "minWidth": 120, "flex": 1},
        {"field": "interval_a", "headerName": t("interval", lang), "width": 180},
        {"field": "rank_b", "headerName": t("method_pair_next_rank", lang), "width": 110},
        {"field": "name_b", "headerName": t("region", lang), "minWidth": 120, "flex": 1},
        {"field": "interval_b", "headerName": t("interval", lang), "width": 180},
    ]


def sensitivity_sentence(stats: dict, unit_word: str, lang: str = "zh") -> str:
    """The sentence a leader reads: how many units' rank intervals exceed WIDE_PLACES places, and what follows."""
    if not stats["n"]:
        return t("method_sens_none", lang)
    return t("method_sens_sentence", lang).format(
        n=stats["n"], units=unit_word, wide=stats["wide"], places=WIDE_PLACES, share=f"{100 * stats['share']:.0f}",
        mean=fmt_number(stats["mean_width"], 1), pairs=len(stats["pairs"]))


def method_facts(scheme: Scheme, params: dict, lang: str = "zh") -> list[str]:
    """Short lines on the scheme as a whole: weights, aggregation, coverage rule and the Monte Carlo set-up."""
    lines = [t("method_fact_weights", lang).format(mode=label("weights", scheme.weights, lang)),
             t("method_fact_aggregation", lang).format(agg=label("aggregation", scheme.aggregation, lang)),
             t("method_fact_coverage", lang).format(pct=f"{100 * scheme.coverage:.0f}")]
    rob = params.get("robustness")
    if rob:
        lines.append(t("method_fact_robustness", lang).format(draws=f"{rob['draws']:,}", noise=f"{100 * rob['weight_noise']:.0f}"))
    return lines


def _ledger_name(code: str, lang: str) -> str:
    kinds = ledger_kinds.default()
    return "" if code not in kinds.codes else (kinds[code].name_en if lang == "en" else kinds[code].name_zh)


def _measure_name(code: str, lang: str) -> str:
    measures = unit_measures.default()
    return "" if code not in measures.codes else (measures[code].name_en if lang == "en" else measures[code].name_zh)


def rule_lines(rules: Rules, catalogue, lang: str = "zh") -> list[tuple[str, list[str]]]:
    """The year's 约谈 and 需要关注 rules, list by list: each rule in the file's own words, then what it tests (its
    kind with its parameters) and the indicators it reads."""
    out = []
    for key, listed in (("method_rules_interview", rules.interview), ("method_rules_attention", rules.attention)):
        lines = []
        for r in listed:
            test = label("rule_kind", r.kind, lang).format(
                places=r.places, quarters=r.quarters, pp=f"{r.pp:g}", items=r.items, rate=f"{r.rate:g}",
                ledger=_ledger_name(r.ledger, lang), measure=_measure_name(r.measure, lang), units=r.units)
            parts = [r.en if lang == "en" else r.zh, test]
            if r.indicators:
                names = t("method_rules_scheme", lang) if r.indicators == (SCHEME,) else \
                    ("、" if lang != "en" else ", ").join(catalogue[c].name(lang) for c in r.indicators)
                parts.append(t("method_rules_indicators", lang).format(names=names))
            lines.append(" · ".join(parts))
        out.append((t(key, lang), lines))
    return out


def assessment_lines(scheme: Scheme, catalogue, lang: str = "zh") -> list[str]:
    """The scheme's county types (with the weights that differ from the province's), honour lists, improvement,
    adjustments with their caps and veto items, in words — read from the scheme file; [] when it has none."""
    sep = ", " if lang == "en" else "、"
    lines = []
    if scheme.groups:
        diffs = []
        for g in scheme.groups:
            changed = [(c, w) for c, w in g.weights.items() if float(w) != float(scheme.indicator(c).weight)]
            if changed:
                weights = sep.join(t("method_group_weight", lang).format(
                    name=catalogue[c].name(lang) if c in catalogue else c, weight=f"{float(w):g}",
                    province=f"{float(scheme.indicator(c).weight):g}") for c, w in changed)
                diffs.append(t("method_group_weights", lang).format(type=g.name, weights=weights))
            else:
                diffs.append(t("method_group_same", lang).format(type=g.name))
        lines.append(t("method_groups", lang).format(n=len(scheme.groups), diffs=("; " if lang == "en" else "；").join(diffs)))
    if scheme.honours:
        lists = sep.join(t("method_honour", lang).format(name=h.name, kind=t(f"honour_kind_{h.kind}", lang)
                                                         .format(top=h.top)) for h in scheme.honours)
        lines.append(t("method_honours", lang).format(lists=lists))
    if scheme.improvement:
        lines.append(t(f"method_improvement_{scheme.improvement}", lang))
    if scheme.adjustments:
        items = sep.join(t("method_adjustment", lang).format(
            name=a.name, kind=t(f"method_adjustment_{a.kind}", lang),
            cap=t("method_adjustment_cap", lang).format(cap=f"{a.cap:g}") if a.cap is not None else "")
            for a in scheme.adjustments)
        caps = ""
        if scheme.bonus_cap is not None or scheme.deduction_cap is not None:
            none = t("method_cap_none", lang)
            caps = t("method_caps", lang).format(
                bonus=f"{scheme.bonus_cap:g}" if scheme.bonus_cap is not None else none,
                deduction=f"{scheme.deduction_cap:g}" if scheme.deduction_cap is not None else none)
        lines.append(t("method_adjustments", lang).format(items=items, caps=caps))
    if scheme.vetoes:
        lines.append(t("method_veto", lang).format(items=sep.join(v.name for v in scheme.vetoes)))
    return lines
