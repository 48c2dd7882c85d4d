"""Login, logout and the server-side gate in front of every request.

Nothing but the login page answers an anonymous request: pages redirect to /login, Dash's data
endpoints get 401. Each callback request is checked by layouts.access against the session's
account before Dash runs it; a refusal is answered with 403 and written to the audit log. The
login form carries a CSRF token; the session cookie is HttpOnly and SameSite=Lax (Secure behind
TLS). A cookie is honoured only while its session record on the server is open (loaders/sessions.py:
logout, a password reset and disabling end it), for IDLE_MINUTES without a request, and SESSION_HOURS
after the login at most, however busy (the login time is set once and never refreshed).
"""

from __future__ import annotations

import datetime as dt
import hmac
import html
import secrets
import time
import uuid
from urllib.parse import quote, unquote, urlsplit

from dash import Dash
from flask import Response, jsonify, redirect, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from layouts import access
from loaders import audit, sessions, upload_check, users
from loaders.settings import secure_cookies
from loaders.store import Store

IDLE_MINUTES = 30  # a leader's laptop left open in a meeting room logs itself out
SESSION_HOURS = 12
PUBLIC_PATHS = ("/login", "/logout", "/_favicon.ico", "/favicon.ico")
CALLBACK_PATH = "/_dash-update-component"
MAX_REQUEST_BYTES = 4 * upload_check.MAX_UPLOAD_BYTES * 4 // 3 + 1024 * 1024


class WebUser(UserMixin):
    def __init__(self, account: users.Account):
        self.account = account
        self.id = account.name


