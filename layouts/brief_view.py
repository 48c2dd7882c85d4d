"""通报 preview: a Brief (indicators/brief/doc.py) as page components laid out like the document — the same words,
tables and charts the DOCX and PDF carry (pure: a Brief in, components out)."""

import base64

import dash_mantine_components as dmc
from dash import html

from indicators.brief import charts
from indicators.brief.doc import Brief, Figure, Paragraph, Table

RED = "#c00000"  # 公文's red for the issuing office and its rule (GB/T 9704)
SERIF = "'Noto Serif CJK SC', 'Noto Serif SC', serif"
SANS = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"
SHORT_CELL = 12  # cells up to this many characters (names, numbers, 前移3位) never wrap; longer text does
TABLE_MIN_PX = 560  # narrower screens scroll the table sideways rather than breaking 前移6位 over three lines


def _paragraph(p: Paragraph):
    size = "13px" if p.style == "note" else "16px"
    return html.P(p.text, className=f"brief-p brief-{p.style}",
                  style={"textIndent": "2em", "fontSize": size, "lineHeight": 1.9, "margin": "0 0 4px",
                         "fontWeight": 600 if p.style == "lead" else 400})


def _table(t: Table):
    head = dmc.TableThead(dmc.TableTr([dmc.TableTh(h) for h in t.header]))
    body = []
    for i, (row, vals) in enumerate(zip(t.rows, t.values or [()] * len(t.rows), strict=True)):
        red = {"color": RED, "fontWeight": 600} if i in t.emphasis else {}
        cells = [dmc.TableTd(c, style={**red, **({"textAlign": "right"} if j < len(vals) and isinstance(
            vals[j], int | float) else {}), **({"whiteSpace": "nowrap"} if len(c) <= SHORT_CELL else {})})
                 for j, c in enumerate(row)]
        body.append(dmc.TableTr(cells))
    return html.Div(className="brief-table", style={"margin": "8px 0 12px"}, children=[
        html.Div(t.title, style={"textAlign": "center", "fontFamily": SANS, "fontWeight": 600, "margin": "6px 0"}),
        html.Div(className="scroll-x", children=dmc.Table([head, dmc.TableTbody(body)], withTableBorder=True,
                                                        withColumnBorders=True, striped=False, fz="sm",
                                                        style={"minWidth": f"{TABLE_MIN_PX}px"})),
        html.Div(t.note, style={"fontSize": "12px", "color": "#495057", "marginTop": "4px"}) if t.note else None,
    ])


def _figure(f: Figure):
    png = base64.b64encode(charts.render(f)).decode("ascii")
    return html.Figure(style={"margin": "8px 0", "textAlign": "center"}, children=[
        html.Img(src=f"data:image/png;base64,{png}", alt=f.title, style={"maxWidth": "100%", "width": "640px"}),
        html.Figcaption(f.title, style={"fontSize": "13px", "fontFamily": SANS}),
    ])


BLOCKS = {Paragraph: _paragraph, Table: _table, Figure: _figure}


def preview(brief: Brief):
    """The whole brief as one paper sheet."""
    out = [
        html.Div(brief.office, style={"color": RED, "fontFamily": SERIF, "fontWeight": 700, "fontSize": "30px",
                                      "textAlign": "center", "letterSpacing": "4px"}),
        html.Div(brief.number, style={"textAlign": "center", "fontSize": "15px", "margin": "6px 0"}),
        html.Hr(style={"borderTop": f"2px solid {RED}", "margin": "4px 0 18px"}),
        html.H2(brief.title, style={"fontFamily": SERIF, "fontWeight": 700, "fontSize": "22px", "textAlign": "center",
                                    "lineHeight": 1.5}),
        html.P(brief.addressees, style={"fontSize": "16px", "margin": "14px 0 4px"}),
        _paragraph(Paragraph(brief.basis)),
    ]
    for s in brief.sections:
        style = {"fontFamily": SANS if s.level == 1 else SERIF, "fontWeight": 700 if s.level == 1 else 600,
                 "fontSize": "16px", "margin": "12px 0 4px", "textIndent": "2em"}
        out.append(html.H3(s.heading, style=style))
        out += [BLOCKS[type(b)](b) for b in s.blocks]
    office, _, date = brief.signature.partition("\n")
    out += [html.Div([html.Div(office), html.Div(date)], style={"textAlign": "right", "fontSize": "16px",
                                                                "margin": "24px 2em 12px 0"}),
            html.Div([html.Div(line) for line in brief.footer], className="brief-footer",
                     style={"fontSize": "12px", "color": "#495057", "borderTop": "1px solid #dee2e6",
                            "paddingTop": "6px"})]
    return dmc.Paper(withBorder=True, shadow="xs", p={"base": "sm", "sm": "xl"}, className="brief-sheet",
                     style={"maxWidth": "820px", "margin": "0 auto", "fontFamily": SERIF}, children=out)


def requirements_text(brief: Brief) -> str:
    """The editable 下一步工作要求 paragraphs, one per line (what the uploader's text box starts with)."""
    return "\n".join(b.text for s in brief.sections for b in s.blocks if isinstance(b, Paragraph) and b.editable)


def parse_requirements(text: str | None) -> list[str] | None:
    """The uploader's text box as paragraphs (one per non-empty line); None when empty (keep the defaults)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines or None
