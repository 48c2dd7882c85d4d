"""Helpers shared by the page tests: text of a component tree, the phone-width check, logging in, and the upload
page's background jobs (submit, then ask until done, as the page does)."""

import json
import re
import time

OUTPUT_NAME = "output"

# One column on a phone: nothing wider than the window, charts redrawn to fit (plotly resizes a moment after the
# window; a chart inside a .scroll-x box, the targets heatmap, scrolls sideways by design).
PHONE_FITS = """return document.documentElement.scrollWidth <= window.innerWidth && Array.from(
    document.querySelectorAll('.js-plotly-plot .svg-container')).filter(e => !e.closest('.scroll-x'))
    .every(e => e.getBoundingClientRect().width <= window.innerWidth)"""


def component_text(component) -> str:
    """All text in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(component_text(c) for c in component)
    return component_text(getattr(component, "children", None))


# ---------------------------------------------------------------- logging in (tests only: fixed passwords)

TEST_PASSWORD = "test-password-1"
TEST_SECRET = "test-secret-key"
TEST_ACCOUNTS = (("leader", "viewer", ()), ("bureau", "uploader", ()), ("admin", "admin", ()),
                 ("lixian", "viewer", ("621226",)))


def add_test_accounts(store) -> None:
    from loaders import users

    for name, role, scope in TEST_ACCOUNTS:
        if users.get(store, name) is None:
            users.add(store, name, role, TEST_PASSWORD, display_name=name, scope=scope, by="tests")


def login_as(dash_duo, store, user: str = "leader", app=None):
    """Start the app and log in through the form; the browser then holds the session cookie."""

    from app import create_app

    add_test_accounts(store)
    app = app or create_app(store, secret=TEST_SECRET)
    dash_duo.start_server(app, navigate=False)  # "/" would redirect to the login form
    dash_duo._url = dash_duo.server.url  # what start_server would set, without waiting for a Dash page
    login_form(dash_duo, user)
    return app


def login_form(dash_duo, user: str, password: str = TEST_PASSWORD, next_path: str = "/_favicon.ico") -> None:
    from selenium.webdriver.common.by import By

    driver = dash_duo.driver
    driver.get(f"{dash_duo.server_url}/login?next={next_path}")
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 20).until(lambda d: "/login" not in d.current_url)  # the session cookie is set


def form_token(client, path: str = "/login") -> str:
    """The CSRF token of the login form, as a Flask test client sees it."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page)[1]


def logged_in_client(app, name: str, password: str = TEST_PASSWORD, next_path: str = "/"):
    """A Flask test client that logged in through the form (what every request needs)."""
    c = app.server.test_client()
    r = c.post("/login", data={"csrf": form_token(c), "username": name, "password": password, "next": next_path})
    assert r.status_code == 302 and r.headers["Location"] == next_path, r.get_data(as_text=True)
    return c


class as_user:
    """Run page layouts and callbacks as plain functions inside a request with this account logged in."""

    def __init__(self, app, store, name: str = "leader"):
        self.app, self.store, self.name = app, store, name

    def __enter__(self):
        from flask_login import login_user

        from layouts.login import WebUser
        from loaders import users

        add_test_accounts(self.store)
        self.ctx = self.app.server.test_request_context()
        self.ctx.__enter__()
        login_user(WebUser(users.get(self.store, self.name)))
        return self

    def __exit__(self, *exc):
        self.ctx.__exit__(*exc)


# ---------------------------------------------------------------- a page's background job (layouts/background.py)

JOB_TIMEOUT_S = 120


def until_done(poll, held, *args, timeout: float = JOB_TIMEOUT_S):
    """Call a job page's poll callback as its interval does until it stops asking (its last output, the
    interval's `disabled`, is True); its outputs then."""
    deadline = time.monotonic() + timeout
    for n in range(1, 1_000_000):
        out = poll(n, held, *args)
        if out[-1] is True:
            return out
        assert time.monotonic() < deadline, f"the job {held} did not finish in {timeout} s"
        time.sleep(0.05)


