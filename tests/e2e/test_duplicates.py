"""Journey: staff are warned of a likely duplicate; a coordinator scans, compares and merges two records."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from crm.models.enums import Role
from tests.e2e import data

PEOPLE = {
    "desktop": ("Гульмира Сатыбалдиева", "Gulmira Satybaldiyeva"),
    "phone": ("Жибек Омарова Сериковна", "Zhibek Omarova"),
}


def test_scan_compare_and_merge_two_records_of_one_person(journey, live_server):
    page = journey.page
    email, password = live_server.user(Role.COORDINATOR, f"Merger {journey.viewport}")
    cyrillic, latin = PEOPLE[journey.viewport]
    address = f"{journey.viewport}.person@ngo.example"

    def seed() -> tuple[int, int, int]:
        kept = data.contact(email, cyrillic, address, "KZ")
        gone = data.contact(email, latin, f"personal.{journey.viewport}@mail.example", "KZ")
        thread = data.thread(email, f"Consultation with {latin}", gone)
        return kept, gone, thread

    kept, gone, thread = live_server.seed(seed)
    journey.sign_in(email, password)

    # The new-contact form warns, with a link, and lets the person save anyway.
    journey.goto("/contacts/new", "new-contact")
    page.get_by_label("Full name").fill(latin)
    page.get_by_label("E-mail").fill(address.upper())
    page.get_by_role("button", name="Create contact").click()
    warning = page.locator("#possible-duplicates")
    expect(warning).to_contain_text("This person may already be in the CRM")
    expect(warning.get_by_role("link", name=cyrillic)).to_have_attribute("href", f"/contacts/{kept}")
    journey.snap("new-contact-warning")
    assert journey.accessibility() == []

    journey.nav("Contacts")
    page.locator(".page-header").get_by_role("link", name="Duplicates").click()
    page.get_by_role("button", name="Scan now").click()
    journey.flash(re.compile(r"Scan finished: \d+ contact pairs?"))
    row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=latin, exact=True))
    expect(row).to_contain_text("name, same country")
    journey.snap("queue")
    assert journey.accessibility() == []

    journey.goto(f"/duplicates/contacts/{kept}/merge/{gone}", "compare")
    assert journey.accessibility() == []
    page.get_by_label(f"personal.{journey.viewport}@mail.example").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Merge into #{kept}").click()
    page.wait_for_url(re.compile(rf"/contacts/{kept}$"))
    journey.flash(f"Merged #{gone} into #{kept}")
    expect(page.get_by_role("link", name=f"Consultation with {latin}")).to_be_visible()
    expect(page.get_by_role("link", name=f"personal.{journey.viewport}@mail.example")).to_be_visible()
    journey.snap("merged")

    page.goto(journey.url(f"/contacts/{gone}"))
    page.wait_for_url(re.compile(rf"/contacts/{kept}$"))
    journey.flash(f"#{gone} was merged into this record")
    journey.snap("old-address")
    assert thread
