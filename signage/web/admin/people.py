"""Admins only: staff accounts (add, role, password) and screens (URL, QR code, key)."""

from __future__ import annotations

from typing import Any

import segno
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from signage.accounts.tokens import list_tokens, revoke_token_id
from signage.accounts.users import (
    add_user,
    list_users,
    reset_password,
    set_disabled,
    set_role,
    set_unit,
)
from signage.config.forms import site_yaml_with_screen
from signage.config.layouts import all_layouts
from signage.config.validate import SITE_FILE
from signage.db import now
from signage.edits.saving import Held, Saved, read_version, save_file
from signage.errors import Invalid
from signage.phrases import N_
from signage.screens.keys import ensure_screen_key
from signage.screens.status import rotate_key, screen_overview
from signage.units import check_unit_exists
from signage.web.admin.base import bp
from signage.web.admin.reviews import flash_saved
from signage.web.auth import staff_required, staff_user
from signage.web.context import parts, public_url
from signage.web.forms import (
    DisabledForm,
    NewScreenForm,
    NewUserForm,
    NoFields,
    PasswordForm,
    RoleForm,
    ScreenForm,
    UnitForm,
    takes_form,
)


def display_url(screen_id: str) -> str:
    """The address a screen opens (its key is created on first use)."""
    instance = parts()
    key = ensure_screen_key(instance.store, instance.screens.secret_key, screen_id)
    return f"{public_url()}/display/{screen_id}?key={key}"


def qr_svg(url: str) -> Markup:
    """The URL as an inline SVG QR code (segno escapes what it writes)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=3, border=2))


@bp.get("/users")
@staff_required("admin")
def users_page() -> Any:
    """Every account with its role, and forms to add one, change roles and reset passwords."""
    instance = parts()
    store = instance.store
    live_tokens = [t for t in list_tokens(store) if t.revoked_at is None]
    config = instance.state.current
    units = [("", _("The whole court"))] + [
        (unit_id, unit.name) for unit_id, unit in (config.site_file.units if config else {}).items()
    ]
    return render_template(
        "admin/users.html", users=list_users(store), tokens=live_tokens, units=units
    )


def _unit_asked(form: UnitForm) -> str | None:
    """The posted unit (empty: the whole court), checked against site.yaml."""
    unit = form.unit.strip() or None
    check_unit_exists(parts().state.current, unit)
    return unit


@bp.post("/users")
@staff_required("admin")
@takes_form(NewUserForm)
def users_add(form: NewUserForm) -> Any:
    """Add an account (name, role, first password)."""
    name = form.name.strip()
    add_user(
        parts().store, name, form.role, form.password, actor=staff_user(), unit=_unit_asked(form)
    )
    flash(_("Account %(name)s added.", name=name))
    return redirect(url_for("admin.users_page"))


@bp.post("/users/<name>/role")
@staff_required("admin")
@takes_form(RoleForm)
def users_role(name: str, form: RoleForm) -> Any:
    """Make the account an admin or an editor."""
    set_role(parts().store, name, form.role, staff_user())
    flash(_("The role of %(name)s is changed.", name=name))
    return redirect(url_for("admin.users_page"))


@bp.post("/users/<name>/unit")
@staff_required("admin")
@takes_form(UnitForm)
def users_unit(name: str, form: UnitForm) -> Any:
    """Put the account in a unit, or make it county-wide again."""
    set_unit(parts().store, name, _unit_asked(form), staff_user())
    flash(_("The unit of %(name)s is changed.", name=name))
    return redirect(url_for("admin.users_page"))


@bp.post("/users/<name>/password")
@staff_required("admin")
@takes_form(PasswordForm)
def users_password(name: str, form: PasswordForm) -> Any:
    """Give the account a new password (tell the person in person)."""
    reset_password(parts().store, name, form.password, staff_user())
    flash(_("The password of %(name)s is reset.", name=name))
    return redirect(url_for("admin.users_page"))


@bp.post("/users/<name>/disabled")
@staff_required("admin")
@takes_form(DisabledForm)
def users_disabled(name: str, form: DisabledForm) -> Any:
    """Disable the account (its sessions and tokens end) or enable it again."""
    disabled = form.disabled == "1"
    set_disabled(parts().store, name, disabled, staff_user())
    if disabled:
        flash(_("%(name)s is disabled; their sessions and tokens have ended.", name=name))
    else:
        flash(_("%(name)s can sign in again.", name=name))
    return redirect(url_for("admin.users_page"))


@bp.post("/tokens/<int:token_id>/revoke")
@staff_required("admin")
@takes_form(NoFields)
def tokens_revoke(token_id: int) -> Any:
    """Revoke an API token by its id."""
    revoke_token_id(parts().store, token_id, staff_user())
    flash(_("Token %(id)s is revoked.", id=token_id))
    return redirect(url_for("admin.users_page"))


@bp.get("/screens")
@staff_required("admin")
def screens_page() -> Any:
    """Every screen with status, display URL and its QR code for setting up the TV."""
    instance = parts()
    config = instance.screens.config()
    screens = []
    for state in screen_overview(
        config, instance.store, now(), instance.settings.offline_after_polls
    ):
        url = display_url(state.id)
        screens.append({**state.model_dump(exclude_unset=True), "url": url, "qr": qr_svg(url)})
    return render_template(
        "admin/screens.html",
        screens=screens,
        settings=config.screens,
        groups=sorted(config.groups()),
        layouts=all_layouts(config.site_file.layouts),
        # Without the setting, the address is the one this page came in on: IT should fix it.
        derived_address=None if instance.settings.public_url else public_url(),
    )


@bp.post("/screens")
@staff_required("admin")
@takes_form(NewScreenForm)
def screens_add(form: NewScreenForm) -> Any:
    """Add a screen to site.yaml (validated like any save)."""
    saved = _save_screen(form.id, form, new=True)
    flash_saved(saved, _("Screen added. Open its address on the TV, or scan the QR code."))
    return redirect(url_for("admin.screens_page"))


@bp.post("/screens/<screen_id>/settings")
@staff_required("admin")
@takes_form(ScreenForm)
def screens_settings(screen_id: str, form: ScreenForm) -> Any:
    """Change a screen's name, groups, orientation, courtroom, hearing band and captions."""
    saved = _save_screen(screen_id, form, new=False)
    flash_saved(saved, _("The settings of %(name)s are saved.", name=form.name))
    return redirect(url_for("admin.screens_page"))


