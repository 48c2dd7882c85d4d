"""Cell rules on real bureau files: encodings, NFKC, missing markers, numbers, periods, units."""

import pandas as pd
import pytest

from loaders import cells


@pytest.mark.parametrize("text, value", [
    ("1,234.5", 1234.5), ("-3.2", -3.2), ("５.１％", 5.1), ("－３.２", -3.2), ("5.1000000000000005", 5.1),
    ("增长1.2倍", 120.0), ("下降3.2%", -3.2), ("增长5.1%", 5.1), (" 12 ", 12.0), (7, 7.0),
])
def test_numbers(text, value):
    assert cells.number(text) == value


@pytest.mark.parametrize("text", ["", "—", "――", "-", "…", "/", "N/A", "#N/A", "#DIV/0!", "*", "　"])
def test_missing_markers_are_missing_never_zero(text):
    assert cells.number(text) is None


@pytest.mark.parametrize("text", ["12..5", "abc", "5.1.2", "1e999"])
def test_unreadable_numbers_raise_with_the_expected_form(text):
    with pytest.raises(cells.CellError):
        cells.number(text)


def test_vectorised_numbers_mix_fast_and_slow_cells():
    values, bad = cells.numbers(pd.Series(["1", "—", "5.1%", "x1", "-", "增长1.2倍", ""], dtype="string"))
    assert values.iloc[0] == 1.0 and values.iloc[2] == 5.1 and values.iloc[5] == 120.0
    assert values.iloc[[1, 3, 4, 6]].isna().all()
    assert bad.tolist() == [False, False, False, True, False, False, False]


@pytest.mark.parametrize("text, year, period", [
    ("2024-06", None, "2024-06"), ("2024/6", None, "2024-06"), ("2024.6", None, "2024-06"),
    ("202406", None, "2024-06"), ("2024Q2", None, "2024-06"), ("2024年1-6月", None, "2024-06"),
    ("2024年1—6月", None, "2024-06"), ("2024年1～6月陇南市各县区", None, "2024-06"), ("2024年6月", None, "2024-06"),
    ("2024年上半年", None, "2024-06"), ("2024年一季度", None, "2024-03"), ("2024年前三季度", None, "2024-09"),
    ("2024年全年", None, "2024-12"), ("1-2月", 2025, "2025-02"), ("上半年", 2025, "2025-06"),
    ("2024年1-13月", None, None), ("上半年", None, None), ("陇南市", None, None),
])
def test_periods(text, year, period):
    assert cells.period(text, year) == period


def test_decode_order_utf8_then_gb18030():
    assert cells.decode("武都".encode()) == ("武都", "utf-8")
    assert cells.decode(b"\xef\xbb\xbf" + "武都".encode()) == ("武都", "utf-8-sig")
    assert cells.decode("武都—".encode("gb18030")) == ("武都—", "gb18030")


def test_undecodable_bytes_name_the_line():
    with pytest.raises(cells.CellError, match="第2行"):
        cells.decode(b"ok\n\x81\x30\xff\xff")


@pytest.mark.parametrize("src, dst, factor", [("亿元", "万元", 10000.0), ("万元", "万元", 1.0), (None, "万元", 1.0),
                                              ("元", "万元", 0.0001), ("万吨", "万元", None)])
def test_unit_factors(src, dst, factor):
    assert cells.unit_factor(src, dst) == factor
