"""Fixtures of the web tests: an API client that checks answers against the document."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.api_check import Api


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    return Api(app, client)
