"""数据: what the store holds for the latest period (coverage per indicator, latest uploads)."""

import dash
import dash_mantine_components as dmc

from layouts import data, status
from layouts.i18n import lang_of
from loaders import catalogue
from loaders import regions as regions_mod

dash.register_page(__name__, path="/data", name="数据", order=9)


def layout(lang=None, **_):
    lang_of(lang)
    store = data.store()
    n = len(regions_mod.default().of_level("county"))
    return dmc.Stack(status.page(store.observations(), store.uploads(), catalogue.default(), n))
