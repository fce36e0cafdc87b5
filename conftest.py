"""Doctest namespace: ``rk``, ``pd``, ``np`` injected, seeded, run in a temp dir."""

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(autouse=True)
def _doctest_namespace(request, doctest_namespace, tmp_path, monkeypatch):
    import repkit as rk

    doctest_namespace.update(rk=rk, pd=pd, np=np)
    if request.node.__class__.__name__ == "DoctestItem":
        np.random.seed(0)
        monkeypatch.chdir(tmp_path)
