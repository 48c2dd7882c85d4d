"""The thin layer between the store and indicators/assessment.py: a quarter's assessment of a comparison set —
the scorecard's matrix with the counties' adjustment and veto columns (Store.county_facts), their types
(Store.county_types) and the same quarter a year earlier scored with the same scheme — for the rankings, county and
method pages (indicators/reading.assessment computes it once per data state)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators import pipeline
from indicators.assessment import Assessment, assess
from indicators.scheme import Scheme
from loaders.store import Store


@dataclass
class AssessedQuarter:
    """An Assessment with what it was computed from: the quarter, the year-earlier quarter (None when that year
    has no values), each unit's types (codes, in the order uploaded) and the veto reasons as uploaded."""

    quarter: str
    scope: str
    scheme: Scheme
    assessment: Assessment
    previous_quarter: str | None
    types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    veto_notes: dict[str, str] = field(default_factory=dict)  # unit → the uploaded 否决原因, joined
    params: dict = field(default_factory=dict)


def year_earlier(quarter: str) -> str:
    """'2026Q3' → '2025Q3': improvement is measured against the same period a year earlier."""
    return f"{int(quarter[:4]) - 1}{quarter[4:]}"


def groups_frame(types: pd.DataFrame, units: list[str]) -> pd.DataFrame | None:
    """Store.county_types rows of one year → assess()'s groups (unit, group, group2) for the units of the set;
    None when no unit of the set has a type."""
    rows = types[types["region_code"].isin(units)]
    if rows.empty:
        return None
    return pd.DataFrame({"unit": rows["region_code"].to_numpy(), "group": rows["type1"].to_numpy(),
                         "group2": rows["type2"].to_numpy()})


def with_facts(matrix: pd.DataFrame, facts: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """The matrix with one column per adjustment of the scheme (points; empty = 0) and per veto item (1 = vetoed),
    from Store.county_facts rows."""
    out = matrix.copy()
    for a in scheme.adjustments:
        rows = facts[facts["item"] == a.code]
        out[a.code] = rows.groupby("region_code")["value"].sum().reindex(matrix.index).astype(float)
    for v in scheme.vetoes:
        hit = set(facts.loc[facts["item"] == v.code, "region_code"])
        out[v.code] = [1.0 if u in hit else float("nan") for u in matrix.index]
    return out


def assessed(store: Store, card: pipeline.Scorecard, previous: pipeline.Scorecard | None) -> AssessedQuarter:
    """The assessment of a scorecard's units: its matrix and targets, the year's types and facts from the store,
    and `previous` (the year-earlier scorecard, same scheme) for improvement."""
    scheme, units = card.scheme, list(card.matrix.index)
    year = int(card.period[:4])
    types = store.county_types([year], units)
    facts = store.county_facts([year], units)
    matrix = with_facts(card.matrix, facts, scheme)
    prev = prev_targets = None
    has_previous = previous is not None and previous.matrix.notna().any().any()
    if has_previous:
        prev = with_facts(previous.matrix, store.county_facts([year - 1], units), scheme)
        prev_targets = previous.targets
    known = {g.code for g in scheme.groups}
    stale = types[~types["type1"].isin(known) | ~types["type2"].isin(known | {""})]
    types = types.drop(stale.index)  # types of an earlier version of the scheme file
    groups = groups_frame(types, units) if scheme.groups else None
    result = assess(matrix, scheme, groups=groups, previous=prev, targets=card.targets,
                    previous_targets=prev_targets)
    veto = facts[facts["kind"] == "veto"]
    notes = {u: "；".join(n for n in rows["note"] if n) for u, rows in veto.groupby("region_code")}
    kinds = {r.region_code: tuple(c for c in (r.type1, r.type2) if c) for r in types.itertuples()}
    if len(stale):
        result.warnings.append(f"{len(stale)} 个县区的类型不是方案中的类型（{'、'.join(sorted(set(stale['type1'])))}），"
                               "未参加组内排名：请按方案重新上传县域类型")
    params = result.params | {"quarter": card.quarter, "scope": card.scope, "data_state": card.data_state,
                              "previous_quarter": previous.quarter if has_previous else None,
                              "scheme_sha256": scheme.sha256}
    return AssessedQuarter(card.quarter, card.scope, scheme, result, previous.quarter if has_previous else None,
                           kinds, notes, params)
