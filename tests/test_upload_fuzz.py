"""Fuzz the web upload path: hundreds of mutated versions of the demo files (truncated, re-encoded, shuffled
columns, junk bytes, huge numbers, formula strings, mislabelled types) are posted to the commit callback as
an uploader. None may crash the server (HTTP 500) and none may change the store unless it was valid."""

import base64
import csv
import hashlib
import io
import json
import random

import openpyxl
import pytest
from ui_helpers import TEST_SECRET, add_test_accounts, logged_in_client, post_upload

from app import create_app
from loaders import demo
from loaders.store import Store

SEED = 20261123
N_PER_SEED = 48  # × 5 seed files = 240 inputs
NASTY_CELLS = ("=HYPERLINK(\"http://x\",\"点击\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "1e308", "-1e309",
               "9" * 400, "NaN", "inf", "", "　", "12,345.6", "１２３", "∞", "\x00", "null", "0x1F", "1/0")


def _seeds() -> dict[str, bytes]:
    d = demo.DEMO_DIR
    long_lines = (d / "observations_2026.csv").read_bytes().splitlines(keepends=True)
    return {
        "月报_2026年1-10月_陇南市.csv": (d / "月报_2026年1-10月_陇南市.csv").read_bytes(),  # GBK wide sheet
        "月报_2026年1-9月_陇南市.xlsx": (d / "月报_2026年1-9月_陇南市.xlsx").read_bytes(),
        "分月_2026年_陇南市.xlsx": (d / "分月_2026年_陇南市.xlsx").read_bytes(),
        "observations_2026_part.csv": b"".join(long_lines[:400]),
        "targets_2026.csv": (d / "targets_2026.csv").read_bytes(),
    }


def _csv_rows(data: bytes) -> tuple[list[list[str]], str]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(data.decode(enc)))), enc
        except UnicodeDecodeError:
            continue
    raise AssertionError("seed is not text")


def _csv_bytes(rows, enc) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(enc, errors="replace")


def _mutate_csv(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    rows, enc = _csv_rows(data)
    kind = rng.choice(("truncate", "encoding", "shuffle", "junk", "cell", "cell", "drop_header", "dup_rows",
                       "blank_lines", "wide_row"))
    if kind == "truncate":
        return kind, data[: rng.randrange(0, len(data))]
    if kind == "encoding":
        text = data.decode(enc)
        return kind, text.encode(rng.choice(("utf-16", "utf-8", "latin-1", "big5", "utf-32")), errors="replace")
    if kind == "shuffle":
        order = list(range(max(len(r) for r in rows)))
        rng.shuffle(order)
        return kind, _csv_bytes([[r[i] if i < len(r) else "" for i in order] for r in rows], enc)
    if kind == "junk":
        pos = rng.randrange(0, len(data))
        return kind, data[:pos] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))) + data[pos:]
    if kind == "cell":
        for _ in range(rng.randrange(1, 6)):
            r = rng.randrange(len(rows))
            if rows[r]:
                rows[r][rng.randrange(len(rows[r]))] = rng.choice(NASTY_CELLS)
        return kind, _csv_bytes(rows, enc)
    if kind == "drop_header":
        return kind, _csv_bytes(rows[rng.randrange(1, 5):], enc)
    if kind == "dup_rows":
        r = rng.randrange(len(rows))
        return kind, _csv_bytes(rows[: r + 1] + rows[r:], enc)
    if kind == "blank_lines":
        return kind, _csv_bytes([[] if rng.random() < 0.2 else r for r in rows], enc)
    rows[rng.randrange(len(rows))] += ["extra"] * rng.randrange(1, 30)
    return kind, _csv_bytes(rows, enc)


