"""Fixtures of the web tests: an API client that checks answers against the document, and
both databases (SQLite and PostgreSQL) under the tests of files marked `both_databases`:
those whose rows' types, constraints, sums or revisions the two dialects could treat apart.
The others build their app on SQLite alone."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.api_check import Api


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_databases") is not None
        dialects = ["sqlite", "postgresql"] if both else ["sqlite"]
        metafunc.parametrize("database_url", dialects, indirect=True)


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str | None:
    """The app's store: the SQLite file (None) or a fresh database of a real PostgreSQL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    return Api(app, client)
