"""The app builds without side effects and shows what the store holds; one real-browser smoke test."""

import datetime as dt
from pathlib import Path

import pytest

from app import create_app
from conftest import FILES
from layouts import status
from loaders import catalogue
from loaders.ingest import ingest

OUTPUT = Path(__file__).resolve().parent / "output"


def _text(component) -> str:
    """All text in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def test_coverage_counts_counties_reporting_the_latest_period(duck):
    ingest(FILES / "good_long.csv", duck, today=dt.date(2026, 11, 23))
    table = status.coverage(duck.observations(), catalogue.default(), 86)
    retail = table[table["指标"] == "社会消费品零售总额"].iloc[0]
    assert (retail["最新期"], retail["报送县区"]) == ("2026年1-8月", 2)  # 武都, 成县; 全市 is not a county
    iva = table[table["指标"] == "规模以上工业增加值"].iloc[0]
    assert (iva["最新期"], iva["报送县区"]) == ("—", 0)  # only the city row has IVA


@pytest.mark.parametrize("simulated", [True, False])
def test_page_marks_simulated_data(duck, simulated):
    ingest(FILES / "good_long.csv", duck, simulated=simulated, today=dt.date(2026, 11, 23))
    app = create_app(duck)
    text = _text(app.layout())
    assert ("模拟数据" in text) is simulated
    assert "第 1 次上传（good_long.csv" in text


@pytest.mark.browser
def test_status_page_in_chromium(dash_duo, duck):
    ingest(FILES / "good_long.csv", duck, simulated=True, today=dt.date(2026, 11, 23))
    dash_duo.start_server(create_app(duck))
    dash_duo.wait_for_text_to_equal("h2", "县域经济高质量发展监测平台", timeout=20)
    dash_duo.wait_for_contains_text("body", "模拟数据", timeout=10)
    dash_duo.wait_for_contains_text("#status-grid", "社会消费品零售总额", timeout=20)
    OUTPUT.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(OUTPUT / "status_page.png"))
    assert dash_duo.get_logs() in ([], None)
