"""Plotly's zh-CN locale, registered through each graph's config (no script from a CDN).

plotly_zh_cn.json is plotly.js's own zh-CN locale (npm plotly.js-locales 3.7.0, MIT licence),
converted to JSON once; passing it in `config.locales` works whenever plotly.js loads.
"""

import json
from functools import lru_cache
from pathlib import Path

LOCALE_FILE = Path(__file__).with_name("plotly_zh_cn.json")


@lru_cache(maxsize=1)
def zh_cn() -> dict:
    raw = json.loads(LOCALE_FILE.read_text(encoding="utf-8"))
    return {"dictionary": raw["dictionary"], "format": raw["format"]}


def graph_config(lang: str = "zh", filename: str = "chart") -> dict:
    """dcc.Graph config: the language's locale, no Plotly logo, PNG download with a useful name."""
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}
    if lang == "en":
        return config | {"locale": "en"}
    return config | {"locale": "zh-CN", "locales": {"zh-CN": zh_cn()}}
