"""Journey: a coordinator opens a contact, reveals the sensitive block (audited) and records a withdrawal."""

from __future__ import annotations

from playwright.sync_api import expect

from crm.auth.services import find_by_email
from crm.extensions import db
from crm.models import Contact
from crm.models.enums import Role
from crm.privacy.consent import record_consent
from tests.e2e import data

NOTE = "Stateless until 2019; speaks in public by her own choice"


def test_reveal_sensitive_data_and_withdraw_consent(journey, live_server):
    page = journey.page
    email, password = live_server.user(Role.COORDINATOR, f"Coordinator {journey.viewport}")

    def seed() -> int:
        contact_id = data.contact(email, "Гулшан Юсупова", f"gulshan.{journey.viewport}@example.tj", "TJ")
        contact = db.session.get(Contact, contact_id)
        contact.lived_experience, contact.sensitive_notes = True, NOTE
        staff = find_by_email(email)
        record_consent(contact, "contact", True, actor=staff, method="Webinar registration form")
        record_consent(contact, "share", True, actor=staff, method="Webinar registration form")
        record_consent(
            contact, "keep_sensitive", True, actor=staff, method="Signed consent form", notice="2026-01"
        )
        return contact_id

    contact_id = live_server.seed(seed)
    journey.sign_in(email, password)
    journey.goto(f"/contacts/{contact_id}", "masked")
    sensitive = page.get_by_role("region", name="Sensitive — visible to coordinators and admins only")
    expect(sensitive).to_contain_text("••••")
    expect(page.locator("body")).not_to_contain_text(NOTE)
    assert journey.accessibility() == []

    sensitive.get_by_role("button", name="Reveal").click()
    expect(sensitive).to_contain_text(NOTE)
    expect(sensitive).to_contain_text("Your viewing was recorded in the audit trail.")
    journey.snap("revealed")
    assert journey.accessibility() == []

    consent = page.get_by_role("region", name="Consent")
    consent.get_by_text("History").click()
    journey.snap("consent-history")
    consent.locator("li", has_text="Be shared with partners").get_by_role("button", name="Withdraw").click()
    journey.flash("Consent withdrawn")
    expect(
        page.get_by_role("region", name="Sensitive — visible to coordinators and admins only")
    ).not_to_contain_text(NOTE)
    consent = page.get_by_role("region", name="Consent")
    expect(consent.locator("li", has_text="Be shared with partners")).to_contain_text("withdrawn")
    journey.snap("withdrawn")
