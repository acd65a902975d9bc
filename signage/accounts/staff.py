"""Who the code acts for: a staff account as it travels from the accounts to the edges."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

Role = Literal["admin", "reviewer", "editor"]
ROLES: tuple[Role, ...] = get_args(Role)


class Actor(BaseModel):
    """Who makes a change, as the unit checks and the audit log read it: a staff account, or
    a job writing under its own name without one (`signage package import`, a feed's
    `subscription`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: Role
    unit: str | None = None  # the tribunal whose things they may change; None: county-wide


class StaffUser(Actor):
    """A staff account (a row of the users table), never with its password hash."""

    id: int
    created_at: dt.datetime
    disabled: bool
    stamp: str | None  # changes on every password change and disable: older sessions end
