"""The ledger kinds (data/ledgers.toml): loaded, validated eagerly, and looked up by code or header.

Like the indicator catalogue: every problem is reported at once, each naming the ledger, the column, the field
and the fix ("ledger 'arrears' column 'owed': unknown type 'numbr'; types are text, number, …").
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders import ledger_cells
from loaders.cells import CellError, norm
from loaders.ledger_cells import TYPES
from loaders.settings import DATA_DIR

KIND_FIELDS = ("code", "name_zh", "name_en", "description", "as_of", "as_of_headers", "key", "rolls_up", "column")
KIND_OPTIONAL = ("rule", "limits")
COLUMN_FIELDS = ("code", "header", "type", "required", "example")
COLUMN_OPTIONAL = ("aliases", "unit", "min", "choices", "choice_aliases", "yes", "no", "note")
TYPE_FIELDS = {"number": ("unit", "min"), "choice": ("choices", "choice_aliases"), "bool": ("yes", "no")}
SEVERITIES = ("error", "warning")
# Each rule check and the column fields it names, with the type each must have.
RULES = {
    "at_most": {"column": ("number",), "limit": ("number",)},
    "not_before": {"column": ("date",), "limit": ("date",)},
    "settled": {"column": ("choice",), "paid": ("number",), "owed": ("number",), "unless": ("bool",)},
}
RULE_TEXT = ("check", "severity", "reason", "fix")
CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
ROLLUP_FIELDS = ("indicator", "sum", "count", "where", "in_year")
# The thresholds the roll-up's facts read (loaders/ledger_rollup.py), per kind: each must be declared under that
# kind's `limits` and nowhere else.
LIMITS = {
    "arrears": {"small_debt": "万元: debts below it are to be cleared entirely (小额欠款清零)"},
    "complaints": {"handle_days_undisputed": "calendar days allowed for an undisputed arrears complaint",
                   "handle_days": "calendar days allowed for any other lead"},
}
# Headers that are never a ledger column and never worth a warning (row numbers, free notes).
IGNORED_HEADERS = ("序号", "备注", "说明", "行号")
# A unit or a 必填 mark in brackets, a * before or after: not part of the column's name.
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_MARKS = re.compile(r"^[*＊※]+|[*＊※]+$")


class LedgerKindsError(ValueError):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("ledger kinds are invalid:\n  " + "\n  ".join(messages))


@lru_cache(maxsize=8192)  # matching a sheet's header row asks for every declared header's key again
def header_key(text: str) -> str:
    """A header as matched: NFKC, no spaces, no bracketed unit or 必填, no required mark (*)."""
    t = norm(text).replace(" ", "")
    t = _BRACKETS.sub("", t)
    return _MARKS.sub("", t)


@dataclass(frozen=True)
class Column:
    code: str
    header: str
    type: str
    required: bool
    example: str
    aliases: tuple[str, ...] = ()
    unit: str = ""
    min: float = 0.0
    choices: tuple[str, ...] = ()
    choice_aliases: dict[str, str] = field(default_factory=dict)
    yes: tuple[str, ...] = ()
    no: tuple[str, ...] = ()
    note: str = ""

    @property
    def title(self) -> str:
        """The header as the template writes it: 拖欠金额（万元）."""
        return f"{self.header}（{self.unit}）" if self.unit else self.header

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    def allowed(self) -> tuple[str, ...]:
        """The values a template's drop-down offers (choice and bool columns)."""
        if self.type == "choice":
            return self.choices
        if self.type == "bool":
            return ledger_cells.bool_words(self.yes, self.no)
        return ()


@dataclass(frozen=True)
class Rule:
    check: str
    severity: str
    reason: str
    fix: str
    columns: dict[str, str]  # the check's fields (column, limit, paid, …) → column codes
    value: str = ""  # settled: the status value the rule is about


@dataclass(frozen=True)
class Rollup:
    """One county indicator a kind fills: Σ `sum` (or the count) of the items matching `where` (and, with
    `in_year`, whose date in that column falls in the snapshot's year up to its date)."""

    indicator: str
    sum: str = ""  # a number column; "" with count
    count: bool = False
    where: dict = field(default_factory=dict)  # column code → required value (bool or choice)
    in_year: str = ""  # a date column


