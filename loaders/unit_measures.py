"""The measures a unit below the county can be tasked with (data/unit_measures.toml), validated when loaded.

Every problem is reported at once, naming the measure, the field and the fix ("measure 'in_place': column
'inplace' is not a number column of ledger 'investment'; number columns are contract, in_place").
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from loaders import ledger_kinds
from loaders.cells import squeeze
from loaders.settings import DATA_DIR

FIELDS = ("code", "name_zh", "name_en", "ledger", "compute", "unit")
OPTIONAL = ("column", "where", "aliases")
COMPUTES = ("sum", "count")
CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


class MeasuresError(ValueError):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("unit measures are invalid:\n  " + "\n  ".join(messages))


@dataclass(frozen=True)
class Measure:
    code: str
    name_zh: str
    name_en: str
    ledger: str
    compute: str  # sum | count
    unit: str
    column: str = ""  # sum: the number column summed
    where_column: str = ""  # count: only items whose column …
    where_in: tuple[str, ...] = ()  # … holds one of these values
    where_present: bool = False  # … or is filled
    aliases: tuple[str, ...] = ()

    def label(self) -> str:
        return f"{self.name_zh}（{self.unit}）"


@dataclass(frozen=True)
class Measures:
    measures: dict[str, Measure]

    def __getitem__(self, code: str) -> Measure:
        return self.measures[code]

    def __contains__(self, code: object) -> bool:
        return code in self.measures

    def __iter__(self):
        return iter(self.measures.values())

    @property
    def codes(self) -> list[str]:
        return list(self.measures)

    def resolve(self, text: str) -> Measure | None:
        """A measure for a code, a Chinese name or an alias as written in a task sheet (NFKC, spaces ignored)."""
        key = squeeze(text).lower()
        for m in self:
            if key in {squeeze(x).lower() for x in (m.code, m.name_zh, *m.aliases)}:
                return m
        return None

    def hint(self) -> str:
        return "、".join(f"{m.name_zh}（{m.code}）" for m in self)


def parse(raw: dict, source: str = "unit_measures.toml", kinds: ledger_kinds.Kinds | None = None) -> Measures:
    kinds = kinds or ledger_kinds.default()
    msgs: list[str] = []
    unknown_top = sorted(set(raw) - {"measure"})
    if unknown_top:
        msgs.append(f"{source}: unknown table(s) {', '.join(unknown_top)}; only [[measure]] entries belong here")
    entries = raw.get("measure") or []
    if not entries:
        msgs.append(f"{source}: no [[measure]] entries; declare one per measure a unit can be tasked with")
    out: dict[str, Measure] = {}
    names: dict[str, str] = {}
    for n, e in enumerate(entries, start=1):
        label = f"measure '{e.get('code', f'#{n}')}'"
        m, m_msgs = _measure(e, label, kinds)
        msgs += m_msgs
        if m is None:
            continue
        if m.code in out:
            msgs.append(f"{label}: code declared twice; each measure code must be unique")
            continue
        for word in (m.code, m.name_zh, *m.aliases):
            key = squeeze(word).lower()
            if key in names and names[key] != m.code:
                msgs.append(f"{label}: name or alias '{word}' is also used by measure '{names[key]}'; "
                            f"remove it from one of them")
            names[key] = m.code
        out[m.code] = m
    if msgs:
        raise MeasuresError(msgs)
    return Measures(out)


def _measure(e: dict, label: str, kinds: ledger_kinds.Kinds) -> tuple[Measure | None, list[str]]:
    msgs = [f"{label}: missing field '{k}'; see the field list at the top of unit_measures.toml"
            for k in FIELDS if k not in e]
    unknown = sorted(set(e) - set(FIELDS) - set(OPTIONAL))
    if unknown:
        msgs.append(f"{label}: unknown field(s) {', '.join(unknown)}; known fields are {', '.join(FIELDS + OPTIONAL)}")
    if msgs:
        return None, msgs
    if not isinstance(e["code"], str) or not CODE.match(e["code"]):
        msgs.append(f"{label}: code must be lower-case letters, digits and _ (e.g. 'in_place'), got {e['code']!r}")
    for k in ("name_zh", "name_en", "unit"):
        if not isinstance(e[k], str) or not e[k].strip():
            msgs.append(f"{label}: field '{k}' must be a non-empty text")
    if e["compute"] not in COMPUTES:
        msgs.append(f"{label}: unknown compute '{e['compute']}'; use {' or '.join(COMPUTES)}")
    if e["ledger"] not in kinds:
        msgs.append(f"{label}: ledger '{e['ledger']}' is not declared in data/ledgers.toml; kinds are "
                    f"{', '.join(kinds.codes)}")
    aliases = e.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        msgs.append(f"{label}: aliases must be a list of texts")
    if msgs:
        return None, msgs
    kind = kinds[e["ledger"]]
    cols = {c.code: c for c in kind.field_columns}
    where_column, where_in, where_present = "", (), False
    if e["compute"] == "sum":
        numbers = [c for c, col in cols.items() if col.type == "number"]
        if "where" in e:
            msgs.append(f"{label}: where is only for compute = \"count\"")
        if e.get("column") not in numbers:
            msgs.append(f"{label}: column {e.get('column')!r} is not a number column of ledger '{kind.code}'; "
                        f"number columns are {', '.join(numbers)}")
    else:
        if "column" in e:
            msgs.append(f"{label}: column is only for compute = \"sum\"; a count filters with [measure.where]")
        where = e.get("where")
        if where is not None:
            if not isinstance(where, dict) or set(where) - {"column", "in", "present"} or "column" not in where \
                    or (("in" in where) == ("present" in where)):
                msgs.append(f"{label}: where must be {{ column = \"…\", in = [\"…\"] }} or "
                            f"{{ column = \"…\", present = true }}")
            elif where["column"] not in cols:
                msgs.append(f"{label}: where column '{where['column']}' is not a column of ledger '{kind.code}'; "
                            f"columns are {', '.join(cols)}")
            elif "in" in where:
                col = cols[where["column"]]
                values = where["in"]
                if col.type != "choice":
                    msgs.append(f"{label}: where in needs a choice column; '{col.code}' is {col.type} "
                                f"(use present = true)")
                elif not isinstance(values, list) or not values or not set(values) <= set(col.choices):
                    msgs.append(f"{label}: where in {values!r} must be among column '{col.code}' choices "
                                f"{', '.join(col.choices)}")
                else:
                    where_column, where_in = col.code, tuple(values)
            elif where["present"] is not True:
                msgs.append(f"{label}: where present must be true")
            else:
                where_column, where_present = where["column"], True
    if msgs:
        return None, msgs
    return Measure(code=e["code"], name_zh=e["name_zh"].strip(), name_en=e["name_en"].strip(), ledger=kind.code,
                   compute=e["compute"], unit=e["unit"].strip(), column=e.get("column", ""),
                   where_column=where_column, where_in=where_in, where_present=where_present,
                   aliases=tuple(a.strip() for a in aliases)), []


def load(path: Path | str | None = None, kinds: ledger_kinds.Kinds | None = None) -> Measures:
    path = Path(path or DATA_DIR / "unit_measures.toml")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MeasuresError([f"{path.name}: not valid TOML ({exc}); fix the syntax at that line"]) from exc
    return parse(raw, path.name, kinds)


@lru_cache(maxsize=1)
def sha256() -> str:
    """The sha256 of the project's measures file (results computed from it record it)."""
    return hashlib.sha256((DATA_DIR / "unit_measures.toml").read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def default() -> Measures:
    """The project's unit measures, loaded once per process."""
    return load()
