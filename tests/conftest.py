"""Shared fixtures: the seeded sample data set, in memory and as files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"

settings.register_profile(
    "repkit", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", max_examples=40, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "repkit")


@pytest.fixture(scope="session")
def sample_ds():
    """The sample data set of seed 0 (do not mutate)."""
    import repkit as rk

    return rk.sample.generate(seed=0)


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The committed sample_data/ folder."""
    return SAMPLE_DIR