@dataclass(frozen=True)
class Kind:
    code: str
    name_zh: str
    name_en: str
    description: str
    as_of: str
    as_of_headers: tuple[str, ...]
    key: tuple[str, ...]
    rollups: tuple[Rollup, ...]
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...] = ()
    limits: dict[str, float] = field(default_factory=dict)

    @property
    def rolls_up(self) -> tuple[str, ...]:
        """The catalogue codes this kind fills, in declaration order."""
        return tuple(r.indicator for r in self.rollups)

    def __getitem__(self, code: str) -> Column:
        for c in self.columns:
            if c.code == code:
                return c
        raise KeyError(f"ledger '{self.code}' has no column '{code}'; columns are {', '.join(c.code for c in self.columns)}")

    @property
    def region_column(self) -> Column:
        return next(c for c in self.columns if c.type == "region")

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def field_columns(self) -> tuple[Column, ...]:
        """Columns kept in an item's fields: all but the region (kept as region_code) and item_id (its own column)."""
        return tuple(c for c in self.columns if c.type != "region" and c.code != "item_id")

    def column_for(self, header: str) -> Column | None:
        key = header_key(header)
        return next((c for c in self.columns if key in {header_key(h) for h in c.headers}), None)

    def is_as_of_header(self, header: str) -> bool:
        return header_key(header) in {header_key(h) for h in self.as_of_headers}

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True)
class Kinds:
    kinds: dict[str, Kind]

    def __getitem__(self, code: str) -> Kind:
        return self.kinds[code]

    def __contains__(self, code: object) -> bool:
        return code in self.kinds

    def __iter__(self):
        return iter(self.kinds.values())

    @property
    def codes(self) -> list[str]:
        return list(self.kinds)

    def hint(self) -> str:
        return "、".join(f"{k.code}（{k.name_zh}）" for k in self)


def parse(raw: dict, source: str = "ledgers.toml",
          catalogue: catalogue_mod.Catalogue | None = None) -> Kinds:
    """Build Kinds from parsed TOML, collecting every problem before raising."""
    catalogue = catalogue or catalogue_mod.default()
    msgs: list[str] = []
    entries = raw.get("ledger") or []
    unknown_top = sorted(set(raw) - {"ledger"})
    if unknown_top:
        msgs.append(f"{source}: unknown table(s) {', '.join(unknown_top)}; only [[ledger]] entries belong here")
    if not entries:
        msgs.append(f"{source}: no [[ledger]] entries; declare one per ledger kind")
    out: dict[str, Kind] = {}
    for n, e in enumerate(entries, start=1):
        label = f"ledger '{e.get('code', f'#{n}')}'"
        kind, kind_msgs = _kind(e, label, catalogue)
        msgs += kind_msgs
        if kind is None:
            continue
        if kind.code in out:
            msgs.append(f"{label}: code declared twice; each ledger code must be unique")
            continue
        out[kind.code] = kind
    if msgs:
        raise LedgerKindsError(msgs)
    return Kinds(out)


