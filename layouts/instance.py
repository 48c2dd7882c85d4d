"""Secrets kept outside the repository: the session signing key and the demo accounts' passwords.

Both are created on first start in the instance directory (loaders.settings.instance_dir), readable
by the owner only. A key from MONITOR_SECRET_KEY takes precedence (for several server processes).
"""

import os
import secrets
from pathlib import Path

from loaders import users
from loaders.settings import instance_dir
from loaders.store import Store

DEMO_ACCOUNTS = (  # name, display name, role, scope
    ("leader", "市领导（演示）", "viewer", ()),
    ("bureau", "市统计局（演示）", "uploader", ()),
    ("admin", "系统管理员（演示）", "admin", ()),
    ("lixian", "礼县（演示）", "viewer", ("621226",)),
)
CREDENTIALS_FILE = "demo_credentials.txt"


def _private_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)


def secret_key(directory: Path | None = None) -> str:
    if os.environ.get("MONITOR_SECRET_KEY"):
        return os.environ["MONITOR_SECRET_KEY"]
    path = (directory or instance_dir()) / "secret_key"
    if not path.exists():
        _private_write(path, secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip()


def create_demo_accounts(store: Store, directory: Path | None = None) -> Path | None:
    """On a store without any account: create the demo accounts with random passwords, write them to a file
    only the owner can read, and return its path (None when accounts exist already)."""
    if not users.accounts(store).empty:
        return None
    lines = ["# 演示账号（随机密码，仅首次启动时生成；请妥善保管，用后可用 python -m loaders users passwd 修改）"]
    for name, display, role, scope in DEMO_ACCOUNTS:
        password = users.random_password()
        users.add(store, name, role, password, display_name=display, scope=scope, by="first-start")
        lines.append(f"{name}\t{password}\t{users.ROLE_NAMES[role]}\t范围：{','.join(scope) or '全省'}")
    path = (directory or instance_dir()) / CREDENTIALS_FILE
    _private_write(path, "\n".join(lines) + "\n")
    return path
