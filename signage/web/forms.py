"""What the staff pages' forms may post, as pydantic models with bounds.

A form is read into its model before anything else looks at it: a field of the wrong type,
too long, or too many of them (a tampered or broken form) is a 400 `bad_form`, which the
pages word in the reader's language, never a 500. Fields a form does not name (the CSRF
token) are ignored.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from flask import request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from werkzeug.datastructures import MultiDict

from signage.accounts.users import MAX_PASSWORD
from signage.config.folder import MAX_FILE_BYTES
from signage.config.forms import MOST_RULES
from signage.edits.review import MAX_COMMENT
from signage.errors import SignageError
from signage.phrases import N_, Phrase

# Values one post may hold: the schedule's most rules, each with its ticked boxes, fit.
MOST_VALUES = 8000
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

    @classmethod
    def from_post(cls, form: MultiDict[str, str] | Any) -> typing.Self:
        """The posted form (or a page script's JSON) as this model; 400 `bad_form` if not."""
        return read_form(cls, form)


class NoFields(Form):
    """A button's post: nothing but the CSRF token."""


class LoginForm(Form):
    """The sign-in form."""

    name: Id
    password: Password


class UnitForm(Form):
    """An account's unit (empty: the whole court)."""

    unit: Id


class NewUserForm(UnitForm):
    """A new account: name, role, unit, first password."""

    name: Id
    role: Id
    password: Password


class RoleForm(Form):
    """An account's new role."""

    role: Id


class PasswordForm(Form):
    """An account's new password."""

    password: Password


class DisabledForm(Form):
    """Disable an account ("1") or enable it again."""

    disabled: Literal["0", "1", ""] = ""


class TitleForm(Form):
    """A clip's or picture's title."""

    title: Annotated[str, Field(max_length=1000)]


class PublishedForm(Form):
    """Offer a clip in the feed (the box ticked) or stop."""

    published: Literal["on", "off", ""] = ""  # the button offers the other state


class TopicsForm(Form):
    """The 普法 topics ticked for a clip."""

    topic: Choices = []


class NewPlaylistForm(Form):
    """A new, empty playlist: its id and name."""

    id: Id
    name: Line


class UsbForm(Form):
    """The USB button: how many days from today, and the picture's height."""

    days: Number
    height: Number


class CalendarForm(Form):
    """A day or stretch of days of the calendar, and the version of site.yaml it was read from."""

    etag: Id
    kind: Id
    first: Id
    last: Id


class AlertForm(Form):
    """An urgent message: its text, when it ends, the screens or groups it is for."""

    text: Annotated[str, Field(max_length=2000)]
    until: Id
    targets: Choices = []


class ScreenForm(Form):
    """A screen's settings."""

    name: Line
    groups: Annotated[str, Field(max_length=2000)]  # new groups, typed as ids
    group: Annotated[list[Id], Field(max_length=100)] = []  # the groups ticked by name
    orientation: Id
    courtroom: Line
    hearing_band: bool = False
    captions: bool = False
    layout: Id = ""  # empty: automatic (the hearing band's, else the whole area)


class NewScreenForm(ScreenForm):
    """A new screen: its id and name; groups and orientation if the add form sent them."""

    id: Id
    groups: Annotated[str, Field(max_length=2000)] = ""
    orientation: Id = ""  # empty: landscape


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


def unreadable_form(fields: list[str | Phrase]) -> SignageError:
    """The 400 `bad_form` of a post that does not fit its form, naming the fields (a field's
    name, or words for what was wrong with the whole form)."""
    return SignageError(
        N_("the form could not be read (fields: {fields}); reload the page and try again"),
        code="bad_form",
        status=400,
        fields=[field[:40] if isinstance(field, str) else field for field in fields[:8]],
    )


def read_form(model: type[F], form: MultiDict[str, str] | Any, prefix: str = "") -> F:
    """The form's fields (named `prefix` + the field's name), or a page script's JSON, as
    the model; 400 `bad_form` naming the fields when they do not fit it (a field posted
    twice that holds one value among them)."""
    if isinstance(form, MultiDict):
        data: Any = {}
        for name, field in model.model_fields.items():
            key = prefix + name
            values = form.getlist(key)
            if _is_list(field.annotation):
                data[name] = values
            elif len(values) > 1:
                raise unreadable_form([key])
            elif values:
                data[name] = values[0]
    else:  # JSON from a page's script: an object, or the form could not be read
        data = form if isinstance(form, dict) else []
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise unreadable_form(
            sorted({prefix + str(e["loc"][0]) for e in error.errors() if e["loc"]})
        ) from None


View = TypeVar("View", bound=Callable[..., Any])


def _posted(model: type[F]) -> F:
    if request.is_json:
        return model.from_post(request.get_json(silent=True))
    if sum(len(values) for _, values in request.form.lists()) > MOST_VALUES:
        raise unreadable_form([Phrase.of(N_("more than {count} values"), count=MOST_VALUES)])
    return model.from_post(request.form)


def takes_form(model: type[Form]) -> Callable[[View], View]:
    """Declare the form a page's view is posted: the post is read into `model` before the
    view runs (400 `bad_form` when it does not fit, or holds more than `MOST_VALUES`
    values) and handed to it as `form` (a button's `NoFields` is only checked). The model
    stays on the view as `form_model`, so a test finds every form from the app's routes."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def reading(*args: Any, **kwargs: Any) -> Any:
            if request.method == "POST":
                form = _posted(model)
                if model is not NoFields:
                    kwargs["form"] = form
            return view(*args, **kwargs)

        reading.form_model = model  # type: ignore[attr-defined]
        return reading  # type: ignore[return-value]

    return decorate


_RULE_FIELD = re.compile(r"^rule-(\d{1,4})-")


class ScheduleForm(Form):
    """The schedule form: the version of site.yaml it was read from, its count of rules,
    and the rules (rows of fields rule-<n>-<name>)."""

    etag: Id
    rules: Id
    rows: list[RuleForm] = []

    @classmethod
    def from_post(cls, form: MultiDict[str, str] | Any) -> ScheduleForm:
        """The form with its rows, found by their fields' names (the work grows with the
        bytes sent, never with a number in them)."""
        head = read_form(cls, form)
        if not isinstance(form, MultiDict):
            return head
        rows = sorted({int(m.group(1)) for key in form if (m := _RULE_FIELD.match(key))})
        if len(rows) > MOST_RULES:
            raise unreadable_form([Phrase.of(N_("more than {count} rules"), count=MOST_RULES)])
        if head.rules != str(len(rows)):  # a form cut short in sending, or tampered
            raise unreadable_form(["rules"])
        head.rows = [read_form(RuleForm, form, f"rule-{n}-") for n in rows]
        return head
