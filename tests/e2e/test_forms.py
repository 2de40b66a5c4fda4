"""Journey 7: a form filled in wrongly shows each error next to its field and keeps what was typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Locator, Page, expect

from crm.models.enums import Role
from tests.e2e import data


def expect_error_next_to(page: Page, field: Locator, message: str) -> None:
    """The message is the field's own error: linked to it, and right below it."""
    field_id = field.get_attribute("id")
    error = page.locator(f"#{field_id}-error")
    expect(error).to_have_text(message)
    expect(field).to_have_attribute("aria-invalid", "true")
    assert f"{field_id}-error" in (field.get_attribute("aria-describedby") or "").split()
    box, below = field.bounding_box(), error.bounding_box()
    assert box is not None and below is not None
    assert 0 <= below["y"] - (box["y"] + box["height"]) < 24, (box, below)
    assert below["x"] < box["x"] + box["width"] and box["x"] < below["x"] + below["width"], (box, below)


def test_wrong_inquiry_form_shows_errors_next_to_fields_and_keeps_the_input(journey, live_server, webinar):
    page = journey.page
    journey.sign_in(*live_server.user(Role.STAFF, f"Aliya Staff {journey.viewport}"))
    page.get_by_role("link", name="Log an inquiry").click()
    journey.snap("new-inquiry")

    message = "Добрый день!\nНам нужна консультация по процедуре определения безгражданства."
    event = page.get_by_label("Event", exact=True)
    event_value = event.locator("option", has_text=webinar).get_attribute("value")
    event.select_option(event_value)
    page.get_by_label("Channel", exact=True).select_option(label="Registration form")
    page.get_by_label("E-mail", exact=True).fill("erkinbek@")  # not an address
    page.get_by_label("Organisation", exact=True).fill("Юристы за права человека")
    page.get_by_label("Country", exact=True).fill("Кыргызстан")
    page.get_by_label("Message", exact=True).fill(message)
    page.get_by_label("Birth registration").check()
    # The name is left empty.
    page.get_by_role("button", name="Log inquiry", exact=True).click()

    expect(page.get_by_role("alert")).to_have_text(
        "Please correct the fields marked below. Nothing was saved."
    )
    expect_error_next_to(
        page, page.get_by_label("Name", exact=True), "Give the sender's name as they wrote it."
    )
    expect_error_next_to(page, page.get_by_label("E-mail", exact=True), "This is not a valid e-mail address.")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("erkinbek@")
    expect(page.get_by_label("Organisation", exact=True)).to_have_value("Юристы за права человека")
    expect(page.get_by_label("Country", exact=True)).to_have_value("Кыргызстан")
    expect(page.get_by_label("Message", exact=True)).to_have_value(message)
    expect(page.get_by_label("Event", exact=True)).to_have_value(event_value)
    expect(page.get_by_label("Channel", exact=True)).to_have_value("registration_form")
    expect(page.get_by_label("Birth registration")).to_be_checked()
    expect(page.get_by_label("Nationality law")).not_to_be_checked()
    journey.snap("errors")

    page.get_by_label("Name", exact=True).fill("Эркинбек Тологонов")
    page.get_by_label("E-mail", exact=True).fill("erkinbek@example.kg")
    page.get_by_role("button", name="Log inquiry", exact=True).click()
    journey.flash("Inquiry from Эркинбек Тологонов logged.")
    expect(page.get_by_text("Юристы за права человека")).to_be_visible()
    journey.snap("logged")


def test_wrong_interaction_form_keeps_the_next_action(journey, live_server):
    page = journey.page
    email, password = live_server.user(Role.STAFF, f"Erlan Staff {journey.viewport}")
    title = f"Consultation on documents for stateless children ({journey.viewport})"
    due = (datetime.now(UTC).date() + timedelta(days=5)).isoformat()

    def seed() -> int:
        person = data.contact(email, "Асель Жумабаева", f"asel.{journey.viewport}@example.kz", "KZ")
        return data.thread(email, title, person)

    thread_id = live_server.seed(seed)
    journey.sign_in(email, password)
    journey.goto(f"/threads/{thread_id}", "thread")

    form = page.get_by_role("region", name="Record an interaction")
    form.get_by_label("What happened").select_option(label="Meeting")
    form.get_by_label("New next action").fill("Отправить список документов")
    form.get_by_label("Due", exact=True).fill(due)
    form.get_by_role("button", name="Record").click()  # without a summary

    form = page.get_by_role("region", name="Record an interaction")
    expect_error_next_to(
        page, form.get_by_label("Summary", exact=True), "Write a short summary of what happened."
    )
    expect(form.get_by_label("What happened")).to_have_value("meeting")
    expect(form.get_by_label("New next action")).to_have_value("Отправить список документов")
    expect(form.get_by_label("Due", exact=True)).to_have_value(due)
    expect(page.get_by_text("No interaction yet.")).to_be_visible()
    journey.snap("errors")
