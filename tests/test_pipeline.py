"""The demo province scored end to end: golden 2026Q3 ranking, scopes, rank changes, traceability."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from indicators import pipeline

GOLDEN = Path(__file__).resolve().parent / "golden" / "score_2026Q3_province.csv"
LONGNAN = ["621202", "621221", "621222", "621223", "621224", "621225", "621226", "621227", "621228"]


@pytest.fixture(scope="module")
def card(demo_store):
    return pipeline.scorecard(demo_store, "2026Q3", "province", draws=200)


def test_golden_ranking_2026q3(card):
    got = card.table[["score", "rank"]].rename_axis("region_code").reset_index()
    got["score"] = got["score"].round(4)
    if os.environ.get("MONITOR_UPDATE_GOLDEN") == "1":  # after a deliberate method change; review the diff
        got.to_csv(GOLDEN, index=False)
    want = pd.read_csv(GOLDEN, dtype={"region_code": str})
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)


def test_every_county_is_ranked_with_an_interval_and_a_change(card, demo_store):
    t = card.table
    assert len(t) == 86 and t["rank"].notna().all()
    assert ((t["rank_p05"] <= t["rank_median"]) & (t["rank_median"] <= t["rank_p95"])).all()
    # the nominal method is one point of the method space, usually but not always inside the interval
    assert ((t["rank_p05"] <= t["rank"]) & (t["rank"] <= t["rank_p95"])).mean() > 0.8
    assert t["rank_change"].notna().all()  # 2026Q2 is in the store
    assert card.params["scheme"] and card.params["data_state"] == card.data_state == demo_store.data_state()
    assert card.params["scheme_sha256"] == card.scheme.sha256 and len(card.params["catalogue_sha256"]) == 64


def test_longnan_counties_sit_in_the_bottom_half_as_in_the_seed_speeches(card):
    assert card.table.loc[LONGNAN, "rank"].median() > 43


def test_city_scope_and_prefectures(demo_store):
    city = pipeline.scorecard(demo_store, "2026Q3", "city:621200", draws=0)
    assert sorted(city.table.index) == LONGNAN and sorted(city.table["rank"]) == list(range(1, 10))
    pref = pipeline.scorecard(demo_store, "2026Q3", "prefectures", draws=0)
    assert len(pref.table) == 14 and pref.table.loc["621200", "rank"] >= 12


@pytest.mark.parametrize("scope", ["county:1", "city:620200", "city:999999"])
def test_bad_scopes_say_what_is_allowed(demo_store, scope):
    with pytest.raises(pipeline.ScopeError, match="province"):
        pipeline.scorecard(demo_store, "2026Q3", scope, draws=0)


def _cli(*args, db, store=None):
    if store is not None:
        store.dispose()  # DuckDB: one process holds the file; let the CLI open it
    return subprocess.run([sys.executable, "-m", "indicators", *args, "--db", db], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_score_cli_prints_86_ranked_counties_with_intervals(demo_store):
    r = _cli("score", "--period", "2026Q3", "--draws", "100", db=demo_store.url, store=demo_store)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("region_code,region_name,score,rank,rank_change,rank_median,rank_p05,rank_p95,pillar_")
    assert len(lines) == 87
    city = _cli("score", "--period", "2026Q3", "--scope", "city:621200", "--format", "json", db=demo_store.url, store=demo_store)
    rows = json.loads(city.stdout)["rows"]
    assert [r["rank"] for r in rows] == list(range(1, 10)) and {r["region_code"] for r in rows} == set(LONGNAN)


def test_gaps_cli_answers_are_verified(demo_store):
    r = _cli("gaps", "--region", "621226", "--period", "2026Q3", "--target-rank", "10", "--format", "json",
             db=demo_store.url, store=demo_store)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["progress"] and any(p["indicator"] == "FAI" for p in doc["progress"])
    for g in doc["gaps"]:
        if g["reachable"] and g.get("improvement"):
            assert g["verified_rank"] <= 10
    text = _cli("gaps", "--region", "621226", "--period", "2026Q3", db=demo_store.url, store=demo_store).stdout
    assert "礼县" in text and "一、目标进度" in text and "进入前 10 名需要什么" in text


def test_regenerate_reproduces_the_golden_ranking_exactly(card, demo_store):
    again = pipeline.regenerate(demo_store, card.params)
    pd.testing.assert_frame_equal(again.table, card.table)
    assert again.params == card.params


def test_regenerate_refuses_when_the_data_state_moved_on(card, demo_store):
    with pytest.raises(ValueError, match="数据状态：结果为 0000"):
        pipeline.regenerate(demo_store, card.params | {"data_state": "0000"})


def test_score_json_carries_the_data_state_and_it_follows_rollbacks_of_older_uploads(tmp_path):
    """Repeating a run without changes gives the same data_state; rolling back an older upload (the 2026 long
    file, under the later 月报 and revisions) changes data_state and the scores."""
    from loaders import demo
    from loaders.store import Store

    db = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    store = Store(db)
    reports = demo.load(store)
    store.dispose()

    def score():
        r = _cli("score", "--period", "2026Q3", "--scope", "city:621200", "--draws", "0", "--format", "json", db=db)
        assert r.returncode == 0, r.stderr
        doc = json.loads(r.stdout)
        return doc["params"], {row["region_code"]: row["score"] for row in doc["rows"]}
    first, scores = score()
    again, same = score()
    assert first["data_state"] == again["data_state"] and scores == same
    assert len(first["scheme_sha256"]) == 64
    older = next(r.upload_id for r in reports if r.file == "observations_2026.csv")
    store = Store(db)
    store.rollback(older, user="test", note="撤销较早的上传")
    store.dispose()
    after, changed = score()
    assert after["data_state"] != first["data_state"] and changed != scores


@pytest.mark.parametrize("mode", ["entropy", "equal"])
def test_gaps_points_against_the_mean_are_the_score_commands_gap_to_the_mean(demo_store, tmp_path, mode):
    """With the 2026 scheme switched to data-driven or equal weights, gaps' points_vs_mean for 礼县 add up to
    its score minus the mean score of 陇南's nine counties, as `score` computes them with the same scheme."""
    text = (ROOT / "data" / "schemes" / "2026.toml").read_text(encoding="utf-8")
    assert 'weights = "fixed"' in text
    scheme = tmp_path / f"2026_{mode}.toml"
    scheme.write_text(text.replace('weights = "fixed"', f'weights = "{mode}"', 1), encoding="utf-8")
    common = ["--period", "2026Q3", "--scope", "city:621200", "--scheme", str(scheme), "--format", "json"]
    score = _cli("score", *common, "--draws", "0", db=demo_store.url, store=demo_store)
    assert score.returncode == 0, score.stderr
    rows = {r["region_code"]: r["score"] for r in json.loads(score.stdout)["rows"]}
    gaps = _cli("gaps", "--region", "621226", *common, db=demo_store.url, store=demo_store)
    assert gaps.returncode == 0, gaps.stderr
    doc = json.loads(gaps.stdout)
    assert doc["params"]["weights"] == mode and set(rows) == set(LONGNAN)
    pts = doc["points_vs_mean"]
    assert list(pts) == [c for c in doc["params"]["weights_used"]]
    assert sum(pts.values()) == pytest.approx(rows["621226"] - sum(rows.values()) / len(rows), abs=1e-9)
    assert any(abs(v) > 1e-6 for v in pts.values())
