"""Forms for accounts and reference data (admins only)."""

from __future__ import annotations

from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from crm.admin.services import TAG_NAME_MAX, TOPIC_NAME_MAX
from crm.forms import CrmForm
from crm.models.enums import Role
from crm.translations import lazy_gettext as _l


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class CreateUserForm(CrmForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], filters=[strip])
    name = StringField(
        _l("Name"), validators=[Length(max=200)], filters=[strip], description=_l("As colleagues know them.")
    )
    role = SelectField(_l("Role"), choices=Role.choices(), default=Role.STAFF.value)


class RoleForm(CrmForm):
    role = SelectField(_l("Role"), choices=Role.choices())


class ActionForm(CrmForm):
    """A button that changes something: only the CSRF token."""


class TopicForm(CrmForm):
    name = StringField(_l("Topic"), validators=[DataRequired(), Length(max=TOPIC_NAME_MAX)], filters=[strip])


class TagForm(CrmForm):
    name = StringField(_l("Tag"), validators=[DataRequired(), Length(max=TAG_NAME_MAX)], filters=[strip])
