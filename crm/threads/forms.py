"""Forms for threads: opening one, interactions, stage, next action, owner."""

from __future__ import annotations

from wtforms import DateField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.forms import CrmForm, optional_int
from crm.models.enums import InteractionKind, ThreadKind
from crm.safety.conflicts import VersionField
from crm.translations import lazy_gettext as _l


class ThreadForm(CrmForm):
    kind = SelectField(_l("Kind"), choices=ThreadKind.choices())
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("A thread needs a title.")), Length(max=300)]
    )
    next_action = StringField(_l("Next action"), validators=[Optional(), Length(max=300)])
    next_action_due = DateField(_l("Due"), validators=[Optional()])


class EditThreadForm(CrmForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("A thread needs a title.")), Length(max=300)]
    )
    outcome = TextAreaField(_l("Outcome"), validators=[Optional(), Length(max=5000)])
    version = VersionField()


class InteractionForm(CrmForm):
    kind = SelectField(
        _l("What happened"), choices=InteractionKind.choices(), default=InteractionKind.EMAIL.value
    )
    occurred_at = DateTimeLocalField(
        _l("When"), validators=[Optional()], description=_l("Leave empty for now (UTC).")
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[DataRequired(_l("Write a short summary of what happened.")), Length(max=10000)],
    )
    next_action = StringField(
        _l("New next action"),
        validators=[Optional(), Length(max=300)],
        description=_l("Leave empty if the current one is done: a call, e-mail or meeting settles it."),
    )
    next_action_due = DateField(_l("Due"), validators=[Optional()])


class StageForm(CrmForm):
    stage = SelectField(_l("Stage"))
    outcome = TextAreaField(_l("Outcome"), validators=[Optional(), Length(max=5000)])


class NextActionForm(CrmForm):
    next_action = StringField(_l("Next action"), validators=[Optional(), Length(max=300)])
    next_action_due = DateField(_l("Due"), validators=[Optional()])


class OwnerForm(CrmForm):
    owner_id = SelectField(_l("Owner"), coerce=optional_int)
