"""A staff member types a name fragment in Latin into the box on any page and finds both spellings."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from crm.models.enums import Role
from tests.e2e import data


def test_the_box_on_every_page_finds_a_person_in_either_script(journey, live_server):
    page = journey.page
    email, password = live_server.user(Role.STAFF, f"Searcher {journey.viewport}")
    # One first name per viewport: the server is shared by both runs.
    cyrillic, latin = ("Жанар", "Zhanar") if journey.viewport == "desktop" else ("Сауле", "Saule")

    def seed() -> None:
        data.contact(email, f"{cyrillic} Жанибекова", f"zh.{journey.viewport}@example.kz", "KZ")
        data.contact(email, f"{latin} Zhanibekova", f"z.{journey.viewport}@example.org", "KZ")
        organisation = f"Zhanibek Legal Aid {journey.viewport}"
        data.organisation(email, organisation, "KZ")

    live_server.seed(seed)
    journey.sign_in(email, password)
    toggler = page.get_by_role("button", name="Menu")
    if toggler.is_visible():
        toggler.click()
    box = page.get_by_role("navigation", name="Main").get_by_role("searchbox")
    box.fill("Zhanibek")  # 'Zhanibek': a prefix of the surname and of the organisation's first word
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Zhanibek"))
    contacts = page.get_by_role("region", name=re.compile("Contacts"))
    expect(contacts.get_by_role("link", name=f"{cyrillic} Жанибекова", exact=True)).to_be_visible()
    expect(contacts.get_by_role("link", name=f"{latin} Zhanibekova", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("Organisations"))).to_contain_text(
        f"Zhanibek Legal Aid {journey.viewport}"
    )
    journey.snap("results")
    assert journey.accessibility() == []