def _kind(e: dict, label: str, catalogue: catalogue_mod.Catalogue) -> tuple[Kind | None, list[str]]:
    msgs = [f"{label}: missing field '{k}'; see the field list at the top of ledgers.toml"
            for k in KIND_FIELDS if k not in e]
    unknown = sorted(set(e) - set(KIND_FIELDS) - set(KIND_OPTIONAL))
    if unknown:
        msgs.append(f"{label}: unknown field(s) {', '.join(unknown)}; known fields are "
                    f"{', '.join(KIND_FIELDS + KIND_OPTIONAL)}")
    if msgs:
        return None, msgs
    if not isinstance(e["code"], str) or not CODE.match(e["code"]):
        msgs.append(f"{label}: code must be lower-case letters, digits and _ (e.g. 'arrears'), got {e['code']!r}")
    for k in ("name_zh", "name_en", "description", "as_of"):
        if not isinstance(e[k], str) or not e[k].strip():
            msgs.append(f"{label}: field '{k}' must be a non-empty text")
    for k in ("as_of_headers", "key"):
        if not _texts(e[k]) or not e[k]:
            msgs.append(f"{label}: field '{k}' must be a non-empty list of texts")
    columns: list[Column] = []
    raw_columns = e["column"] if isinstance(e["column"], list) else []
    if not raw_columns:
        msgs.append(f"{label}: no [[ledger.column]] entries; declare the columns of the sheet")
    broken: set[str] = set()  # columns already reported: rules and keys naming them add nothing
    for n, c in enumerate(raw_columns, start=1):
        col, col_msgs = _column(c, f"{label} column '{c.get('code', f'#{n}') if isinstance(c, dict) else n}'")
        msgs += col_msgs
        if col is not None:
            columns.append(col)
        elif isinstance(c, dict):
            broken.add(c.get("code"))
    msgs += _check_columns(label, columns)
    by_code = {c.code: c for c in columns}
    for k in e["key"] if _texts(e["key"]) else ():
        if k in broken:
            continue
        if k not in by_code:
            msgs.append(f"{label}: key column '{k}' is not declared; use one of {', '.join(by_code)}")
        elif not by_code[k].required:
            msgs.append(f"{label}: key column '{k}' must be required = true (every item needs its key)")
    rollups, rollup_msgs = _rollups(e["rolls_up"], label, by_code, broken, catalogue)
    msgs += rollup_msgs
    limits, limit_msgs = _limits(e.get("limits", {}), label, e["code"])
    msgs += limit_msgs
    rules = []
    for n, r in enumerate(e.get("rule", []), start=1):
        rule, rule_msgs = _rule(r, f"{label} rule #{n}", by_code, broken)
        msgs += rule_msgs
        if rule is not None:
            rules.append(rule)
    if msgs:
        return None, msgs
    return Kind(code=e["code"], name_zh=e["name_zh"].strip(), name_en=e["name_en"].strip(),
                description=e["description"].strip(), as_of=e["as_of"].strip(),
                as_of_headers=tuple(e["as_of_headers"]), key=tuple(e["key"]), rollups=rollups,
                columns=tuple(columns), rules=tuple(rules), limits=limits), []


def _column(c: dict, label: str) -> tuple[Column | None, list[str]]:
    if not isinstance(c, dict):
        return None, [f"{label}: must be a [[ledger.column]] table"]
    msgs = [f"{label}: missing field '{k}'" for k in COLUMN_FIELDS if k not in c]
    unknown = sorted(set(c) - set(COLUMN_FIELDS) - set(COLUMN_OPTIONAL))
    if unknown:
        msgs.append(f"{label}: unknown field(s) {', '.join(unknown)}; known fields are "
                    f"{', '.join(COLUMN_FIELDS + COLUMN_OPTIONAL)}")
    if msgs:
        return None, msgs
    typ = c["type"]
    if typ not in TYPES:
        return None, [f"{label}: unknown type '{typ}'; types are {', '.join(TYPES)}"]
    if not isinstance(c["code"], str) or not CODE.match(c["code"]):
        msgs.append(f"{label}: code must be lower-case letters, digits and _ (e.g. 'owed'), got {c['code']!r}")
    if not isinstance(c["header"], str) or not header_key(c["header"]):
        msgs.append(f"{label}: header must be the Chinese column header, e.g. header = \"拖欠金额\"")
    if not isinstance(c["required"], bool):
        msgs.append(f"{label}: required must be true or false, got {c['required']!r}")
    for k in ("aliases", "choices", "yes", "no"):
        if k in c and not _texts(c[k]):
            msgs.append(f"{label}: {k} must be a list of texts")
    for k in sorted(set(c) & {f for fs in TYPE_FIELDS.values() for f in fs} - set(TYPE_FIELDS.get(typ, ()))):
        owner = next(t for t, fs in TYPE_FIELDS.items() if k in fs)
        msgs.append(f"{label}: field '{k}' is only for type {owner}, not {typ}")
    if typ == "number" and not (isinstance(c.get("unit"), str) and c["unit"].strip()):
        msgs.append(f"{label}: a number column needs its unit, e.g. unit = \"万元\"")
    if "min" in c and (isinstance(c["min"], bool) or not isinstance(c["min"], int | float)):
        msgs.append(f"{label}: min must be a number, got {c['min']!r}")
    if typ == "choice" and not (_texts(c.get("choices")) and c.get("choices")):
        msgs.append(f"{label}: a choice column needs its allowed values, e.g. choices = [\"投诉\", \"销号\"]")
    aliases = c.get("choice_aliases", {})
    if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
        msgs.append(f"{label}: choice_aliases must be a table of word = value, e.g. {{ \"已销号\" = \"销号\" }}")
    elif _texts(c.get("choices")) and c.get("choices"):
        for word, value in aliases.items():
            if value not in c["choices"]:
                msgs.append(f"{label}: choice_aliases '{word}' points to '{value}', which is not among the choices "
                            f"{', '.join(c['choices'])}")
    if msgs:
        return None, msgs
    col = Column(code=c["code"], header=c["header"].strip(), type=typ, required=c["required"],
                 example=str(c["example"]), aliases=tuple(c.get("aliases", ())), unit=c.get("unit", "").strip(),
                 min=float(c.get("min", 0.0)), choices=tuple(c.get("choices", ())), choice_aliases=dict(aliases),
                 yes=tuple(c.get("yes", ())), no=tuple(c.get("no", ())), note=c.get("note", ""))
    if typ != "region":  # region names are checked against the region list when a file is read
        try:
            parsed = read_cell(col, col.example)
        except CellError as exc:
            return None, [f"{label}: example '{col.example}' is not a valid {typ}: {exc}"]
        if parsed is None and col.required:
            return None, [f"{label}: example of a required column must not be empty"]
    return col, []


def _check_columns(label: str, columns: list[Column]) -> list[str]:
    msgs = []
    regions = [c.code for c in columns if c.type == "region"]
    if len(regions) != 1:
        msgs.append(f"{label}: needs exactly one column of type region (the county), found {len(regions)}"
                    + (f" ({', '.join(regions)})" if regions else ""))
    if "item_id" not in {c.code for c in columns}:
        msgs.append(f"{label}: needs a column with code 'item_id' (the 台账编号 later code reads)")
    seen_codes: set[str] = set()
    owner: dict[str, str] = {}
    for c in columns:
        if c.code in seen_codes:
            msgs.append(f"{label} column '{c.code}': code declared twice; each column code must be unique")
        seen_codes.add(c.code)
        for h in c.headers:
            key = header_key(h)
            if key in {header_key(x) for x in IGNORED_HEADERS}:
                msgs.append(f"{label} column '{c.code}': header or alias '{h}' is always ignored on sheets "
                            f"({', '.join(IGNORED_HEADERS)}); choose another")
            elif owner.get(key, c.code) != c.code:
                msgs.append(f"{label} column '{c.code}': header or alias '{h}' is also used by column "
                            f"'{owner[key]}'; remove it from one of them")
            owner[key] = c.code
    return msgs


def _rule(r: dict, label: str, columns: dict[str, Column], broken: set[str]) -> tuple[Rule | None, list[str]]:
    if not isinstance(r, dict) or r.get("check") not in RULES:
        got = r.get("check") if isinstance(r, dict) else r
        return None, [f"{label}: unknown check {got!r}; checks are {', '.join(RULES)}"]
    need = RULES[r["check"]]
    fields = set(need) | set(RULE_TEXT) | ({"value"} if r["check"] == "settled" else set())
    msgs = [f"{label} ({r['check']}): missing field '{k}'" for k in sorted(fields - set(r))]
    unknown = sorted(set(r) - fields)
    if unknown:
        msgs.append(f"{label} ({r['check']}): unknown field(s) {', '.join(unknown)}; fields are {', '.join(sorted(fields))}")
    if msgs:
        return None, msgs
    if r["severity"] not in SEVERITIES:
        msgs.append(f"{label}: unknown severity '{r['severity']}'; use error or warning")
    if any(r[part] in broken for part in need):
        return None, msgs
    for part, types in need.items():
        col = columns.get(r[part])
        if col is None:
            msgs.append(f"{label} ({r['check']}): {part} '{r[part]}' is not a column of this ledger; "
                        f"columns are {', '.join(columns)}")
        elif col.type not in types:
            msgs.append(f"{label} ({r['check']}): {part} '{r[part]}' is a {col.type} column; it must be {' or '.join(types)}")
    if r["check"] == "settled" and not msgs and r["value"] not in columns[r["column"]].choices:
        msgs.append(f"{label} (settled): value '{r['value']}' is not among column '{r['column']}' choices "
                    f"{', '.join(columns[r['column']].choices)}")
    if msgs:
        return None, msgs
    return Rule(check=r["check"], severity=r["severity"], reason=r["reason"], fix=r["fix"],
                columns={part: r[part] for part in need}, value=r.get("value", "")), []


