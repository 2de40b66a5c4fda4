"""What the contact page needs for its consent and sensitive blocks (read-only, no audit)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from crm.auth.permissions import can_record_consent, can_report_personal_data, can_reveal_sensitive
from crm.models import Contact
from crm.privacy.consent import consent_history, consent_states
from crm.privacy.forms import ConsentForm, DataReportForm, RevealForm, SensitiveForm, WithdrawForm
from crm.privacy.sensitive import SensitiveValues


def privacy_context(
    contact: Contact,
    *,
    revealed: SensitiveValues | None = None,
    sensitive_form: SensitiveForm | None = None,
    consent_form: ConsentForm | None = None,
) -> dict[str, Any]:
    """Consent states and history, and the forms this user may use. Sensitive values only if revealed."""
    live = contact.erased_at is None
    may_consent = live and can_record_consent(current_user)
    history = consent_history(contact)
    return {
        "consent_states": consent_states(contact, history),
        "consent_history": history,
        "consent_form": (consent_form or ConsentForm()) if may_consent else None,
        "withdraw_form": WithdrawForm() if may_consent else None,
        "reveal_form": RevealForm() if live and can_reveal_sensitive(current_user) else None,
        "revealed": revealed,
        "sensitive_form": sensitive_form,
        "report_form": DataReportForm() if can_report_personal_data(current_user) else None,
    }
