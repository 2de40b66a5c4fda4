"""What the contact page needs for its consent and sensitive blocks (read-only, no audit)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from crm.auth.permissions import can_record_consent, can_report_personal_data, can_reveal_sensitive
from crm.models import Contact
from crm.privacy.consent import consent_history, consent_states
from crm.privacy.forms import ConsentForm, SensitiveForm
from crm.privacy.sensitive import SensitiveValues


def privacy_context(
    contact: Contact,
    *,
    revealed: SensitiveValues | None = None,
    sensitive_form: SensitiveForm | None = None,
    consent_form: ConsentForm | None = None,
) -> dict[str, Any]:
    """Consent states and history, and the forms this user may use. Sensitive values only if revealed.

    The withdraw, reveal and report buttons are forms of a CSRF token and a button, written by the
    templates: only whether this user sees them is passed (building the empty forms cost ~0.2 ms).
    """
    live = contact.erased_at is None
    may_consent = live and can_record_consent(current_user)
    history = consent_history(contact)
    return {
        "consent_states": consent_states(contact, history),
        "consent_history": history,
        "consent_form": (consent_form or ConsentForm()) if may_consent else None,
        "may_withdraw": may_consent,
        "may_reveal": live and can_reveal_sensitive(current_user),
        "revealed": revealed,
        "sensitive_form": sensitive_form,
        "may_report": can_report_personal_data(current_user),
    }
