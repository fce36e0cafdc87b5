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


@pytest.fixture(autouse=True, scope="session")
def _private_user_config(tmp_path_factory):
    """Keep the user key file (XDG_CONFIG_HOME/repkit/key) of every test out of ~/.config.

    Set in the environment, so notebook kernels started by the tests inherit it.
    """
    import os

    old = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("xdg-config"))
    yield
    if old is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = old
