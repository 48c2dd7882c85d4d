"""Data status page (数据概况): what the store holds for the latest period. The dashboard pages come later."""

import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd

from loaders.catalogue import Catalogue
from loaders.cells import period_label


def coverage(obs: pd.DataFrame, catalogue: Catalogue, n_counties: int) -> pd.DataFrame:
    """Per indicator: its latest period and how many counties reported it then (pure, for tests)."""
    rows = []
    counties = obs[~obs["region_code"].str.endswith("00")]
    for ind in catalogue:
        if ind.value_type == "derived":
            continue
        mine = counties[counties["indicator"] == ind.code]
        if mine.empty:
            rows.append({"指标": ind.name_zh, "单位": ind.unit, "最新期": "—", "报送县区": 0, "应报县区": n_counties})
            continue
        latest = mine["period"].max()
        n = mine.loc[mine["period"] == latest, "region_code"].nunique()
        rows.append({"指标": ind.name_zh, "单位": ind.unit, "最新期": period_label(latest), "报送县区": n,
                     "应报县区": n_counties})
    return pd.DataFrame(rows)


def page(obs: pd.DataFrame, uploads: pd.DataFrame, catalogue: Catalogue, n_counties: int):
    latest = uploads.iloc[0] if len(uploads) else None
    vintage = (f"数据版本：第 {latest['id']} 次上传（{latest['file_name']}，{latest['created_at']:%Y-%m-%d %H:%M}）"
               if latest is not None else "库中还没有数据")
    table = coverage(obs, catalogue, n_counties)
    return dmc.Stack([
        dmc.Title("数据报送情况", order=4),
        dmc.Text(vintage, c="dimmed", size="sm"),
        dmc.Text(f"库中现有 {len(obs):,} 个有效数值、{len(uploads)} 次上传。", mt="sm"),
        dmc.Title("各指标最新数据报送情况", order=5, mt="lg", mb="xs"),
        dag.AgGrid(
            id="status-grid",
            rowData=table.to_dict("records"),
            columnDefs=[{"field": c} for c in table.columns],
            columnSize="sizeToFit",
            dashGridOptions={"domLayout": "autoHeight"},
        ),
    ])
