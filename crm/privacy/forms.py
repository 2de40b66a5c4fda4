"""Privacy forms: consent, sensitive attributes, the data report and erasure."""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.contacts.forms import strip
from crm.forms import CrmForm
from crm.models.enums import ConsentPurpose
from crm.privacy.erasure import GROUNDS
from crm.translations import lazy_gettext as _l


class ConsentForm(CrmForm):
    purpose = SelectField(_l("Consent to"), choices=ConsentPurpose.choices)
    given = SelectField(
        _l("Answer"), choices=[("yes", _l("Given")), ("no", _l("Refused or withdrawn"))], default="yes"
    )
    method = StringField(
        _l("How"),
        validators=[Length(max=200)],
        filters=[strip],
        description=_l("e.g. registration form tick box, e-mail of 3 May, by phone"),
    )
    at = DateField(_l("When"), validators=[Optional()], description=_l("Leave empty for today."))
    notice = StringField(
        _l("Privacy notice shown"),
        validators=[Length(max=100)],
        filters=[strip],
        description=_l("Its version or date, if any."),
    )


class WithdrawForm(CrmForm):
    """One button: the purpose is in the URL."""


class SensitiveForm(CrmForm):
    lived_experience = BooleanField(_l("Lived experience of statelessness"))
    sensitive_notes = TextAreaField(_l("Sensitive notes"), filters=[strip])


class RevealForm(CrmForm):
    """One button: show the sensitive attributes (audited)."""


class DataReportForm(CrmForm):
    file_format = SelectField(_l("Format"), choices=[("json", "JSON"), ("csv", "CSV")])


class EraseForm(CrmForm):
    ground = SelectField(_l("Ground"), choices=list(GROUNDS.items()))
    confirm = BooleanField(
        _l("I understand that this cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