def _had_courtroom(screen_id: str) -> bool:
    screen = parts().screens.config().screens.get(screen_id)
    return screen is not None and screen.courtroom is not None


def _save_screen(screen_id: str, form: ScreenForm, *, new: bool) -> Saved | Held:
    """The posted screen form written into site.yaml: checked and saved like any other save."""
    if not form.name.strip():
        raise Invalid(N_("write the screen's name, as staff will read it"), code="no_screen_name")
    typed = [g.strip() for g in form.groups.replace("，", ",").split(",") if g.strip()]
    settings = {
        "name": form.name,
        # Groups ticked by their names, and new ones typed as ids.
        "groups": list(dict.fromkeys([*form.group, *typed])),
        "orientation": form.orientation or "landscape",
        "courtroom": form.courtroom.strip(),
        # Checkboxes: the add form has none, so a new screen takes the defaults; so does the
        # band of a screen given its first courtroom (its box was drawn off, as the default).
        "hearing_band": bool(form.courtroom.strip())
        if new or not _had_courtroom(screen_id)
        else form.hearing_band,
        "captions": form.captions if not new else True,
        # Checked by validation like a hand edit: an unknown name is refused there.
        "layout": form.layout.strip() if not new else "",
    }
    instance = parts()
    current = read_version(instance.settings.playlists_dir, SITE_FILE)
    text = site_yaml_with_screen(current.content.decode(), screen_id, settings, new=new)
    return save_file(
        instance,
        SITE_FILE,
        text.encode(),
        if_match={current.etag},
        author=staff_user(),
        action="save",
    )


@bp.post("/screens/<screen_id>/key")
@staff_required("admin")
@takes_form(NoFields)
def screens_rotate(screen_id: str) -> Any:
    """A new key for the screen: its old address stops working at once."""
    instance = parts()
    rotate_key(instance.screens, screen_id, public_url(), staff_user())
    flash(_("Screen %(id)s has a new address; set it up on the TV again.", id=screen_id))
    return redirect(url_for("admin.screens_page"))
