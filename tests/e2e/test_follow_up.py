"""Journeys 2-4: from a webinar inquiry to a consultation, its follow-ups, and the coordinator's board."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from crm.models.enums import Role
from tests.e2e import data

# Per viewport, so the two runs of a journey never find each other's records.
SENDERS = {
    "desktop": ("Айгерим Нургалиева", "aigerim.n@example.kz", "Центр правовой помощи «Адилет»"),
    "phone": ("Гульшат Сулейменова", "gulshat.s@example.kz", "Общественный фонд «Жаңа Қадам»"),
}


def test_log_a_webinar_inquiry_and_triage_it_into_a_consultation(journey, live_server, webinar):
    page = journey.page
    name, email, organisation = SENDERS[journey.viewport]
    journey.sign_in(*live_server.user(Role.STAFF, f"Dana Staff {journey.viewport}"))

    page.get_by_role("link", name="Log an inquiry").click()
    expect(page.get_by_role("heading", name="Log an inquiry")).to_be_visible()
    journey.snap("new-inquiry")
    event = page.get_by_label("Event", exact=True)
    event.select_option(event.locator("option", has_text=webinar).inner_text())
    page.get_by_label("Channel", exact=True).select_option(label="Webinar Q&A / chat")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Organisation", exact=True).fill(organisation)
    page.get_by_label("Country", exact=True).fill("Казахстан")
    page.get_by_label("Subject", exact=True).fill("Консультация по закону о гражданстве")
    page.get_by_label("Message", exact=True).fill(
        "Здравствуйте! Мы помогаем людям без гражданства получить документы."
    )
    page.get_by_label("Nationality law").check()
    page.get_by_role("button", name="Log inquiry", exact=True).click()

    journey.flash(f"Inquiry from {name} logged.")
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_role("link", name="Kazakhstan")).to_be_visible()
    journey.snap("inquiry")

    # Triage: nobody like this is known yet, so a new contact and organisation are offered.
    triage = page.get_by_role("region", name="Triage: who is this, and what follows?")
    expect(triage.get_by_text("No existing contact with this e-mail or name.")).to_be_visible()
    expect(triage.get_by_label("Create a new contact from this inquiry")).to_be_checked()
    expect(triage.get_by_label("Create a new organisation")).to_be_checked()
    expect(triage.get_by_label("New organisation's name")).to_have_value(organisation)
    expect(triage.get_by_label("Open a thread")).to_have_value("consultation")
    triage.get_by_label("Thread title").fill("Консультация: поправки к закону о гражданстве")
    triage.get_by_role("button", name="Convert").click()

    journey.flash(f"Inquiry converted: {name} is now a contact.")
    expect(page.get_by_role("heading", name="Консультация: поправки к закону о гражданстве")).to_be_visible()
    expect(page.locator(".page-header").get_by_text("Consultation")).to_be_visible()
    expect(page.locator(".page-header").get_by_text("Requested")).to_be_visible()
    expect(page.get_by_role("link", name=organisation)).to_be_visible()
    expect(page.get_by_role("link", name=f"Inquiry from {name}")).to_be_visible()
    journey.snap("thread")

    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_role("link", name=organisation).first).to_be_visible()
    journey.snap("contact")


def test_record_an_interaction_with_a_next_action_and_see_it_at_home(journey, live_server):
    page = journey.page
    email, password = live_server.user(Role.STAFF, f"Timur Staff {journey.viewport}")
    title = f"Consultation on birth registration ({journey.viewport})"
    due = datetime.now(UTC).date() + timedelta(days=3)  # the app counts days in UTC

    def seed() -> None:
        person = data.contact(email, "Нурлан Абенов", f"nurlan.{journey.viewport}@example.kz", "KZ")
        data.thread(email, title, person)

    live_server.seed(seed)
    journey.sign_in(email, password)
    expect(page.get_by_role("region", name="Due this week")).to_contain_text(
        "Nothing due in the next seven days."
    )

    journey.nav("Threads")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    journey.snap("thread")

    form = page.get_by_role("region", name="Record an interaction")
    form.get_by_label("What happened").select_option(label="Call")
    form.get_by_label("Summary", exact=True).fill(
        "Позвонили Нурлану: он пришлёт проект письма в министерство."
    )
    form.get_by_label("New next action").fill("Comment on the draft letter to the ministry")
    form.get_by_label("Due", exact=True).fill(due.isoformat())
    form.get_by_role("button", name="Record").click()

    journey.flash("Interaction recorded.")
    expect(page.locator(".timeline")).to_contain_text("Позвонили Нурлану")
    expect(page.locator(".timeline")).to_contain_text("Call")
    expect(page.get_by_text("Comment on the draft letter to the ministry").first).to_be_visible()
    journey.snap("recorded")

    journey.nav("Home")
    due_soon = page.get_by_role("region", name="Due this week")
    expect(due_soon.locator(".badge").first).to_have_text("1")
    follow_up = due_soon.get_by_role("link", name="Comment on the draft letter to the ministry")
    expect(follow_up).to_be_visible()
    expect(due_soon).to_contain_text(title)
    expect(due_soon).to_contain_text("in 3 days")
    follow_up.click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    journey.snap("thread-again")


def stage_count(page: Page, stage: str) -> int:
    row = page.locator("#table-stages-consultation tr").filter(
        has=page.get_by_role("rowheader", name=stage, exact=True)
    )
    return int(row.locator("td").inner_text())


def open_threads_of(page: Page, owner: str) -> int:
    row = page.locator("#table-workload tr").filter(has=page.get_by_role("rowheader", name=owner, exact=True))
    return int(row.locator("td").first.inner_text()) if row.count() else 0


def test_coordinator_moves_and_reassigns_a_thread_and_the_report_follows(journey, live_server):
    page = journey.page
    suffix = journey.viewport
    first_owner, colleague = f"Askar Owner {suffix}", f"Bakyt Colleague {suffix}"
    first_email, _ = live_server.user(Role.STAFF, first_owner)
    live_server.user(Role.STAFF, colleague)
    title = f"Consultation with the Bishkek legal clinic ({suffix})"
    live_server.seed(
        lambda: data.converted_inquiry(
            first_email, f"Эльвира Осмонова {suffix}", f"elvira.{suffix}@example.kg", title
        )
    )
    journey.sign_in(*live_server.user(Role.COORDINATOR, f"Coordinator {suffix}"))

    journey.nav("Reports")
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    requested, scheduled = stage_count(page, "Requested"), stage_count(page, "Scheduled")
    assert requested >= 1
    assert open_threads_of(page, first_owner) == 1
    assert open_threads_of(page, colleague) == 0

    journey.nav("Pipelines")
    expect(page.get_by_role("heading", name="Threads by stage")).to_be_visible()
    card = page.locator("article.board-card").filter(has=page.get_by_role("link", name=title))
    expect(
        page.locator("section[aria-labelledby=col-requested]").get_by_role("link", name=title)
    ).to_be_visible()
    expect(card).to_contain_text(first_owner)

    card.get_by_label(f"Move {title} to").select_option(label="Scheduled")
    card.get_by_role("button", name="Move").click()
    journey.flash(f"“{title}” moved.")
    expect(
        page.locator("section[aria-labelledby=col-scheduled]").get_by_role("link", name=title)
    ).to_be_visible()
    journey.snap("moved")

    page.get_by_label(f"Select {title}").check()
    page.get_by_label("Reassign the selected cards to").select_option(label=colleague)
    page.get_by_role("button", name="Reassign", exact=True).click()
    journey.flash(f"1 reassigned to {colleague}.")
    expect(card).to_contain_text(colleague)
    journey.snap("reassigned")

    journey.nav("Reports")
    assert stage_count(page, "Requested") == requested - 1
    assert stage_count(page, "Scheduled") == scheduled + 1
    assert open_threads_of(page, first_owner) == 0
    assert open_threads_of(page, colleague) == 1
