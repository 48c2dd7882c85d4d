"""The 通报 as data: a header, headed sections of paragraphs, tables and figures, the 约谈 list and a footer.

content.py builds one from the shared results; the DOCX, PDF and JSON renderers only lay it out, so the three
formats carry the same words and numbers. Plain frozen dataclasses of strings and numbers (JSON as they are).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


class RenderError(RuntimeError):
    """A brief's file cannot be made (no CJK font for a chart, no LibreOffice for the PDF…): the message says
    what to install or change, in Chinese and English."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    editable: str = ""  # the free-text field an uploader may rewrite before downloading ("" = generated)
    style: str = "body"  # body | lead (a bold run-in heading, 一是…: up to the first 。：or ；) | note (small)


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # the cells as printed
    values: tuple[tuple, ...] = ()  # the numbers behind the cells, same shape (None where a cell is text)
    emphasis: tuple[int, ...] = ()  # row indices printed in bold red (the bottom three)
    note: str = ""  # under the table: the comparison set, the period, what the interval means


@dataclass(frozen=True)
class Figure:
    """A chart the renderers draw offline (indicators/brief/charts.py); the document prints `title` above it.

    kind "ranking_bars": data {"labels": [str], "values": [float | None], "ranks": [int | None], "highlight":
    [label, …] drawn in a strong colour, "axis": the x-axis title (say the comparison set), optional "axis_min"
    (where the value axis starts, e.g. 60 for 功效系数法 scores; default 0), optional "texts": [str]
    written at each bar instead of "第N位"}; best rank at the top, the bottom three ranks in red, a None value keeps
    its row without a bar.
    kind "tile_map": data {"layout_key": a key of indicators.tiles.FIXED_LAYOUTS or None, "units": [{"code",
    "label", "value": float | None, "rank": int | None, optional "value_text" (a second line, e.g. "72.4"),
    optional "rank_text" (instead of "第N位"), and "longitude"/"latitude" (needed when the layout key does not
    place every code) or "row"/"col" (explicit cells)}], "colour_title": the colour bar's title, optional
    "highlight": [code, …] outlined, optional "reverse": true when lower is better (low values green)}."""

    kind: str
    title: str
    data: dict


@dataclass(frozen=True)
class Section:
    heading: str  # "一、全市综合评价" (level 1) or "（一）双过半" (level 2)
    blocks: tuple = ()  # Paragraph | Table | Figure
    level: int = 1


@dataclass(frozen=True)
class Interview:
    region_code: str
    region_name: str
    rules: tuple[dict, ...]  # {"rule": id, "text": the rule as written, "facts": the numbers behind it, "values": {}}


@dataclass(frozen=True)
class Brief:
    office: str  # 发文机关, e.g. 陇南市统计局
    number: str  # 文号, e.g. 陇统发〔2026〕  号 (a placeholder the office completes)
    title: str  # 关于2026年1-10月全市县域经济主要指标完成情况的通报
    addressees: str  # 主送: 各县（区）人民政府，市直有关部门：
    basis: str  # 根据…，现将…通报如下：
    sections: tuple[Section, ...]
    signature: str  # the issuing office and date under the text
    footer: tuple[str, ...]  # data state, scheme, 模拟数据
    interviews: tuple[Interview, ...] = ()
    params: dict = field(default_factory=dict)  # period, quarter, scope, data_state, scheme, scheme_sha256, simulated

    def to_json(self) -> dict:
        """{"header", "sections": [{"heading", "level", "paragraphs", "tables", "figures", "blocks"}], "interviews",
        "footer", "params"}: the blocks in order, and per kind for readers that want only the tables."""
        def block(b):
            return {"type": {Paragraph: "paragraph", Table: "table", Figure: "figure"}[type(b)], **asdict(b)}
        sections = []
        for s in self.sections:
            blocks = [block(b) for b in s.blocks]
            sections.append({"heading": s.heading, "level": s.level, "blocks": blocks,
                             "paragraphs": [b["text"] for b in blocks if b["type"] == "paragraph"],
                             "tables": [b for b in blocks if b["type"] == "table"],
                             "figures": [b for b in blocks if b["type"] == "figure"]})
        return {"header": {"office": self.office, "number": self.number, "title": self.title,
                           "addressees": self.addressees, "basis": self.basis},
                "sections": sections,
                "interviews": [{"region_code": i.region_code, "region_name": i.region_name, "rules": list(i.rules)}
                               for i in self.interviews],
                "signature": self.signature, "footer": list(self.footer), "params": self.params}