def upload_preview(upload, contents, names, period=None, as_of=None, reason=None, search=""):
    """The upload page's preview as the browser runs it (drop → job → ask until done): (cards, commit disabled)."""
    cards, disabled, held, _ = upload.preview(contents, period, as_of, reason, names, search)
    if held is None:
        return cards, disabled
    out = until_done(upload.show, held, search)
    return out[0], out[1]


def upload_commit(upload, contents, names, period=None, as_of=None, reason=None, search="", n_clicks=1):
    """The upload page's commit as the browser runs it: (result, preview, commit disabled)."""
    first = upload.commit(n_clicks, contents, names, period, as_of, reason, search)
    if not isinstance(first[3], dict):  # no click, or no files: no job
        return first[0], first[1], first[2]
    out = until_done(upload.show, first[3], search)
    return out[2], out[0], out[1]


def callback_key(app, first: str, duplicate: bool = False) -> str:
    """The callback_map key of the callback whose first output is `first` ("id.prop"); `duplicate`: that output is
    declared allow_duplicate (its key carries Dash's @hash)."""
    for key in app.callback_map:
        head = key.strip(".").split("...")[0]
        if head.split("@")[0] == first and ("@" in head) == duplicate:
            return key
    raise KeyError(first)


def post_callback(client, key: str, inputs: list, state: list):
    """What the browser posts for the callback `key` (a callback_map key)."""
    outputs = [dict(zip(("id", "property"), part.split("@")[0].split(".", 1), strict=True))
               for part in key.strip(".").split("...")]
    body = {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": inputs,
            "state": state, "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def post_upload(client, app, step: str, urls: list, names: list, period=None, as_of=None, reason=None,
                search: str = "", timeout: float = JOB_TIMEOUT_S):
    """The upload page over HTTP, as the browser runs it: post the preview (step "preview") or the commit
    ("commit") callback, then the poll callback with the job id it returned until the job is done. Returns the
    last response (the first one when it was refused or started no job)."""
    from layouts import ids

    fields = [(ids.UPLOAD_PERIOD, period), (ids.UPLOAD_AS_OF, as_of), (ids.UPLOAD_REASON, reason)]
    if step == "preview":
        inputs = [{"id": ids.UPLOAD_DROP, "property": "contents", "value": urls}] + [
            {"id": i, "property": "value", "value": v} for i, v in fields]
        state = [{"id": ids.UPLOAD_DROP, "property": "filename", "value": names},
                 {"id": ids.LOCATION, "property": "search", "value": search}]
        key = callback_key(app, f"{ids.UPLOAD_PREVIEW}.children")
    else:
        inputs = [{"id": ids.UPLOAD_COMMIT, "property": "n_clicks", "value": 1}]
        state = [{"id": ids.UPLOAD_DROP, "property": "contents", "value": urls},
                 {"id": ids.UPLOAD_DROP, "property": "filename", "value": names}] + [
            {"id": i, "property": "value", "value": v} for i, v in fields] + [
            {"id": ids.LOCATION, "property": "search", "value": search}]
        key = callback_key(app, f"{ids.UPLOAD_RESULT}.children")
    r = post_callback(client, key, inputs, state)
    held = ((r.get_json() or {}).get("response", {}).get(ids.UPLOAD_JOB) or {}).get("data") \
        if r.status_code == 200 else None
    if not held:
        return r
    poll = callback_key(app, f"{ids.UPLOAD_PREVIEW}.children", duplicate=True)
    deadline = time.monotonic() + timeout
    for n in range(1, 1_000_000):
        r = post_callback(client, poll, [{"id": ids.UPLOAD_POLL, "property": "n_intervals", "value": n}],
                          [{"id": ids.UPLOAD_JOB, "property": "data", "value": held},
                           {"id": ids.LOCATION, "property": "search", "value": search}])
        if r.status_code != 200 or r.get_json()["response"].get(ids.UPLOAD_POLL, {}).get("disabled") is True:
            return r
        assert time.monotonic() < deadline, f"the upload job {held} did not finish in {timeout} s"
        time.sleep(0.05)
