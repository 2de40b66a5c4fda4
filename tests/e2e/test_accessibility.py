"""The UI is accessible: axe-core finds nothing serious on the main pages, and the keyboard works.

axe-core runs inside the page (Journey.accessibility); every page is checked at both viewports,
with real records on it, as an admin sees it (the most buttons and forms).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from crm.models.enums import Role
from tests.e2e import data


def test_main_pages_have_no_serious_accessibility_violations(journey, live_server, webinar):
    page = journey.page
    suffix = journey.viewport
    email, password = live_server.user(Role.ADMIN, f"Ainur Admin {suffix}")
    due = datetime.now(UTC).date() + timedelta(days=2)

    def seed() -> dict[str, int]:
        person = data.contact(email, f"Гүлнар Сейітова {suffix}", f"gulnar.{suffix}@example.kz", "KZ")
        organisation = data.organisation(email, f"Права без границ {suffix}", "KZ")
        data.affiliation(email, person, organisation, "Юрист")
        thread = data.thread(email, f"Consultation on a passport refusal ({suffix})", person)
        data.interaction(email, thread, "Позвонили: документы получены.", "Draft the appeal", due)
        data.interaction(email, thread, "Sent the checklist of documents.", "Call back", due)
        return {
            "contact": person,
            "organisation": organisation,
            "thread": thread,
            "inquiry": data.inquiry(email, f"Дильшод Каримов {suffix}", f"dilshod.{suffix}@example.uz"),
            "list": data.contact_list(email, f"Invitations ({suffix})", [person]),
            "tag": data.tag(f"Webinar 2026 ({suffix})"),
        }

    ids = live_server.seed(seed)
    journey.goto("/login", "sign-in")
    found = journey.accessibility()
    journey.sign_in(email, password)
    expect(page.get_by_role("region", name="Due this week")).to_contain_text("Call back")
    found += journey.accessibility()
    # axe skips what is hidden: on a phone, open the menu to check it too.
    toggler = page.get_by_role("button", name="Menu")
    if toggler.is_visible():
        toggler.click()
        expect(
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports")
        ).to_be_visible()
        journey.snap("menu")
        found += journey.accessibility()
    pages = [
        ("/inquiries", "inquiries"),
        ("/inquiries/new", "new-inquiry"),
        (f"/inquiries/{ids['inquiry']}", "inquiry-triage"),
        ("/contacts", "contacts"),
        (f"/contacts/{ids['contact']}", "contact"),
        ("/organisations", "organisations"),
        (f"/organisations/{ids['organisation']}", "organisation"),
        ("/events", "events"),
        ("/countries", "countries"),
        ("/threads", "threads"),
        (f"/threads/{ids['thread']}", "thread"),
        ("/pipeline/threads", "board-threads"),
        ("/pipeline/inquiries", "board-inquiries"),
        ("/pipeline/membership", "board-membership"),
        ("/reports", "reports"),
        ("/search?q=birth", "search"),
        ("/lists", "lists"),
        (f"/lists/{ids['list']}", "list"),
        ("/imports/new", "import"),
        ("/imports", "imports"),
        ("/contacts/export", "export"),
        ("/admin/users", "users"),
        ("/admin/tags", "tags"),
        (f"/contacts/{ids['contact']}/delete", "confirm-delete"),
        ("/admin/deleted", "deleted-records"),
    ]
    unasked: list[str] = []
    for path, name in pages:
        journey.goto(path, name)
        found += journey.accessibility()
        unasked += journey.unconfirmed()

    # A form sent back with errors: the messages and the marked fields must be readable too.
    journey.goto("/inquiries/new", "new-inquiry-again")
    page.get_by_role("button", name="Log inquiry", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below.")
    journey.snap("inquiry-errors")
    found += journey.accessibility()

    assert not unasked, "destructive actions that do not ask first:\n- " + "\n- ".join(unasked)
    assert not found, f"axe-core found {len(found)} serious or critical violations:\n- " + "\n- ".join(found)


FOCUSED = """
() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: el.textContent.trim(),
    inMain: Boolean(el.closest('main')),
    focusVisible: el.matches(':focus-visible'),
    outline: `${style.outlineStyle} ${style.outlineWidth}`,
    visible: el.getBoundingClientRect().width > 1 && el.getBoundingClientRect().height > 1,
  };
}
"""


def assert_focus_shows(focused: dict, what: str) -> None:
    style, width = focused["outline"].split()
    assert (
        focused["focusVisible"] and style not in ("none", "hidden") and float(width.removesuffix("px")) >= 2
    ), f"no visible focus on {what}: {focused}"
    assert focused["visible"], f"the focused {what} is not on screen: {focused}"


def test_tab_reaches_the_skip_link_first_and_focus_is_visible(journey, live_server):
    page = journey.page
    journey.sign_in(*live_server.user(Role.STAFF, f"Nodira Staff {journey.viewport}"))
    journey.goto("/", "home")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # hidden until focused, then shown
    assert_focus_shows(page.evaluate(FOCUSED), "the skip link")
    journey.snap("skip-link")

    # Following it moves on to the page's content: the next Tab lands inside <main>.
    page.keyboard.press("Enter")
    expect(page).to_have_url(journey.url("/#main"))
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["inMain"] and focused["tag"] == "a", focused
    assert_focus_shows(focused, f"the link “{focused['text']}”")
    journey.snap("first-link")

    # Back one: the last control of the navigation, a button (Sign out, or Menu on a phone).
    page.keyboard.press("Shift+Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] == "button" and not focused["inMain"], focused
    assert_focus_shows(focused, f"the button “{focused['text'] or 'Menu'}”")
    journey.snap("button")
