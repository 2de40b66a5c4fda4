"""Form pieces shared by several features: choices loaded from the database, coercions."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import support
from flask import current_app
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField
from wtforms.i18n import messages_path

from crm.collation import current_language, name_order
from crm.extensions import db
from crm.html import render_widget
from crm.models import Event, Tag, Topic, User
from crm.rows import rows
from crm.translations import current_locale_name
from crm.translations import lazy_gettext as _l

BLANK = ("", "—")


class CrmForm(FlaskForm):
    """Every form of the app: a FlaskForm whose WTForms messages ("This field is required.", …)
    come in the user's language from a catalogue read once per process and language, and whose
    common inputs are written by crm.html.

    Flask-WTF reads WTForms' catalogue again on every request that builds a form (~0.5 ms).
    """

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_messages(current_locale_name())

        def render_field(self, field: Any, render_kw: dict[str, Any]) -> Any:
            """Common inputs written by crm.html (a tenth of WTForms' time); any other widget by WTForms."""
            html = render_widget(field, render_kw)
            return html if html is not None else super().render_field(field, render_kw)


@lru_cache(maxsize=16)
def _wtforms_messages(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def optional_int(value: Any) -> int | None:
    """Coerce a select's value to an id, '' to None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def optional_str(value: Any) -> str | None:
    if value in (None, "", "None"):
        return None
    return str(value)


class OptionalSelectField(SelectField):
    """A select whose first choice is 'nothing chosen', stored as None."""

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            return
        super().pre_validate(form)


@lru_cache(maxsize=16)
def _owners_statement(language: str, engine: Any) -> Any:
    """Active accounts that can own work, by name in this language's collation (built once per language;
    the database is part of the key because the collations it offers decide that collation)."""
    from crm.models.enums import Role

    return (
        select(User.id, User.name)
        .where(User.active.is_(True), User.role != Role.VIEWER)
        .order_by(name_order(User.name, language=language), User.id)
    )


def user_choices(blank: bool = True) -> list[tuple[str, str]]:
    """Active accounts that can own work (staff and above)."""
    choices = [(str(uid), name) for uid, name in rows(_owners_statement(current_language(), db.engine))]
    return [BLANK, *choices] if blank else choices


def event_choices(blank: bool = True) -> list[tuple[str, str]]:
    from crm.main.template_helpers import date_label

    events = rows(select(Event.id, Event.title, Event.starts_on).order_by(Event.starts_on.desc()))
    choices = [(str(eid), f"{title} ({date_label(starts)})") for eid, title, starts in events]
    return [BLANK, *choices] if blank else choices


def country_field_choices(blank: bool = True) -> list[tuple[str, str]]:
    from crm.countries.services import country_choices

    return [BLANK, *country_choices()] if blank else country_choices()


def topic_choices() -> list[tuple[int, str]]:
    return [(tid, name) for tid, name in rows(select(Topic.id, Topic.name).order_by(name_order(Topic.name)))]


def tag_choices() -> list[tuple[int, str]]:
    return [(tid, name) for tid, name in rows(select(Tag.id, Tag.name).order_by(name_order(Tag.name)))]


def load_by_ids(model: Any, ids: list[int]) -> list[Any]:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids))))


NO_CHOICE_LABEL = _l("— any —")
