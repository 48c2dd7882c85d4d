"""What other pages say about the ledgers (台账) and where they link: the dates an account may see, one line per kind
for a county (the county page) and for the home city (the cockpit's 重点工作台账 card). The ledger page itself is
layouts/pages/ledger.py; the maths indicators/ledgers.py."""

import datetime as dt
from urllib.parse import urlencode

import dash_mantine_components as dmc
from dash import dcc

from indicators import ledgers, reading
from layouts import data
from layouts.i18n import t
from layouts.ledger_view import amount, as_of, count, pct
from loaders import ledger_kinds
from loaders import regions as regions_mod


def visible_dates(kind: str) -> list[dt.date]:
    """The kind's snapshot dates, newest first, that this account may see: a date in a month not yet released
    (its 统计关库 has not passed: the snapshot fills that month's county indicators) only for uploaders and admins."""
    early = data.sees_unreleased()
    return [d for d in reading.ledger_dates(data.snap(), kind) if early or data.released(f"{d:%Y-%m}")]


def href(kind: str, day: dt.date, county: str | None = None, lang: str = "zh") -> str:
    q = [(k, v) for k, v in (("date", f"{day}"), ("county", county), ("lang", lang if lang != "zh" else None)) if v]
    return f"/ledger/{kind}?{urlencode(q)}"


def _facts(kind: str, day: dt.date, counties: list[str]):
    f = reading.ledger_page_facts(data.snap(), kind, day)
    return f[f["region_code"].isin(counties)].reset_index(drop=True) if not f.empty else f


def _targets(kind: str, year: int) -> dict:
    code = ledgers.PLANS[kind].indicator
    return ledgers.annual_targets(reading.indicator_targets(data.snap(), code, year), code, year) if code else {}


def headline(kind: str, values: dict, lang: str = "zh") -> str:
    """One line of a kind's headline figures (a county's row of ledgers.county_table, or the city's totals with its
    plan): 清偿率（无分歧）55.6%，逾期未清偿事项1件."""
    sep = "，" if lang == "zh" else ", "
    parts = []
    if kind == "arrears":
        parts = [f"{t('ledger_f_rate_undisputed', lang)} {pct(values.get('rate'))}",
                 f"{t('ledger_f_overdue_items', lang)} {count(values.get('overdue'), '件', lang)}"]
    elif kind == "complaints":
        parts = [f"{t('ledger_f_rate', lang)} {pct(values.get('rate'))}",
                 f"{t('ledger_f_overdue_open', lang)} {count(values.get('overdue'), '件', lang)}"]
    elif kind == "investment":
        parts = [f"{t('ledger_f_in_place_outside', lang)} {amount(values.get('value'), lang)}",
                 f"{t('ledger_col_completion', lang).split('（')[0].split(' (')[0]} {pct(values.get('completion'))}"]
    elif kind == "key_projects":
        parts = [f"{t('ledger_f_start_rate', lang)} {pct(values.get('rate'))}",
                 f"{t('ledger_col_completion', lang).split('（')[0].split(' (')[0]} {pct(values.get('completion'))}"]
    elif kind == "sishang":
        parts = [f"{t('ledger_f_entered', lang)} {count(values.get('value'), '家', lang)}"]
    return sep.join(parts)


def county_lines(code: str, lang: str = "zh") -> list[tuple[str, str, str]]:
    """(kind name, headline, link) for each kind whose latest snapshot the account may see holds the county."""
    regions = regions_mod.default()
    counties = [r.code for r in regions.counties_of(regions.city_of(code))]
    out = []
    for k in ledger_kinds.default():
        dates = visible_dates(k.code)
        if not dates:
            continue
        day = dates[0]
        facts = _facts(k.code, day, counties)
        if facts.empty or code not in set(facts["region_code"]):
            continue
        table = ledgers.county_table(k.code, facts, _targets(k.code, day.year), counties, ledgers.time_progress(day))
        row = table[table["region_code"] == code].iloc[0].to_dict()
        text = headline(k.code, row, lang)
        out.append((k.name(lang), f"{as_of(day, lang)}{'：' if lang == 'zh' else ': '}{text}",
                    href(k.code, day, code, lang)))
    return out


def city_lines(home: str, lang: str = "zh") -> list[tuple[str, str, str]]:
    """(kind name, the city's headline, link) for each kind with a snapshot the account may see."""
    counties = [r.code for r in regions_mod.default().counties_of(home)]
    out = []
    for k in ledger_kinds.default():
        dates = visible_dates(k.code)
        if not dates:
            continue
        day = dates[0]
        facts = _facts(k.code, day, counties)
        if facts.empty:
            continue
        totals = ledgers.city_totals(k.code, facts)
        plan = ledgers.PLANS[k.code]
        values = {"rate": totals.get(plan.rate) if plan.rate else None,
                  "overdue": totals.get(ledgers.OVERDUE[k.code])}
        if plan.indicator:
            values |= ledgers.city_plan(k.code, totals, _targets(k.code, day.year), counties,
                                        ledgers.time_progress(day))
        text = headline(k.code, values, lang)
        out.append((k.name(lang), f"{as_of(day, lang)}{'：' if lang == 'zh' else ': '}{text}",
                    href(k.code, day, None, lang)))
    return out


def lines_block(lines: list[tuple[str, str, str]], block_id: str) -> dmc.Stack:
    """One line per kind: its name as a link to the ledger page, then the headline."""
    return dmc.Stack(gap=2, id=block_id, children=[
        dmc.Group(gap="xs", wrap="wrap", children=[dcc.Link(name, href=link, className="ledger-link"),
                                                   dmc.Text(text, size="sm")]) for name, text, link in lines])
