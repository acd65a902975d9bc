"""What the staff pages' forms may post, as pydantic models with bounds.

A form is read into its model before anything else looks at it: a field of the wrong type,
too long, or too many of them (a tampered or broken form) is a 400 `bad_form`, which the
pages word in the reader's language, never a 500. Fields a form does not name (the CSRF
token) are ignored.
"""

from __future__ import annotations

import re
import typing
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from werkzeug.datastructures import MultiDict

from signage.accounts.users import MAX_PASSWORD
from signage.config.folder import MAX_FILE_BYTES
from signage.config.review import MAX_COMMENT
from signage.errors import SignageError

MOST_RULES = 500  # rules the schedule form may post; a county's schedule has a few dozen
MOST_CHOICES = 200  # screens or groups ticked in one field
MOST_ITEMS = 2000  # items of one playlist in the editor


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


Line = Annotated[str, Field(max_length=200)]
Id = Annotated[str, Field(max_length=64)]
Choices = Annotated[list[Id], Field(max_length=MOST_CHOICES)]
# Longer than any password may be, so that one too long is told as such (`long_password`).
Password = Annotated[str, Field(max_length=MAX_PASSWORD * 4)]
Number = Annotated[int | None, BeforeValidator(_blank_is_none), Field(ge=-(10**6), le=10**6)]


class Form(BaseModel):
    """A posted form: unknown fields ignored, known ones typed and bounded."""

    model_config = ConfigDict(extra="ignore")


class LoginForm(Form):
    """The sign-in form."""

    name: Id = ""
    password: Password = ""


class NewUserForm(Form):
    """A new account: name, role, first password."""

    name: Id = ""
    role: Id = ""
    password: Password = ""


class RoleForm(Form):
    """An account's new role."""

    role: Id = ""


class PasswordForm(Form):
    """An account's new password."""

    password: Password = ""


class DisabledForm(Form):
    """Disable an account ("1") or enable it again."""

    disabled: Literal["0", "1", ""] = ""


class TitleForm(Form):
    """A clip's or picture's title."""

    title: Annotated[str, Field(max_length=1000)] = ""


class NewPlaylistForm(Form):
    """A new, empty playlist: its id and name."""

    id: Id = ""
    name: Line = ""


class AlertForm(Form):
    """An urgent message: its text, when it ends, the screens or groups it is for."""

    text: Annotated[str, Field(max_length=2000)] = ""
    until: Id = ""
    targets: Choices = []


class ScreenForm(Form):
    """A screen's settings (a new screen also its id)."""

    id: Id = ""
    name: Line = ""
    groups: Annotated[str, Field(max_length=2000)] = ""  # new groups, typed as ids
    group: Annotated[list[Id], Field(max_length=100)] = []  # the groups ticked by name
    orientation: Id = "landscape"
    courtroom: Line = ""
    hearing_band: bool = False
    captions: bool = False
    layout: Id = ""  # empty: automatic (the hearing band's, else the whole area)


class UnitForm(Form):
    unit: Id = ""  # empty: the whole court


class DecisionForm(Form):
    """A reviewer's word: a comment and the version of the change read."""

    comment: Annotated[str, Field(max_length=MAX_COMMENT)] | None = None
    version: Id | None = None


class RuleForm(Form):
    """One row of the schedule form (fields rule-<n>-<name>)."""

    origin: Number = None
    playlist: Id = ""
    screens: Choices = []
    weekdays: Annotated[list[Id], Field(max_length=7)] = []
    workdays: bool = False
    holidays: bool = False
    start: Id = ""
    end: Id = ""
    dates: Line = ""
    priority: Number = None
    remove: bool = False


Scalar = str | int | float | bool | None


class EditorPlaylist(Form):
    """The playlist editor's model: a name and items of plain values (the form's fields)."""

    name: Annotated[str, Field(max_length=1000)] | None = None
    items: Annotated[list[dict[Id, Scalar]], Field(max_length=MOST_ITEMS)] = []


class PlaylistCheck(Form):
    """What the editor sends to be checked as staff type: YAML text, or its model."""

    yaml: Annotated[str, Field(max_length=MAX_FILE_BYTES)] | None = None
    playlist: EditorPlaylist | None = None
    base: Annotated[str, Field(max_length=MAX_FILE_BYTES)] | None = None


F = TypeVar("F", bound=Form)


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def read_form(model: type[F], form: MultiDict[str, str] | Any, prefix: str = "") -> F:
    """The form's fields (named `prefix` + the field's name), or a page script's JSON, as
    the model; 400 `bad_form` naming the fields when they do not fit it."""
    if isinstance(form, MultiDict):
        data: Any = {}
        for name, field in model.model_fields.items():
            key = prefix + name
            if _is_list(field.annotation):
                data[name] = form.getlist(key)
            elif key in form:
                data[name] = form[key]
    else:  # JSON from a page's script: an object, or the form could not be read
        data = form if isinstance(form, dict) else []
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = sorted({prefix + str(e["loc"][0]) for e in error.errors() if e["loc"]})
        raise SignageError(
            f"the form could not be read (fields: {', '.join(fields)[:200]}); "
            "reload the page and try again",
            code="bad_form",
            status=400,
        ) from None


_RULE_FIELD = re.compile(r"^rule-(\d{1,4})-")


def read_rules(form: MultiDict[str, str]) -> list[RuleForm]:
    """The schedule form's rows, in order: every row the form holds, found by its fields'
    names (the work grows with the bytes sent, never with a number in them)."""
    rows = sorted({int(m.group(1)) for key in form if (m := _RULE_FIELD.match(key))})
    if len(rows) > MOST_RULES:
        raise SignageError(
            f"the schedule form has more than {MOST_RULES} rules", code="bad_form", status=400
        )
    declared = form.get("rules", "")
    if declared and declared != str(len(rows)):  # a form cut short in sending, or tampered
        raise SignageError(
            f"the schedule form says {declared[:10]!r} rules but holds {len(rows)}; "
            "reload the page and try again",
            code="bad_form",
            status=400,
        )
    return [read_form(RuleForm, form, f"rule-{n}-") for n in rows]
