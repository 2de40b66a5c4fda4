"""Journey 6: a viewer reads everything but sees no edit buttons, and is refused if they post anyway."""

from __future__ import annotations

from playwright.sync_api import expect

from crm.models.enums import Role
from tests.e2e import data


def test_viewer_sees_no_edit_buttons_and_is_refused_when_posting_anyway(journey, live_server):
    page = journey.page
    suffix = journey.viewport
    staff_email, _ = live_server.user(Role.STAFF, f"Saule Staff {suffix}")
    sender, title = f"Жанна Омарова {suffix}", f"Consultation on statelessness determination ({suffix})"

    def seed() -> tuple[int, int]:
        inquiry = data.inquiry(staff_email, sender, f"zhanna.{suffix}@example.kz")
        person = data.contact(staff_email, f"Марат Исаев {suffix}", f"marat.{suffix}@example.kz", "KZ")
        return inquiry, data.thread(staff_email, title, person)

    inquiry_id, thread_id = live_server.seed(seed)
    journey.sign_in(*live_server.user(Role.VIEWER, f"Viewer {suffix}"))
    expect(page.get_by_role("heading", name=f"Hello, Viewer {suffix}")).to_be_visible()
    expect(page.get_by_role("link", name="Log an inquiry")).to_have_count(0)

    journey.nav("Inquiries")
    page.get_by_role("link", name=sender).click()
    expect(page.get_by_role("heading", name=sender)).to_be_visible()
    for name in ("Edit", "Close (no follow-up needed)", "Assign", "Convert", "Record the answer"):
        expect(
            page.get_by_role("button", name=name, exact=True).or_(
                page.get_by_role("link", name=name, exact=True)
            )
        ).to_have_count(0)
    expect(page.get_by_text("Triage: who is this, and what follows?")).to_have_count(0)
    journey.snap("inquiry")

    journey.nav("Threads")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    for name in ("Record", "Save next action", "Change stage", "Reassign", "Save"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_text("No interaction yet.")).to_be_visible()
    journey.snap("thread")

    journey.nav("Contacts")
    expect(page.get_by_role("link", name="New contact")).to_have_count(0)

    # Post anyway, with a valid CSRF token taken from the page (the sign-out form has one).
    token = page.locator("input[name=csrf_token]").first.input_value()
    interaction = {
        "csrf_token": token,
        "kind": "call",
        "summary": "A viewer should not be able to write this.",
    }
    refused = page.request.post(journey.url(f"/threads/{thread_id}/interactions"), form=interaction)
    assert refused.status == 403, refused.status
    refused = page.request.post(
        journey.url(f"/inquiries/{inquiry_id}/convert"),
        form={"csrf_token": token, "contact": "new", "organisation": "none", "thread_kind": "consultation"},
    )
    assert refused.status == 403, refused.status
    # Without the token the same post fails earlier, at the CSRF check: the token above was what made it through.
    no_token = page.request.post(journey.url(f"/threads/{thread_id}/interactions"), form={"summary": "x"})
    assert no_token.status == 400, no_token.status

    # Typing the address of a form they may not use shows the refusal page.
    journey.expect_console_error("status of 403", "/inquiries/new")
    response = page.goto(journey.url("/inquiries/new"))
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    journey.snap("refused")

    page.get_by_role("link", name="Go to the home page").click()
    expect(page.get_by_role("heading", name=f"Hello, Viewer {suffix}")).to_be_visible()
    journey.snap("home-again")

    # Nothing was written.
    journey.goto(f"/threads/{thread_id}", "thread-unchanged")
    expect(page.get_by_text("No interaction yet.")).to_be_visible()
    journey.goto(f"/inquiries/{inquiry_id}", "inquiry-unchanged")
    expect(page.locator(".page-header")).to_contain_text("New")
