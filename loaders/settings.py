"""Settings read from the environment, with safe defaults; nothing here touches the disk."""

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB_PATH = DATA_DIR / "monitor.duckdb"


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path = DATA_DIR

    @property
    def catalogue_path(self) -> Path:
        return self.data_dir / "indicators.toml"

    @property
    def regions_path(self) -> Path:
        return self.data_dir / "regions.csv"

    @property
    def region_aliases_path(self) -> Path:
        return self.data_dir / "region_aliases.csv"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"


def instance_dir() -> Path:
    """Where secrets live, outside the repository: MONITOR_INSTANCE_DIR, else ~/.local/state/county-monitor."""
    explicit = os.environ.get("MONITOR_INSTANCE_DIR")
    return Path(explicit) if explicit else Path.home() / ".local" / "state" / "county-monitor"


def secure_cookies() -> bool:
    """Send the session cookie over HTTPS only (set MONITOR_SECURE_COOKIES=1 behind TLS)."""
    return os.environ.get("MONITOR_SECURE_COOKIES", "") in ("1", "true", "yes")


# The deployment's province and home city (GB/T 2260): Gansu and Longnan, the demo's, unless set.
DEFAULT_PROVINCE = "620000"
DEFAULT_CITY = "621200"


def deployment() -> tuple[str, str]:
    """(MONITOR_PROVINCE, MONITOR_CITY) as written, read on every call; loaders.regions.default() checks them."""
    province = os.environ.get("MONITOR_PROVINCE", "").strip() or DEFAULT_PROVINCE
    city = os.environ.get("MONITOR_CITY", "").strip() or (DEFAULT_CITY if province == DEFAULT_PROVINCE else "")
    return province, city


EXTRA_ENV = "MONITOR_CATALOGUE_EXTRA"


def catalogue_extra() -> Path | None:
    """The instance catalogue (MONITOR_CATALOGUE_EXTRA: a TOML file of [[indicator]] and [[alias]] entries), if set."""
    explicit = os.environ.get(EXTRA_ENV, "").strip()
    return Path(explicit).expanduser().absolute() if explicit else None


def database_url(explicit: str | None = None) -> str:
    """The store URL: an explicit one, else MONITOR_DATABASE_URL, else the embedded DuckDB file."""
    return explicit or os.environ.get("MONITOR_DATABASE_URL") or f"duckdb:///{DEFAULT_DB_PATH}"


def get_settings(url: str | None = None) -> Settings:
    return Settings(database_url=database_url(url))