def _rollups(raw, label: str, columns: dict[str, Column], broken: set[str],
             catalogue: catalogue_mod.Catalogue) -> tuple[tuple[Rollup, ...], list[str]]:
    example = '{ indicator = "ARREARS_PAID", sum = "repaid", where = { disputed = false } }'
    if not isinstance(raw, list) or not raw:
        return (), [f"{label}: rolls_up must be a non-empty list of tables such as {example}"]
    msgs: list[str] = []
    out: list[Rollup] = []
    seen: set[str] = set()
    for n, r in enumerate(raw, start=1):
        if not isinstance(r, dict):
            msgs.append(f"{label}: rolls_up #{n} must be a table such as {example}, got {r!r}")
            continue
        code = r.get("indicator")
        at = f"{label} rolls_up '{code}'" if isinstance(code, str) else f"{label} rolls_up #{n}"
        bad: list[str] = []
        unknown = sorted(set(r) - set(ROLLUP_FIELDS))
        if unknown:
            bad.append(f"{at}: unknown field(s) {', '.join(unknown)}; fields are {', '.join(ROLLUP_FIELDS)}")
        if not isinstance(code, str):
            bad.append(f"{at}: needs indicator = a catalogue code, e.g. {example}")
        elif code not in catalogue:
            bad.append(f"{at}: is not in the indicator catalogue (data/indicators.toml); "
                       f"use a catalogue code such as ARREARS_OWED")
        elif catalogue[code].value_type == "derived":
            bad.append(f"{at}: is a derived indicator; a ledger feeds the uploaded ones "
                       f"({catalogue[code].numerator}, {catalogue[code].denominator})")
        elif "cum_level" not in catalogue[code].measures:
            bad.append(f"{at}: the indicator has no YTD level (cum_level) for a ledger to fill; its measures are "
                       f"{', '.join(catalogue[code].measures)}")
        elif code in seen:
            bad.append(f"{at}: declared twice; each indicator is filled by one roll-up")
        seen.add(code)
        total, count = r.get("sum"), r.get("count", False)
        if (total is None) == (count is not True):
            bad.append(f"{at}: give either sum = a number column or count = true (one of them)")
        elif total is not None and total not in broken:
            col = columns.get(total)
            if col is None or col.type != "number":
                bad.append(f"{at}: sum '{total}' must be a number column of this ledger; number columns are "
                           f"{', '.join(c.code for c in columns.values() if c.type == 'number') or 'none'}")
        where = r.get("where", {})
        if not isinstance(where, dict):
            bad.append(f"{at}: where must be a table of column = value, e.g. {{ disputed = false }}")
            where = {}
        for col_code, value in where.items():
            col = columns.get(col_code)
            if col_code in broken:
                continue
            if col is None or col.type not in ("bool", "choice"):
                bad.append(f"{at}: where '{col_code}' must be a bool or choice column of this ledger")
            elif col.type == "bool" and not isinstance(value, bool):
                bad.append(f"{at}: where '{col_code}' is a bool column; its value must be true or false, got {value!r}")
            elif col.type == "choice" and value not in col.choices:
                bad.append(f"{at}: where '{col_code}' = {value!r} is not among its choices {', '.join(col.choices)}")
        in_year = r.get("in_year", "")
        if in_year and in_year not in broken and (columns.get(in_year) is None or columns[in_year].type != "date"):
            bad.append(f"{at}: in_year '{in_year}' must be a date column of this ledger")
        msgs += bad
        if not bad:
            out.append(Rollup(indicator=code, sum=total or "", count=count is True, where=dict(where),
                              in_year=in_year))
    return tuple(out), msgs


