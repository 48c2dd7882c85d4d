"""Helpers shared by the page tests: text of a component tree, the phone-width check, and logging in."""

import re

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
