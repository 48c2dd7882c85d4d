"""Who may see and do what: the one place where roles and region scope are decided.

Rules are pure functions of an account and a view (page path, comparison scope, county), so they
are tested without a server. `guard_pages` wraps every page layout and `check_callback` is called
by the server for every Dash callback request (layouts/login.py), from the session's account —
never from a role or scope the browser sends. Each page declares its least role where it registers
(`dash.register_page(..., min_role="viewer")`, read back from dash.page_registry); a page or a
callback without a declared role is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

import dash
import dash_mantine_components as dmc
from flask_login import current_user

from layouts.i18n import label
from loaders import regions as regions_mod
from loaders.users import ROLES, Account

ROLE_KEY = "min_role"  # the register_page keyword a page declares its least role with
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."  # Dash Pages' own callback: renders the page layouts
LOCATION_ID = "_pages_location"


@dataclass(frozen=True)
class View:
    """What a request asks to see: the page, the comparison set, a county or a prefecture (any may be absent)."""

    path: str = "/"
    scope: str | None = None
    county: str | None = None
    prefecture: str | None = None


def requires(role: str) -> Callable:
    """Declare the least role a callback needs; put it under @callback."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {ROLES}")

    def mark(func):
        func.required_role = role
        return func
    return mark


def _serves(page: dict, path: str) -> int:
    """How specifically a registered page serves a path (0: not at all): its template, its path, or below it."""
    template = page.get("path_template")
    if template and re.fullmatch(re.sub(r"<[^>]+>", "[^/]+", template), path):
        return len(template)
    own = page.get("path") or ""
    if path == own or (own not in ("", "/") and path.startswith(own + "/")):
        return len(own)
    return 0


def page_of(path: str, registry: dict | None = None) -> dict | None:
    """The registered page that serves a path (the most specific one), or None when no page does."""
    pages = (registry if registry is not None else dash.page_registry).values()
    best = max(pages, key=lambda p: _serves(p, path), default=None)
    return best if best is not None and _serves(best, path) else None


def page_role(path: str, registry: dict | None = None) -> str | None:
    """The least role the page at `path` declared where it registered; None when it declared none (or an unknown
    role): such a page is refused to everyone. A path no page serves shows Dash's 404 and holds no data, so
    callbacks from it need only the least role (each callback still needs its own, see `requires`)."""
    page = page_of(path, registry)
    if page is None:
        return ROLES[0]
    return declared_role(page)


def declared_role(page: dict) -> str | None:
    role = page.get(ROLE_KEY)
    return role if role in ROLES else None


def role_refusal(account: Account, page: dict | None) -> str | None:
    """None when the account's role reaches the page's declared role, else the reason (no role declared: refused)."""
    need = declared_role(page) if page is not None else ROLES[0]
    if need is None:
        return f"此页面未登记访问权限（{page.get('path_template') or page.get('path')}），已拒绝"
    if not account.at_least(need):
        return f"此页面需要“{label('role', need)}”权限，当前账号为“{label('role', account.role)}”"
    return None


def _home_prefectures(account: Account, regions: regions_mod.Regions) -> set[str]:
    return {code if regions[code].level == "prefecture" else regions.city_of(code) for code in account.scope}


def allowed_scope(account: Account, scope: str | None, regions: regions_mod.Regions | None = None) -> bool:
    """A scoped account sees the comparisons that include its regions: the province's counties, the 14
    prefectures (its prefecture is one of them) and its own prefecture's counties — not another prefecture's."""
    if not account.scope or scope in (None, "", "province", "prefectures"):
        return True
    regions = regions or regions_mod.default()
    return scope.startswith("city:") and scope.removeprefix("city:") in _home_prefectures(account, regions)


def may_see_county(account: Account, code: str, regions: regions_mod.Regions | None = None) -> bool:
    """A county's own page (its weaknesses, its gap to a rank) only for accounts whose scope holds it."""
    if not account.scope:
        return True
    regions = regions or regions_mod.default()
    if code not in regions:
        return False
    return code in account.scope or regions.city_of(code) in account.scope


