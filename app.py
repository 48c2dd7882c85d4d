"""The dashboard app: create_app() builds it; `python app.py` serves the embedded store; gunicorn serves
server mode through create_server().

On first start of the embedded store the simulated demo province is loaded through the same
ingest path the bureau uses, and demo accounts are created. create_app() touches nothing but the
store's schema and, without an explicit secret, the session key file in the instance directory.
"""

import argparse
import logging
from pathlib import Path

import dash
import plotly.io as pio
from dash import Dash

from layouts import access, data, figures, instance, login, page_cache, shell
from loaders import audit, demo, redis_link, regions
from loaders.settings import get_settings
from loaders.store import Store

ROOT = Path(__file__).resolve().parent


def create_app(store: Store | None = None, secret: str | None = None) -> Dash:
    """The app over one store; every request needs a login (layouts/login.py), every view is checked
    against the account's role and scope (layouts/access.py)."""
    store = store or Store(get_settings().database_url)
    store.create_schema()
    data.use_store(store)
    page_cache.clear()
    pio.templates.default = figures.TEMPLATE
    app = Dash(__name__, title="县域经济高质量发展监测平台", use_pages=True,
               pages_folder=str(ROOT / "layouts" / "pages"), assets_folder=str(ROOT / "assets"),
               serve_locally=True, suppress_callback_exceptions=True)
    app.layout = shell.frame
    shell.register(app)
    login.install(app, store, secret or instance.secret_key())

    def refused(account, view, reason):
        audit.record_refusal(store, user=account.name if account else "", target=view.path,
                             reason=f"{reason}（scope={view.scope or ''} county={view.county or ''}）")
    page_cache.cache_pages(dash.page_registry, app.server)
    access.guard_pages(dash.page_registry, refused)
    app.server.config["MONITOR_STORE"] = store
    return app


def ensure_demo(store: Store) -> None:
    """Load the demo province into an empty store (first start)."""
    store.create_schema()
    if not demo.fits_deployment():
        print(f"本部署为 MONITOR_PROVINCE={regions.default().province}：不导入演示数据（甘肃省）、不建演示账号；"
              "请用 python -m loaders users add 建账号，再上传本省数据", flush=True)
        return
    if store.is_empty():
        print("首次启动：正在导入演示用模拟数据（甘肃省 86 个县区）…", flush=True)
        for r in demo.load(store):
            print(f"  {r.file}: 新增 {r.inserted}", flush=True)
    path = instance.create_demo_accounts(store)
    if path:
        print(f"已创建演示账号（随机密码，只显示这一次）；账号和密码保存在 {path}（仅本人可读）：", flush=True)
        print(path.read_text(encoding="utf-8"), flush=True)
    elif (instance.instance_dir() / instance.CREDENTIALS_FILE).exists():
        print(f"演示账号和密码见 {instance.instance_dir() / instance.CREDENTIALS_FILE}", flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="县域经济高质量发展监测平台")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8050)
    args = ap.parse_args(argv)
    try:
        regions.default()  # MONITOR_PROVINCE / MONITOR_CITY checked before anything starts
    except regions.DeploymentError as exc:
        raise SystemExit(f"错误：{exc}") from None
    store = Store(get_settings().database_url)
    ensure_demo(store)
    app = create_app(store)
    data.enable_warming()
    print(f"监测平台已启动：http://{args.host}:{args.port}", flush=True)
    app.run(host=args.host, port=args.port, debug=False)


def _log_to_stderr() -> None:
    """The app's own log lines (monitor.*: Redis outages, warming) on stderr, where gunicorn's log goes."""
    logger = logging.getLogger("monitor")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def create_server():
    """Server mode (PostgreSQL, several workers): `gunicorn -w 4 -b 0.0.0.0:8050 'app:create_server()'`.

    Every worker must sign sessions with the same key: set MONITOR_SECRET_KEY (or share the instance
    directory). Accounts come from `python -m loaders users add`; no demo data or demo account is created.
    With MONITOR_REDIS_URL the workers share their results through Redis (loaders/redis_link.py).
    """
    _log_to_stderr()
    app = create_app(Store(get_settings().database_url))
    redis_link.announce()
    data.enable_warming()
    return app.server


if __name__ == "__main__":
    main()
