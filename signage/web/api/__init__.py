"""The JSON API under /api/v1: one blueprint, one module per noun."""

from signage.web.api import screens
from signage.web.api.base import bp

__all__ = ["bp", "screens"]
