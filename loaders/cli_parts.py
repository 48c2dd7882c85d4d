"""Pieces every `python -m loaders` command shares: the --db option and a subcommand with its example."""

import argparse


def db_option(sp) -> None:
    sp.add_argument("--db", help="数据库 URL（默认取 MONITOR_DATABASE_URL，否则为 data/monitor.duckdb）")


def subcommand(subparsers, name: str, func, help: str, example: str, **defaults) -> argparse.ArgumentParser:
    """A command with its help, an example under it, --db, and the function (and defaults) it runs with."""
    sp = subparsers.add_parser(name, help=help, description=help, epilog=f"例：{example}",
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    db_option(sp)
    sp.set_defaults(func=func, **defaults)
    return sp
