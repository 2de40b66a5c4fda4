"""Journey 1: a new colleague signs in with a one-time password and chooses their own."""

from __future__ import annotations

from playwright.sync_api import expect

from crm.models.enums import Role


def test_sign_in_with_one_time_password_and_choose_a_new_one(journey, live_server):
    page = journey.page
    email, one_time = live_server.user(Role.STAFF, "Madina Karimova", ready=False)
    new_password = "steppe wind over the river"

    journey.goto("/", "sign-in")
    expect(page).to_have_url(journey.url("/login?next=%2F"))
    expect(page.get_by_role("heading", name="Sign in to the Follow-up CRM")).to_be_visible()
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(one_time)
    page.get_by_role("button", name="Sign in").click()

    # The one-time password only opens the page where it must be replaced; no menu yet.
    expect(page).to_have_url(journey.url("/account/password"))
    journey.flash("Please choose your own password before you go on.")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    journey.snap("choose-password")
    page.get_by_label("Current password").fill(one_time)
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Repeat the new password").fill(new_password)
    page.get_by_role("button", name="Save the new password").click()

    expect(page).to_have_url(journey.url("/"))
    journey.flash("Your password is changed.")
    expect(page.get_by_role("heading", name="Hello, Madina Karimova")).to_be_visible()
    journey.snap("home")

    # Sign out; the one-time password no longer works, the new one does.
    toggler = page.get_by_role("button", name="Menu")
    if toggler.is_visible():
        toggler.click()
    page.get_by_role("button", name="Sign out").click()
    journey.flash("You are signed out.")
    journey.snap("signed-out")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(one_time)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#password-error")).to_have_text("E-mail or password is not correct.")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value(email)
    journey.snap("old-password-refused")
    page.get_by_label("Password", exact=True).fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Madina Karimova")).to_be_visible()
    journey.snap("home-again")