def _limits(raw, label: str, code) -> tuple[dict[str, float], list[str]]:
    known = LIMITS.get(code, {})
    if not isinstance(raw, dict):
        return {}, [f"{label}: limits must be a table of name = number, e.g. limits = {{ small_debt = 10.0 }}"]
    msgs = []
    for name in sorted(set(raw) - set(known)):
        msgs.append(f"{label}: unknown limit '{name}'; this ledger's limits are {', '.join(known) or 'none'}")
    for name, meaning in known.items():
        value = raw.get(name)
        if value is None:
            msgs.append(f"{label}: missing limit '{name}' ({meaning}); add it to limits")
        elif isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            msgs.append(f"{label}: limit '{name}' must be a positive number, got {value!r}")
    if msgs:
        return {}, msgs
    return {name: float(raw[name]) for name in known}, []


def _texts(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v)


def read_cell(col: Column, cell: str, *, factor: float = 1.0):
    """One cell of a non-region column as its typed value (None when empty); CellError says what was expected.
    `factor` converts a number written in another unit (a header saying 元 for a 万元 column)."""
    if col.type == "text":
        return ledger_cells.text(cell)
    if col.type == "number":
        return ledger_cells.amount(cell, minimum=col.min, factor=factor)
    if col.type == "date":
        return ledger_cells.date(cell)
    if col.type == "month":
        return ledger_cells.month(cell)
    if col.type == "choice":
        return ledger_cells.choice(cell, col.choices, col.choice_aliases)
    if col.type == "bool":
        return ledger_cells.boolean(cell, col.yes, col.no)
    raise ValueError(f"column '{col.code}' of type {col.type} is read with the region list")


def load(path: Path | str | None = None, catalogue: catalogue_mod.Catalogue | None = None) -> Kinds:
    path = Path(path or DATA_DIR / "ledgers.toml")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LedgerKindsError([f"{path.name}: not valid TOML ({exc}); fix the syntax at that line"]) from exc
    return parse(raw, path.name, catalogue)


@lru_cache(maxsize=1)
def sha256() -> str:
    """The sha256 of the project's ledgers file (results computed from ledgers will record it)."""
    return hashlib.sha256((DATA_DIR / "ledgers.toml").read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def default() -> Kinds:
    """The project's ledger kinds, loaded once per process."""
    return load()


# ---------------------------------------------------------------- items as frames and as stored JSON

DATETIME = "datetime64[ns]"  # one resolution for every date column, whatever pandas infers from the values


def typed_frame(kind: Kind, records: list[dict], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Items as a frame with the kind's columns typed: number float64, date datetime64, bool boolean, the others
    text (None when empty). Columns: region_code, item_id, the kind's field columns, then `extra` (upload_id,
    src_row as integers, as_of as datetime64), present even when there are no records."""
    fields = [c.code for c in kind.field_columns]
    df = pd.DataFrame(records, columns=["region_code", "item_id", *fields, *extra])
    for c in kind.field_columns:
        if c.type == "number":
            df[c.code] = pd.to_numeric(df[c.code], errors="coerce").astype("float64")
        elif c.type == "date":
            df[c.code] = pd.to_datetime(df[c.code], errors="coerce").astype(DATETIME)
        elif c.type == "bool":
            df[c.code] = df[c.code].astype("boolean")
        else:
            df[c.code] = df[c.code].astype(object).where(df[c.code].notna(), None)
    for col in extra:
        df[col] = pd.to_datetime(df[col]).astype(DATETIME) if col == "as_of" else df[col].astype("int64")
    return df


def fields_json(kind: Kind, values: dict) -> str:
    """An item's field columns as the JSON kept in ledger_items.fields (dates ISO, numbers as floats)."""
    out = {}
    for c in kind.field_columns:
        v = values.get(c.code)
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or v is pd.NA:
            out[c.code] = None
        elif c.type == "date":
            out[c.code] = pd.Timestamp(v).date().isoformat()
        elif c.type == "number":
            out[c.code] = float(v)
        elif c.type == "bool":
            out[c.code] = bool(v)
        else:
            out[c.code] = str(v)
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def from_json(text: str) -> dict:
    return json.loads(text)