def _mutate_xlsx(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    kind = rng.choice(("truncate", "flip", "cell", "cell", "cell", "delete_rows", "rename_sheet"))
    if kind == "truncate":
        return kind, data[: rng.randrange(0, len(data))]
    if kind == "flip":
        b = bytearray(data)
        for _ in range(rng.randrange(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return kind, bytes(b)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[rng.choice(wb.sheetnames)]
    if kind == "cell":
        for _ in range(rng.randrange(1, 6)):
            cell = ws.cell(row=rng.randrange(1, ws.max_row + 1), column=rng.randrange(1, ws.max_column + 1))
            if type(cell).__name__ != "MergedCell":
                cell.value = rng.choice((*NASTY_CELLS[:9], 1e308, -1e308, 10 ** 30, "2026年13月"))
    elif kind == "delete_rows":
        ws.delete_rows(rng.randrange(1, 6), rng.randrange(1, 4))
    else:
        ws.title = rng.choice(("Sheet1", "=cmd", "说明"))
    out = io.BytesIO()
    wb.save(out)
    return kind, out.getvalue()


def mutations(n_per_seed: int = N_PER_SEED, seed: int = SEED):
    """(label, file name, bytes) — deterministic for a seed."""
    rng = random.Random(seed)
    seeds = _seeds()
    for name, data in seeds.items():
        for i in range(n_per_seed):
            fname = name
            if i % 16 == 15:  # a file that is not what its name claims
                fname = name.rsplit(".", 1)[0] + (".csv" if name.endswith(".xlsx") else ".xlsx")
                yield f"{name}#{i}:mislabelled", fname, data
                continue
            kind, mutated = (_mutate_xlsx if name.endswith(".xlsx") else _mutate_csv)(rng, data)
            yield f"{name}#{i}:{kind}", fname, mutated
    yield "empty", "empty.csv", b""
    yield "bom only", "bom.csv", b"\xef\xbb\xbf"
    yield "path in name", "..\\..\\windows/../../etc/观测.csv", seeds["observations_2026_part.csv"]


def fingerprint(store: Store) -> str:
    obs = store.export().to_csv(index=False)
    tg = store.targets().drop(columns=["upload_id"]).to_csv(index=False)
    return hashlib.sha256((obs + tg).encode()).hexdigest()


@pytest.fixture
def uploader(tmp_path):
    store = Store(f"duckdb:///{tmp_path / 'fuzz.duckdb'}")
    store.create_schema()
    add_test_accounts(store)
    app = create_app(store, secret=TEST_SECRET)
    c = logged_in_client(app, "bureau")
    yield store, c, app
    store.dispose()


def commit(client, app, name: str, data: bytes):
    """What the browser posts when the uploader clicks 确认写入, then asks until the job is done (the last answer)."""
    url = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    return post_upload(client, app, "commit", [url], [name])


def test_mutated_files_never_crash_and_never_change_the_store_unless_valid(uploader, capsys):
    store, client, app = uploader
    tried, accepted, outcomes = 0, 0, {}
    for label, name, data in mutations():
        before, uploads_before = fingerprint(store), len(store.uploads())
        r = commit(client, app, name, data)
        tried += 1
        assert r.status_code == 200, (label, r.status_code, r.get_data(as_text=True)[:300])
        text = json.dumps(r.get_json(), ensure_ascii=False)
        new = store.uploads()
        if len(new) > uploads_before:  # written: it must have been valid, and it must say so
            upload = new.iloc[0]
            if label == "path in name":
                assert upload["file_name"] == "观测.csv"
            assert "已写入 1 个文件" in text and upload["status"] == "committed", label
            accepted += 1
            store.rollback(int(upload["id"]), user="fuzz")
        else:
            assert "没有写入任何文件" in text, label
        assert fingerprint(store) == before, label
        assert set(store.uploads()["file_name"].str.cat()) & {"/", "\\"} == set(), label  # names, never paths
        key = label.split(":")[-1]
        outcomes[key] = outcomes.get(key, 0) + 1
    assert tried >= 200
    with capsys.disabled():
        print(f"\nupload fuzz: tried {tried} inputs, {accepted} valid (written, then rolled back), "
              f"{tried - accepted} rejected, 0 server errors; kinds: {dict(sorted(outcomes.items()))}")
