"""Fixtures of the web tests: an API client that checks answers against the document, and
both databases (SQLite and PostgreSQL) under every test that builds an app."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.api_check import Api


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Every API test runs on SQLite and on a real PostgreSQL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    return Api(app, client)