def may_see_prefecture(account: Account, code: str, regions: regions_mod.Regions | None = None) -> bool:
    """A prefecture's own page (its score among the prefectures, its points, its gap to a rank): prefecture-level
    numbers are those of the 14市州 ranking, which every account may see (allowed_scope "prefectures"), so any
    prefecture's; a scoped account is refused a code that is no prefecture. What the page says about the
    prefecture's counties follows the county rules (prefecture_counties)."""
    if not allowed_scope(account, "prefectures", regions):
        return False
    if not account.scope:
        return True
    regions = regions or regions_mod.default()
    return code in regions and regions[code].level == "prefecture"


def prefecture_counties(account: Account, code: str, regions: regions_mod.Regions | None = None) -> dict:
    """What a prefecture's page may say about its counties: the within-city scores only when the account may see
    that prefecture's internal comparison (allowed_scope city:<code>); the province scores always (the province
    ranking is open to every account); a county's name links to its page only where may_see_county."""
    regions = regions or regions_mod.default()
    counties = [r.code for r in regions.counties_of(code)] if code in regions else []
    return {"city": allowed_scope(account, f"city:{code}", regions),
            "links": {c for c in counties if may_see_county(account, c, regions)}}


def upload_regions(account: Account, regions: regions_mod.Regions | None = None) -> set[str] | None:
    """Regions a scoped uploader may send figures for (its counties, and a prefecture's 全市 row); None = any."""
    if not account.scope:
        return None
    regions = regions or regions_mod.default()
    out = set(account.scope)
    for code in account.scope:
        if code in regions and regions[code].level == "prefecture":
            out |= {c.code for c in regions.counties_of(code)}
    return out


def upload_refusal(account: Account, regions_of_upload: set[str], upload_id: int,
                   regions: regions_mod.Regions | None = None) -> str | None:
    """A scoped uploader sees, downloads and rolls back only uploads all of whose regions are in its scope."""
    allowed = upload_regions(account, regions)
    outside = sorted(regions_of_upload - allowed) if allowed is not None else []
    if not outside:
        return None
    regions = regions or regions_mod.default()
    names = "、".join(regions[c].name if c in regions else c for c in outside[:5]) + ("等" if len(outside) > 5 else "")
    return (f"上传 #{upload_id} 含本账号范围（{scope_label(account, regions)}）以外的地区（{names}），"
            "只能由市统计局查看、下载或撤销")


def refusal(account: Account | None, view: View, regions: regions_mod.Regions | None = None,
            page: dict | None = None) -> str | None:
    """None when the account may have the view, else the reason in Chinese. `page`: the registry entry being
    rendered (default: the one serving view.path)."""
    if account is None:
        return "请先登录"
    reason = role_refusal(account, page if page is not None else page_of(view.path))
    if reason:
        return reason
    if not allowed_scope(account, view.scope, regions):
        return f"当前账号的查看范围（{scope_label(account, regions)}）不含比较范围“{view.scope}”"
    if view.county and not may_see_county(account, view.county, regions):
        return f"当前账号的查看范围（{scope_label(account, regions)}）不含县区 {view.county}"
    if view.prefecture and not may_see_prefecture(account, view.prefecture, regions):
        return f"当前账号的查看范围（{scope_label(account, regions)}）不含市州 {view.prefecture}"
    return None


def scope_label(account: Account, regions: regions_mod.Regions | None = None) -> str:
    if not account.scope:
        return "全省"
    regions = regions or regions_mod.default()
    return "、".join(regions[c].name if c in regions else c for c in account.scope)


def home_scope(account: Account | None, regions: regions_mod.Regions | None = None) -> str | None:
    """The comparison a scoped account starts from: its prefecture's counties."""
    if account is None or not account.scope:
        return None
    homes = sorted(_home_prefectures(account, regions or regions_mod.default()))
    return f"city:{homes[0]}" if homes else None


# ---------------------------------------------------------------- requests

