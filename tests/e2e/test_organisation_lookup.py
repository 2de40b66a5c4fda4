"""Choosing an organisation by typing part of its name: suggestions arrive as you type, then it saves."""

from __future__ import annotations

from playwright.sync_api import expect

from crm.models.enums import Role
from tests.e2e import data


def test_typing_part_of_a_name_suggests_the_organisation_and_the_affiliation_saves(journey, live_server):
    page = journey.page
    suffix = journey.viewport
    email, password = live_server.user(Role.STAFF, f"Dana Staff {suffix}")
    organisation = f"Правовая инициатива Кыргызстана {suffix}"

    def seed() -> dict[str, int]:
        person = data.contact(email, f"Асель Бекова {suffix}", f"asel.{suffix}@example.kg", "KG")
        place = data.organisation(email, organisation, "KG")
        return {"contact": person, "organisation": place}

    ids = live_server.seed(seed)
    journey.sign_in(email, password)
    journey.goto(f"/contacts/{ids['contact']}", "contact")
    page.get_by_text("Add an affiliation").click()

    field = page.get_by_label("Organisation", exact=True)
    field.press_sequentially(f"initsiativa kyrg {suffix}", delay=20)  # Latin letters find the Cyrillic name
    suggestion = page.locator("#organisation-options option")
    expect(suggestion).to_have_count(1)
    picked = f"{organisation} (#{ids['organisation']})"
    expect(suggestion).to_have_attribute("value", picked)

    field.fill(picked)  # what choosing the suggestion puts in the field
    page.get_by_label("Position").fill("Юрист")
    page.get_by_role("button", name="Add affiliation").click()
    journey.flash(f"Affiliation with “{organisation}” added.")
    expect(page.get_by_role("link", name=organisation)).to_be_visible()
    journey.snap("affiliation-added")