def install(app: Dash, store: Store, secret: str) -> None:
    server = app.server
    server.config.update(
        SECRET_KEY=secret, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies(), SESSION_COOKIE_NAME="monitor_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS), SESSION_REFRESH_EACH_REQUEST=False,
        # a few files at the upload limit, base64-encoded in Dash's JSON; anything larger is refused with 413
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    manager = LoginManager()
    manager.session_protection = "strong"
    manager.init_app(server)

    @manager.user_loader
    def load(name: str):
        acct = users.get(store, name)
        return WebUser(acct) if acct and not acct.disabled else None

    def ip() -> str:
        return request.remote_addr or ""

    def refuse(status: int, reason: str, target: str):
        acct = access.current()
        # anonymous refusals are aggregated per address and reason (loaders/audit.py), so a flood cannot bury events
        audit.record_refusal(store, user=acct.name if acct else "", target=target, reason=reason, ip=ip())
        return jsonify({"error": reason}), status

    def gate():
        path = request.path
        if path in PUBLIC_PATHS:
            return None
        if current_user.is_authenticated:
            ended = _session_ended()
            if ended:
                reason, message = ended
                audit.record(store, "logout", user=current_user.id, detail=reason, ip=ip())
                sessions.end(store, session.get("sid", ""), sessions.EXPIRED)
                logout_user()
                session.clear()
                return _to_login(path, message)
            session["seen"] = time.time()
        else:
            return _to_login(path, "请先登录")
        if path == CALLBACK_PATH and request.method == "POST":
            body = request.get_json(silent=True) or {}
            output = str(body.get("output", ""))
            entry = app.callback_map.get(output)
            reason = access.check_callback(access.current(), entry, output, body)
            if reason:
                return refuse(403, reason, output)
        return None

    def _session_ended() -> tuple[str, str] | None:
        """(audit detail, message) when the session may not go on, else None."""
        clock = time.time()
        if clock - float(session.get("login_at", 0)) > SESSION_HOURS * 3600:
            return "session lifetime", f"登录已超过 {SESSION_HOURS} 小时，请重新登录"
        if not sessions.is_open(store, str(session.get("sid", "")), current_user.id):
            return "session ended", "登录已失效（已退出、密码已重设或账号已停用），请重新登录"
        if clock - float(session.get("seen", 0)) > IDLE_MINUTES * 60:
            return "idle timeout", "登录已超时，请重新登录"
        return None

    def _to_login(path: str, reason: str):
        if request.method == "GET" and not path.startswith("/_dash"):
            target = path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")
            return redirect(f"/login?next={quote(target)}")
        return refuse(401, reason, path)

    server.before_request(gate)

    @server.route("/login", methods=["GET", "POST"])
    def login():
        nxt = _safe_next(request.values.get("next"))
        if request.method == "GET":
            return _login_page(nxt)
        if not hmac.compare_digest(str(session.get("csrf", "")), request.form.get("csrf", "")) or not session.get("csrf"):
            audit.record(store, "login", user=request.form.get("username", "")[:64], outcome=audit.REFUSED,
                         detail="bad CSRF token", ip=ip())
            return _login_page(nxt, "页面已过期，请重新输入", status=400)
        acct, message = users.authenticate(store, request.form.get("username", "").strip(),
                                           request.form.get("password", ""), ip=ip())
        if acct is None:
            return _login_page(nxt, message, status=401)
        session.clear()  # a fresh session at login: nothing carried over from before
        login_user(WebUser(acct))
        session.permanent = True
        session["sid"] = sessions.start(store, acct.name)
        session["login_at"] = session["seen"] = time.time()  # login_at is never refreshed: the absolute lifetime
        return redirect(nxt)

    @server.route("/favicon.ico")
    def favicon():
        # browsers ask for it on their own, in parallel with the login page: answered without touching the
        # session, so it cannot race the login form's CSRF token
        return redirect("/_favicon.ico")

    @server.route("/logout")
    def logout():
        if current_user.is_authenticated:
            audit.record(store, "logout", user=current_user.id, ip=ip())
        sessions.end(store, str(session.get("sid", "")), sessions.LOGOUT)  # a copy of the cookie is now worthless
        logout_user()
        session.clear()
        return redirect("/login")

    @server.errorhandler(500)
    def server_error(exc):
        ref = uuid.uuid4().hex[:8]
        server.logger.error("error %s on %s", ref, request.path, exc_info=getattr(exc, "original_exception", exc))
        return jsonify({"error": f"服务器内部错误（编号 {ref}），已记录；请稍后重试或联系管理员"}), 500


def _safe_next(target: str | None) -> str:
    """Only an absolute path on this site: no //host, no scheme, no backslash, no control characters (browsers drop
    a tab or newline, so /%09/host would become //host), before or after percent-decoding. Else "/"."""
    if not target:
        return "/"
    for form in (target, unquote(target), unquote(unquote(target))):
        if (not form.startswith("/") or form.startswith("//") or "\\" in form
                or any(ord(ch) < 32 or ord(ch) == 127 for ch in form) or urlsplit(form).netloc):
            return "/"
    return target


def _login_page(nxt: str, message: str = "", status: int = 200) -> Response:
    token = session.get("csrf") or secrets.token_urlsafe(32)
    session["csrf"] = token
    error = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    page = LOGIN_HTML.format(csrf=html.escape(token), next=html.escape(nxt), error=error)
    resp = Response(page, status=status, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Frame-Options"] = "DENY"
    return resp


LOGIN_HTML = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 县域经济高质量发展监测平台</title>
<style>
body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f1f3f5;margin:0}}
main{{max-width:360px;margin:12vh auto;background:#fff;padding:28px 28px 20px;border-radius:8px;
box-shadow:0 1px 4px rgba(0,0,0,.12)}}
h1{{font-size:20px;margin:0 0 4px}} p.sub{{color:#868e96;font-size:13px;margin:0 0 20px}}
label{{display:block;font-size:14px;margin:12px 0 4px}}
input{{width:100%;box-sizing:border-box;padding:9px;font-size:15px;border:1px solid #ced4da;border-radius:4px}}
button{{margin-top:20px;width:100%;padding:10px;font-size:16px;background:#1c7ed6;color:#fff;border:0;border-radius:4px}}
.error{{color:#c92a2a;background:#fff5f5;padding:8px;border-radius:4px;font-size:14px}}
footer{{color:#868e96;font-size:12px;margin-top:18px}}
</style></head>
<body><main>
<h1>县域经济高质量发展监测平台</h1><p class="sub">统计数据发布前保密，请使用本人账号登录</p>
{error}
<form method="post" action="/login" autocomplete="off">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
<label for="username">用户名</label><input id="username" name="username" required autofocus>
<label for="password">密码</label><input id="password" name="password" type="password" required>
<button id="login-submit" type="submit">登录</button>
</form>
<footer>同一台电脑连续输错 5 次密码须等待后再试（1 分钟起，逐次加倍，最长 15 分钟）；30 分钟无操作或登录满 12 小时自动退出。</footer>
</main></body></html>
"""
