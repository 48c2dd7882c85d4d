"""The 通报 as the city's leaders get it: `python -m indicators brief` on the demo province, its numbers checked
against `score` and against the store, computed independently here; the bureau's settings; the wording rules."""

import io
import json
import re
import subprocess
import tomllib

import pandas as pd
import pytest
from docx import Document

from indicators import cli
from indicators.brief import settings as settings_mod
from indicators.brief import wording as w

PERIOD, CITY = "2026-10", "city:621200"
LONGNAN = "621200"


def run_cli(*args) -> tuple[int, str, str]:
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def city_docx(demo_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("brief") / "brief.docx"
    code, _, err = run_cli("brief", "--period", PERIOD, "--scope", CITY, "--format", "docx", "--out", str(path),
                           "--db", demo_store.url)
    assert code == 0, err
    return Document(str(path))


def _score_rows(demo_store, scope: str) -> dict:
    code, out, err = run_cli("score", "--period", "2026Q3", "--scope", scope, "--format", "json", "--db", demo_store.url)
    assert code == 0, err
    doc = json.loads(out)
    return {r["region_name"]: r for r in doc["rows"]}, doc["params"]


def _table_with(doc, header_word: str):
    return next(t for t in doc.tables if any(header_word in c.text for c in t.rows[0].cells))


def test_docx_ranking_table_scores_equal_score_command(demo_store, city_docx):
    rows, _ = _score_rows(demo_store, CITY)
    table = _table_with(city_docx, "市内得分")
    head = [c.text for c in table.rows[0].cells]
    seen = {}
    for row in table.rows[1:]:
        cells = dict(zip(head, (c.text for c in row.cells), strict=True))
        seen[cells["县区"]] = cells
    assert set(seen) == set(rows) and len(seen) == 9
    for name, r in rows.items():
        assert seen[name]["市内得分"] == f"{r['score']:.2f}", name
        assert seen[name]["位次"] == str(int(r["rank"])), name
        assert seen[name]["名次区间（5%–95%）"] == f"{int(r['rank_p05'])}–{int(r['rank_p95'])}", name


LINE = re.compile(r"^(?P<name>[^，；]+?)(?:增长(?P<up>\d+\.\d)%|下降(?P<down>\d+\.\d)%|(?P<flat>与上年持平))，"
                  r"列全市第(?P<rank>\d+)位，(?:(?P<dir>高于|低于)全市平均水平(?P<pp>\d+\.\d)个百分点|与全市平均水平持平)$")


def test_docx_county_lines_equal_the_store(demo_store, city_docx):
    """Every number in the per-county lines ("…增长X%，列全市第N位，低于全市平均X个百分点") recomputed here from the
    store's values: the county's growth, its rank among the city's counties, its difference from the city."""
    from loaders import catalogue as catalogue_mod
    from loaders import regions as regions_mod

    cat, regions = catalogue_mod.default(), regions_mod.default()
    by_name = {r.name: r.code for r in regions.counties_of(LONGNAN)}
    heading, checked = None, 0
    for p in city_docx.paragraphs:
        text = p.text.strip()
        if re.match(r"^（[一二三四五六七八九十]）", text):
            heading = text.split("）", 1)[1]
        if not text.startswith("分县区看，"):
            continue
        code = next(i.code for i in cat if i.name_zh == heading)
        month = 9 if code == "GDP" else 10  # GDP is quarterly: 1-9月 is its latest value by 1-10月
        obs = demo_store.observations(periods=[f"2026-{month:02d}"], indicators=[code], measures=["cum_yoy"])
        growth = obs.drop_duplicates("region_code").set_index("region_code")["value"]
        counties = growth.reindex(list(by_name.values())).dropna()
        ranks = counties.rank(method="min", ascending=False)
        for line in text.removeprefix("分县区看，").removesuffix("。").split("；"):
            m = LINE.match(line)
            assert m, line
            county = by_name[m["name"]]
            said = float(m["up"]) if m["up"] else (-float(m["down"]) if m["down"] else 0.0)
            assert said == round(counties[county], 1), line
            assert int(m["rank"]) == int(ranks[county]), line
            diff = round(round(counties[county], 1) - round(growth[LONGNAN], 1), 1)
            assert (0.0 if m["pp"] is None else float(m["pp"]) * (1 if m["dir"] == "高于" else -1)) == diff, line
            checked += 1
    assert checked >= 6 * 9  # six indicators × nine counties


def test_docx_header_footer_and_page_numbers(demo_store, city_docx):
    _, params = _score_rows(demo_store, CITY)
    texts = [p.text for p in city_docx.paragraphs]
    assert "关于2026年1-10月全市县域经济主要指标完成情况的通报" in texts
    assert "陇南市统计局" in texts[0] and any("统发〔2026〕" in t for t in texts[:4])
    assert "各县（区）人民政府，市直有关部门：" in texts
    body = "\n".join(texts)
    assert f"数据状态 {params['data_state']}" in body and "模拟数据" in body
    assert "2026年三季度" in body and "综合评价按季度开展" in body  # the composite's quarter, said
    assert "在全省14个市州中列第" in body
    footer_xml = city_docx.sections[0].footer._element.xml
    assert "PAGE" in footer_xml


def test_json_sections_and_interviews(demo_store):
    code, out, err = run_cli("brief", "--period", PERIOD, "--scope", CITY, "--format", "json", "--out", "-",
                             "--db", demo_store.url)
    assert code == 0, err
    doc = json.loads(out)
    headings = [s["heading"] for s in doc["sections"] if s["level"] == 1]
    assert headings[0] == "一、综合评价情况" and headings[-1].endswith("下一步工作要求")
    assert any("约谈" in h for h in headings)
    assert all({"heading", "paragraphs", "tables"} <= set(s) for s in doc["sections"])
    from loaders import regions as regions_mod

    counties = {r.code: r.name for r in regions_mod.default().counties_of(LONGNAN)}
    assert doc["interviews"]  # the demo's bottom three meet the rules
    for item in doc["interviews"]:
        assert set(item) == {"region_code", "region_name", "rules"} and item["rules"]
        assert counties[item["region_code"]] == item["region_name"]
        assert all(r["text"] and r["facts"] for r in item["rules"])
    listed = next(t for s in doc["sections"] for t in s["tables"] if "约谈名单" in t["title"])
    assert [row[0] for row in listed["rows"]] == [i["region_name"] for i in doc["interviews"]]
    assert [f["kind"] for f in doc["sections"][0]["figures"]] == ["ranking_bars", "tile_map"]
    assert doc["params"]["scope"] == CITY and doc["params"]["quarter"] == "2026Q3"


def test_prefectures_brief(demo_store, tmp_path):
    path = tmp_path / "p.docx"
    code, _, err = run_cli("brief", "--period", PERIOD, "--scope", "prefectures", "--format", "docx", "--out", str(path),
                           "--db", demo_store.url)
    assert code == 0, err
    doc = Document(str(path))
    rows, _ = _score_rows(demo_store, "prefectures")
    table = _table_with(doc, "市州间得分")
    got = {r.cells[1].text: r.cells[2].text for r in table.rows[1:]}
    assert got == {name: f"{r['score']:.2f}" for name, r in rows.items()}
    assert "关于2026年1-10月全省各市州经济主要指标完成情况的通报" in [p.text for p in doc.paragraphs]


def test_pdf_pages(demo_store, tmp_path):
    path = tmp_path / "brief.pdf"
    code, _, err = run_cli("brief", "--period", PERIOD, "--scope", CITY, "--format", "pdf", "--out", str(path),
                           "--db", demo_store.url)
    assert code == 0, err
    from pypdf import PdfReader

    pdf = PdfReader(str(path))
    assert len(pdf.pages) >= 3
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "全市县域经济主要指标完成情况的通报" in text.replace("\n", "") and "礼县" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    lines = fonts.strip().splitlines()[2:]  # name type encoding emb sub uni object ID
    assert any("CJK" in line for line in lines)
    assert all(line.split()[-5] == "yes" for line in lines), fonts  # every font embedded


def test_bad_scope_and_period_say_the_fix(demo_store, tmp_path):
    code, _, err = run_cli("brief", "--period", PERIOD, "--scope", "city:621226", "--format", "json", "--out", "-",
                           "--db", demo_store.url)
    assert code == 1 and "621226" in err and "市州代码" in err
    code, _, err = run_cli("brief", "--period", "2026-13", "--scope", CITY, "--format", "json", "--out", "-",
                           "--db", demo_store.url)
    assert code == 1 and "没有 2026-13 的数据" in err and "2026-10" in err


# ---------------------------------------------------------------- settings and wording

def _settings_doc() -> dict:
    return tomllib.loads(settings_mod.DEFAULT_PATH.read_text(encoding="utf-8"))


def test_negative_growth_as_the_bureau_writes_it(demo_store):
    from indicators import reading
    from indicators.brief import content
    from loaders import catalogue as catalogue_mod

    doc = _settings_doc()
    doc["numbers"]["negative_growth"] = "增长-"
    minus = settings_mod.parse(doc, "brief.toml", catalogue_mod.default().codes)
    snap = reading.snapshot(demo_store)
    text = json.dumps(content.generate(snap, PERIOD, CITY, settings=minus).to_json(), ensure_ascii=False)
    default = json.dumps(content.generate(snap, PERIOD, CITY).to_json(), ensure_ascii=False)
    assert "西和县增长-17.0%" in text and "西和县下降17.0%" not in text
    assert "西和县下降17.0%" in default


def test_settings_errors_name_the_key_and_the_fix():
    doc = _settings_doc()
    doc["numbers"]["negative_growth"] = "负"
    doc["content"]["indicators"] = ["GDP", "FAKE"]
    doc["content"]["target_rank"] = 0
    doc["city"]["title"] = "关于{month}的通报"
    with pytest.raises(settings_mod.BriefSettingsError) as exc:
        settings_mod.parse(doc, "brief.toml", {"GDP", "FAI"})
    text = "\n".join(exc.value.problems)
    assert "numbers.negative_growth：“负”无法识别，应为 “下降” 或 “增长-”" in text
    assert "未知指标 FAKE" in text and "content.target_rank：应为正整数" in text
    assert "city.title：未知占位符 {month}" in text


@pytest.mark.parametrize("x, style, said", [
    (8.94, w.DECLINE, "增长8.9%"), (-8.94, w.DECLINE, "下降8.9%"), (-8.94, w.MINUS, "增长-8.9%"),
    (0.04, w.DECLINE, "与上年持平"), (-0.04, w.MINUS, "与上年持平"), (8.25, w.DECLINE, "增长8.3%"),
])
def test_growth_wording(x, style, said):
    assert w.growth(x, style) == said


def test_differences_ranks_and_levels():
    assert w.pp_diff(1.25, "全市平均水平") == "高于全市平均水平1.3个百分点"
    assert w.pp_diff(-0.3, "序时进度") == "低于序时进度0.3个百分点"
    assert w.pp_diff(0.0, "全市平均水平") == "与全市平均水平持平"
    assert (w.rank_change(3), w.rank_change(-2), w.rank_change(0)) == ("较上季度前移3位", "较上季度后退2位", "与上季度持平")
    assert w.rank_change(pd.NA) == "" and w.rank_change_cell(None) == "—"  # no previous quarter: nothing said
    assert w.level(4298600.0, "万元", city=True) == "429.86亿元" and w.level(52340.0, "万元") == "52340.0万元"  # no separators
    assert w.improvement(1.4, "%") == "1.4个百分点" and w.improvement(2.0, "%") == "2.0个百分点"
    assert w.improvement(6.0, "家") == "6家"
    assert w.gap(84.66, 83.33) == 1.4  # from the printed 84.7 and 83.3, not 1.33 → 1.3
    assert [w.cn_number(n) for n in (1, 10, 11, 20, 34)] == ["一", "十", "十一", "二十", "三十四"]
    assert w.months("2026-10") == "2026年1-10月" and w.quarter("2026Q3") == "2026年三季度"


def _section_texts(brief) -> dict[str, str]:
    return {s.heading: " ".join(b.text for b in s.blocks if hasattr(b, "text")) for s in brief.sections}


def test_double_half_is_the_half_year_test(demo_store):
    """1–6月 says who made 双过半 and what each other county missed (总量 / 增速); 1–10月 recalls it in one line;
    1–4月 has no 双过半 yet."""
    from indicators import reading
    from indicators.brief import content

    snap = reading.snapshot(demo_store)
    june = _section_texts(content.generate(snap, "2026-06", CITY))
    half = next(text for heading, text in june.items() if heading.endswith("双过半"))
    assert "“双过半”" in half and ("总量未过半" in half or "增速未达到年度目标" in half)
    progress = reading.progress_at(snap, "2026-06", CITY)
    missed = progress[progress["double_half"].notna() & ~progress["double_half"].fillna(True).astype(bool)
                      & progress["indicator"].isin(["GDP", "IVA", "FAI", "RETAIL", "GPBR", "INVEST_IN"])]
    from loaders import regions as regions_mod

    for code in set(missed["region_code"]):
        assert f"{regions_mod.default()[code].name}：" in half
    october = _section_texts(content.generate(snap, PERIOD, CITY))
    recalled = [text for heading, text in october.items() if heading.endswith("双过半")]
    assert len(recalled) == 1 and recalled[0].startswith("2026年1-6月，") and "：" not in recalled[0]
    april = _section_texts(content.generate(snap, "2026-04", CITY))
    assert not any(heading.endswith("双过半") for heading in april)


def test_brief_reads_the_same_progress_as_the_targets_page(demo_store):
    """The 序时进度 sentence of the city's 招商引资到位资金 is the targets page's row (one table, many readers)."""
    from indicators import reading
    from indicators.brief import content

    snap = reading.snapshot(demo_store)
    brief = content.generate(snap, PERIOD, CITY)
    row = reading.progress_rows(snap, PERIOD, LONGNAN)
    row = row[(row["indicator"] == "INVEST_IN") & (row["kind"] == "level")].iloc[0]
    text = " ".join(b.text for s in brief.sections for b in s.blocks if hasattr(b, "text"))
    assert f"招商引资到位资金：全市完成年度目标的{w.num(row['completion_pct'])}%" in text
    assert pd.notna(row["gap_pp"])


@pytest.fixture
def own_demo(demo_store, tmp_path):
    """A writable copy of the demo province."""
    import shutil

    from loaders.store import Store

    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store.url.removeprefix("duckdb:///"), path)
    store = Store(f"duckdb:///{path}")
    yield store
    store.dispose()


def test_brief_is_made_once_per_data_state_and_follows_a_correction(own_demo):
    """The page, its downloads and the warm-up share one document per data state; a correction makes a new one
    that carries the corrected figure and the new state."""
    from indicators import reading
    from indicators.brief import content
    from loaders.ingest import ingest

    before = reading.snapshot(own_demo)
    first = content.generate(before, PERIOD, CITY)
    assert content.generate(reading.snapshot(own_demo), PERIOD, CITY) is first
    assert "37.7" not in json.dumps(first.to_json(), ensure_ascii=False)
    text = ("region_code,region_name,period,indicator,measure,value,unit,note\n"
            f"621202,,{PERIOD},FAI,cum_yoy,37.7,%,\n")
    report = ingest(text.encode("utf-8"), own_demo, name="更正.csv", user="tests", note="企业更正")
    assert report.status == "committed", [p.message() for p in report.errors]
    after = reading.snapshot(own_demo)
    second = content.generate(after, PERIOD, CITY)
    assert after.data_state != before.data_state
    assert second.params["data_state"] == after.data_state != first.params["data_state"]
    assert "37.7" in json.dumps(second.to_json(), ensure_ascii=False)
