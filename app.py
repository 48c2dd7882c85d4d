"""The dashboard app: create_app() builds it without side effects; `python app.py` serves it.

On first start of the embedded store the simulated demo province is loaded through the same
ingest path the bureau uses.
"""

import argparse
from pathlib import Path

from dash import Dash

from layouts import data, shell
from loaders import demo
from loaders.settings import get_settings
from loaders.store import Store

ROOT = Path(__file__).resolve().parent


def create_app(store: Store | None = None) -> Dash:
    store = store or Store(get_settings().database_url)
    data.use_store(store)
    app = Dash(__name__, title="县域经济高质量发展监测平台", use_pages=True,
               pages_folder=str(ROOT / "layouts" / "pages"), assets_folder=str(ROOT / "assets"),
               serve_locally=True, suppress_callback_exceptions=True)
    app.layout = shell.frame
    shell.register(app)
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
