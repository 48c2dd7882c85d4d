"""The dashboard app: create_app() builds it without side effects; `python app.py` serves it.

On first start of the embedded store the simulated demo province is loaded through the same
ingest path the bureau uses.
"""

import argparse

import dash_mantine_components as dmc
from dash import Dash, html

from layouts import status
from loaders import catalogue, demo
from loaders import regions as regions_mod
from loaders.settings import get_settings
from loaders.store import Store


def create_app(store: Store | None = None) -> Dash:
    store = store or Store(get_settings().database_url)
    app = Dash(__name__, title="县域经济高质量发展监测平台", serve_locally=True)
    cat = catalogue.default()
    n_counties = len(regions_mod.default().of_level("county"))

    def layout():
        obs = store.observations()
        return dmc.MantineProvider(html.Div(status.page(obs, store.uploads(), cat, n_counties)))

    app.layout = layout
    app.server.config["MONITOR_STORE"] = store
    return app


def ensure_demo(store: Store) -> None:
    """Load the demo province into an empty store (first start)."""
    store.create_schema()
    if store.is_empty():
        print("首次启动：正在导入演示用模拟数据（甘肃省 86 个县区）…", flush=True)
        for r in demo.load(store):
            print(f"  {r.file}: 新增 {r.inserted}", flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="县域经济高质量发展监测平台")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8050)
    args = ap.parse_args(argv)
    store = Store(get_settings().database_url)
    ensure_demo(store)
    app = create_app(store)
    print(f"监测平台已启动：http://{args.host}:{args.port}", flush=True)
    app.run(host=args.host, port=args.port, debug=False)


if __name__ == "__main__":
    main()
