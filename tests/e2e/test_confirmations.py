"""Destructive actions ask first: Cancel keeps the record, OK does what the button says."""

from __future__ import annotations

from playwright.sync_api import Dialog, expect

from crm.models.enums import Role
from tests.e2e import data


def test_deleting_a_list_and_removing_an_affiliation_ask_first(journey, live_server):
    page = journey.page
    suffix = journey.viewport
    email, password = live_server.user(Role.STAFF, f"Kamila Staff {suffix}")
    list_name, organisation = f"Round table invitations ({suffix})", f"Юридическая клиника «Право» {suffix}"

    def seed() -> dict[str, int]:
        person = data.contact(email, f"Тимур Алиев {suffix}", f"timur.{suffix}@example.kz", "KZ")
        place = data.organisation(email, organisation, "KZ")
        data.affiliation(email, person, place, "Адвокат")
        return {"contact": person, "list": data.contact_list(email, list_name, [person])}

    ids = live_server.seed(seed)
    journey.sign_in(email, password)

    asked: list[str] = []
    answer = {"accept": False}

    def on_dialog(dialog: Dialog) -> None:
        asked.append(dialog.message)
        if answer["accept"]:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", on_dialog)

    # The contact page: taking them off the list and removing the affiliation both ask.
    journey.goto(f"/contacts/{ids['contact']}", "contact")
    assert not journey.unconfirmed()
    affiliation = page.locator("tr").filter(has=page.get_by_role("link", name=organisation))
    affiliation.get_by_role("button", name="Remove").click()
    assert asked == [f"Remove the affiliation with {organisation}?"], asked
    expect(page).to_have_url(journey.url(f"/contacts/{ids['contact']}"))
    # Read back from the database, not from the page as it was.
    journey.goto(f"/contacts/{ids['contact']}", "affiliation-kept")
    expect(affiliation).to_be_visible()

    answer["accept"] = True
    affiliation.get_by_role("button", name="Remove").click()
    journey.flash("Affiliation removed.")
    expect(page.get_by_role("link", name=organisation)).to_have_count(0)
    assert len(asked) == 2, asked
    journey.snap("affiliation-removed")

    # The list: Cancel keeps it, OK deletes it.
    answer["accept"] = False
    journey.goto(f"/lists/{ids['list']}", "list")
    assert not journey.unconfirmed()
    page.get_by_role("button", name="Delete list").click()
    assert asked[-1] == f"Delete the list “{list_name}”? The people on it are kept.", asked
    expect(page).to_have_url(journey.url(f"/lists/{ids['list']}"))
    journey.goto("/lists", "list-kept")
    expect(page.get_by_role("link", name=list_name)).to_be_visible()

    page.get_by_role("link", name=list_name).click()
    answer["accept"] = True
    page.get_by_role("button", name="Delete list").click()
    journey.flash(f"List “{list_name}” deleted; the people on it are kept.")
    assert len(asked) == 4, asked
    expect(page.get_by_role("link", name=list_name)).to_have_count(0)
    journey.snap("list-deleted")
