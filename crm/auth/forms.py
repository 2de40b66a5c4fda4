"""Sign-in and password forms."""

from __future__ import annotations

from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from crm.auth.services import MIN_PASSWORD_LENGTH
from crm.forms import CrmForm
from crm.translations import lazy_gettext as _l


class LoginForm(CrmForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class ChangePasswordForm(CrmForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
        description=_l("At least 8 characters; a long phrase is best."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )
