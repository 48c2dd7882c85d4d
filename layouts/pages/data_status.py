"""数据: for the latest period with data and the scope in the URL, which units reported which indicators, the
统计关库 countdown, and the latest uploads with their warnings."""

import dash
import dash_mantine_components as dmc

from indicators.pipeline import ScopeError, units
from layouts import data, grid_export, ids, status
from layouts.i18n import lang_of, period_label, t
from layouts.tile_map import tile_label
from loaders import catalogue, clock
from loaders import regions as regions_mod

dash.register_page(__name__, path="/data", name="数据", order=9, nav="nav_data", min_role="viewer")

grid_export.register(ids.DATA_COMPLETE_GRID, "报送完整性", subject=grid_export.scope_only)


def layout(scope=None, lang=None, **_):
    lang = lang_of(lang)
    store = data.store()
    periods = store.periods()
    if not periods:
        return dmc.Alert(t("data_empty", lang), color="yellow")
    latest = periods[0]
    regions = regions_mod.default()
    try:
        codes = units(scope or "province", regions)
    except ScopeError as exc:
        return dmc.Alert(str(exc), color="red")
    inds = status.expected_indicators(catalogue.default(), latest)
    table = status.completeness(store.observations(periods=[latest], regions=codes), inds, latest,
                                {c: tile_label(regions.by_code[c]) for c in codes},
                                store.marks(periods=[latest], regions=codes))
    ok = int(table["n_ok"].sum())
    uploads = store.uploads(limit=10)
    warned = status.latest_with_warnings(uploads)
    if warned is None:
        warnings = [dmc.Text(t("data_no_warnings", lang), size="sm", c="dimmed")]
    else:
        file = uploads.loc[uploads["id"] == warned, "file_name"].iloc[0]
        warnings = [dmc.Title(t("data_warnings_title", lang).format(id=warned, file=file), order=5, mt="md"),
                    status.problems_grid(store.upload_problems(warned), lang, ids.DATA_PROBLEMS_GRID)]
    return dmc.Stack(gap="sm", children=[
        dmc.Title(f"{t('data_title', lang)} · {period_label(latest, lang)}", order=4),
        status.countdown(status.closing_status(latest, store.closing_map(), clock.today()), lang),
        dmc.Title(t("data_complete_title", lang).format(period=period_label(latest, lang)), order=5, mt="md"),
        dmc.Text(t("data_complete_summary", lang).format(units=len(codes), inds=len(inds), ok=ok,
                                                         missing=len(codes) * len(inds) - ok), size="sm"),
        dmc.Text(t("data_complete_note", lang), size="xs", c="dimmed"),
        status.completeness_grid(table, inds, lang, ids.DATA_COMPLETE_GRID),
        grid_export.buttons(ids.DATA_COMPLETE_GRID, lang),
        dmc.Title(t("data_uploads_title", lang), order=5, mt="md"),
        status.uploads_grid(uploads, lang, ids.DATA_UPLOADS_GRID),
        *warnings,
    ])