def view_of(path: str | None, search: str | None = None, **params) -> View:
    q = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}
    q.update({k: v for k, v in params.items() if v})
    path = path or "/"
    county, prefecture = q.get("code"), None
    if path.startswith("/county/"):
        county = path.removeprefix("/county/").split("/")[0] or county
    elif path.startswith("/prefecture/"):
        county, prefecture = None, path.removeprefix("/prefecture/").split("/")[0] or q.get("code")
    return View(path=path, scope=q.get("scope"), county=county, prefecture=prefecture)


def declared_values(entry: dict, body: dict) -> list[tuple[str, str, object]] | None:
    """(id, property, value) of the callback's declared inputs, then its state, as Dash passes them to the function
    (by position); None when the request does not have exactly that shape (ids renamed, reordered, missing or
    added), which is refused."""
    declared = [*(entry.get("inputs") or []), *(entry.get("state") or [])]
    sent = [*(body.get("inputs") or []), *(body.get("state") or [])]
    if len(declared) != len(sent):
        return None
    out = []
    for want, got in zip(declared, sent, strict=True):
        if not isinstance(got, dict) or (got.get("id"), got.get("property")) != (want["id"], want["property"]):
            return None
        out.append((want["id"], want["property"], got.get("value")))
    return out


def views_in_payload(values: list[tuple[str, str, object]]) -> list[View]:
    """Every view a callback's arguments name: the page location, and page-state stores holding a county, a
    prefecture or a scope."""
    loc = {prop: value for cid, prop, value in values if cid == LOCATION_ID}
    views = [view_of(loc.get("pathname") or "/", loc.get("search"))] if loc else []
    for _, _, v in values:
        if isinstance(v, dict) and ({"county", "prefecture", "scope"} & v.keys()):
            views.append(View(path=views[0].path if views else "/", scope=v.get("scope"), county=v.get("county"),
                              prefecture=v.get("prefecture")))
    return views


def check_callback(account: Account | None, entry: dict | None, output: str, body: dict) -> str | None:
    """None when the account may run this callback (its `app.callback_map` entry) with this payload, else the
    reason. The views are read from the values Dash will pass to the function, by position."""
    if account is None:
        return "请先登录"
    if output == ROUTER_OUTPUT:
        return None  # page layouts check their own view (guard_pages) to show a readable refusal
    role = getattr((entry or {}).get("callback"), "required_role", None)
    if role is None:
        return "未登记权限的请求，已拒绝"
    if not account.at_least(role):
        return f"此操作需要“{label('role', role)}”权限，当前账号为“{label('role', account.role)}”"
    values = declared_values(entry, body)
    if values is None:
        return "请求的输入与该操作的定义不符，已拒绝"
    for view in views_in_payload(values):
        reason = refusal(account, view)
        if reason:
            return reason
    return None


# ---------------------------------------------------------------- the session's account

def current() -> Account | None:
    """The logged-in account of this request (from the server-side session), or None."""
    try:
        user = current_user
        return user.account if user and user.is_authenticated else None
    except (AttributeError, RuntimeError):  # outside a request
        return None


def guard_pages(registry: dict, on_refused: Callable[[Account | None, View, str], None]) -> None:
    """Wrap every page's layout: a view the account may not have (including any view of a page that declared no
    role) renders a refusal, and is audited. A static layout is wrapped too, so no page escapes the check."""
    for page in registry.values():
        layout = page["layout"]
        if getattr(layout, "guarded", False):
            continue
        page["layout"] = _guarded(layout if callable(layout) else (lambda _layout=layout, **_: _layout), page,
                                  on_refused)


def _guarded(layout: Callable, page: dict, on_refused) -> Callable:
    template_path = page.get("path_template") or page["path"]

    def guarded(**kwargs):
        account = current()
        path = template_path.replace("<code>", str(kwargs.get("code") or ""))
        county = kwargs.get("code") if template_path.startswith("/county/") else None
        prefecture = kwargs.get("code") if template_path.startswith("/prefecture/") else None
        view = View(path=path, scope=kwargs.get("scope"), county=county, prefecture=prefecture)
        reason = refusal(account, view, page=page)
        if reason:
            on_refused(account, view, reason)
            return dmc.Alert(reason, title="无权访问", color="red", id="access-refused")
        return layout(**kwargs)
    guarded.guarded = True
    return guarded
