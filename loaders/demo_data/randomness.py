"""Seeded randomness: an independent numpy Generator per concern, and reproducible row sampling."""

import zlib

import numpy as np
import pandas as pd


def stream(seed: int, *keys: str) -> np.random.Generator:
    """An independent Generator per concern, so changing one indicator never reshuffles another."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def sample_rows(rng: np.random.Generator, frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """n distinct rows of frame drawn at random, kept in the frame's order."""
    return frame.iloc[np.sort(rng.choice(len(frame), n, replace=False))]
