"""The fast tier's list of slow tests names tests that exist (a stale name would let a
renamed slow test back into `make test-fast`)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import conftest

TESTS = Path(__file__).resolve().parent


def _defined_tests() -> set[str]:
    names: set[str] = set()
    for path in TESTS.rglob("*.py"):
        names |= set(re.findall(r"^def (test_\w+)\(", path.read_text(encoding="utf-8"), re.M))
    return names


def test_every_slow_name_is_a_test_or_a_doctest():
    defined = _defined_tests()
    for name in conftest.SLOW_TESTS:
        if name.startswith("repkit."):
            module, _, attr = name.rpartition(".")
            obj = importlib.import_module(module)
            assert ">>>" in (getattr(obj, attr).__doc__ or ""), f"{name} has no doctest"
        else:
            assert name in defined, f"{name} in conftest.SLOW_TESTS is not a test"


def test_every_slow_module_and_fixture_exists():
    files = {p.name for p in TESTS.rglob("test_*.py")}
    assert files >= conftest.SLOW_MODULES
    text = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.rglob("*.py"))
    for fixture in conftest.SLOW_FIXTURES:
        assert re.search(rf"^def {fixture}\(", text, re.M), fixture
