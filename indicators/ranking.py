"""Ranks from scores: descending, ties share the smallest rank (1, 2, 2, 4), missing stays NA; and rank changes."""

import pandas as pd

# Scores equal to this many decimals share a rank, so floating-point noise (1e-14) never splits a real tie.
TIE_DECIMALS = 9


def rank(scores: pd.Series) -> pd.Series:
    """Competition rank (nullable Int64), 1 = highest score; NaN scores get NA."""
    return scores.astype(float).round(TIE_DECIMALS).rank(method="min", ascending=False).astype("Int64")


def rank_change(current_rank: pd.Series, previous_rank: pd.Series) -> pd.Series:
    """Places moved up since the previous period (previous − current; positive = better), NA where either is
    missing; aligned on the index of current_rank."""
    previous = previous_rank.reindex(current_rank.index).astype("Int64")
    return (previous - current_rank.astype("Int64")).astype("Int64")
