"""The Russian interface in a browser: no English left on the main pages, nothing wider than a phone.

The user switches to Russian with the language switch, then visits every main page with real
records on it. On each page the text the interface wrote (text nodes, options, and the
placeholder, title, aria-label, alt and button values) is compared with the English msgids of the
catalogue: a piece of text that is exactly an English msgid whose Russian differs was left
untranslated. Data (names, titles typed in) never equals a whole msgid, so it does not count.
At 390 px the page may not scroll sideways (Russian words are long).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po
from playwright.sync_api import expect

from crm.models.enums import Role
from tests.e2e import data
from tests.e2e.conftest import OVERFLOW_SCRIPT

CATALOGUE = Path(__file__).resolve().parents[2] / "translations" / "ru" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")

# Every piece of text the page itself wrote, hidden or not (a collapsed menu is still the UI).
TEXTS = """
() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, template')) continue;
    const text = node.data.replace(/\\s+/g, ' ').trim();
    if (text) found.push(text);
  }
  const attributes = ['placeholder', 'title', 'aria-label', 'alt', 'data-confirm'];
  for (const el of document.querySelectorAll(attributes.map((a) => `[${a}]`).join(','))) {
    for (const a of attributes) if (el.getAttribute(a)) found.push(el.getAttribute(a).trim());
  }
  for (const el of document.querySelectorAll('input[type=submit][value], input[type=button][value]')) {
    found.push(el.value.trim());
  }
  found.push(document.title.split('·')[0].trim());
  return found;
}
"""


@lru_cache(maxsize=1)
def english_patterns() -> list[tuple[re.Pattern[str], str]]:
    """(a pattern matching the whole English text, the msgid) for each msgid that Russian changes."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    patterns = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            literal = PLACEHOLDER.sub("", msgid)
            if msgid in strings or len(re.findall(r"[A-Za-z]", literal)) < 3:
                continue  # the same in Russian ("CSV"), or too little text to tell it from data
            parts = [re.escape(part) for part in PLACEHOLDER.split(msgid)]
            patterns.append((re.compile(".+?".join(parts).replace(r"\ ", " ") + r"[:.…]?"), msgid))
    return patterns


@lru_cache(maxsize=1)
def english_places() -> frozenset[str]:
    """Country and M49 region names in English (Babel's and the stored ones) that Russian changes."""
    from babel import Locale

    from crm.countries.services import country_records

    english, russian = Locale("en").territories, Locale("ru").territories
    names = {name for code, name in english.items() if russian.get(code) != name}
    for record in country_records():
        names |= {str(record[key]) for key in ("name", "region", "subregion") if record[key]}
    return frozenset(names - set(russian.values()))


def english_left(texts: list[str]) -> list[str]:
    """The texts that are a whole English msgid, or English names of countries and regions."""
    left = []
    for text in dict.fromkeys(texts):
        text = text.strip(" ·—|")
        places = [part for part in text.split(", ") if part in english_places()]
        if places:
            left.append(f"{text!r} (English place names {places})")
            continue
        for pattern, msgid in english_patterns():
            if pattern.fullmatch(text):
                left.append(f"{text!r} (msgid {msgid!r})")
                break
    return left


def test_english_left_is_found_and_data_is_not():
    texts = [
        "Контакты",
        "Sign out",
        "Showing 1–10 of 24",
        "Айгерим Нургалиева",
        "Consultation on nationality law",
    ]
    assert english_left(texts) == [
        "'Sign out' (msgid 'Sign out')",
        "'Showing 1–10 of 24' (msgid 'Showing %(first)s–%(last)s of %(total)s')",
    ]


def _seed(live_server, email: str, suffix: str) -> dict[str, int]:
    due = datetime.now(UTC).date() + timedelta(days=2)

    def work() -> dict[str, int]:
        from crm.extensions import db
        from crm.models import Event

        event_id = db.session.query(Event.id).order_by(Event.id).first()[0]
        person = data.contact(email, f"Гүлнар Сейітова {suffix}", f"gulnar.ru.{suffix}@example.kz", "KZ")
        other = data.contact(email, f"Timur Akhmedov {suffix}", f"timur.ru.{suffix}@example.uz", "UZ")
        organisation = data.organisation(email, f"Права без границ {suffix}", "KG")
        data.affiliation(email, person, organisation, "Юрист")
        thread = data.thread(email, f"Консультация по отказу в паспорте ({suffix})", person)
        data.interaction(email, thread, "Позвонили: документы получены.", "Подготовить жалобу", due)
        inquiry = data.inquiry(
            email, f"Дильшод Каримов {suffix}", f"dilshod.ru.{suffix}@example.uz", event_id
        )
        data.converted_inquiry(
            email, f"Айдана Бекова {suffix}", f"aidana.ru.{suffix}@example.kg", f"Обмен {suffix}"
        )
        return {
            "contact": person,
            "other": other,
            "organisation": organisation,
            "thread": thread,
            "inquiry": inquiry,
            "event": event_id,
            "list": data.contact_list(email, f"Приглашения ({suffix})", [person, other]),
        }

    return live_server.seed(work)


def test_the_main_pages_in_russian_have_no_english_and_fit_a_phone(journey, live_server, webinar):
    page = journey.page
    suffix = f"ru-{journey.viewport}"
    email, password = live_server.user(Role.ADMIN, f"Админ {suffix}")
    ids = _seed(live_server, email, suffix)
    journey.sign_in(email, password)
    # The check sees English where there is some: the same page before the switch.
    before = english_left(page.evaluate(TEXTS))
    assert {"'Sign out' (msgid 'Sign out')", "'Search' (msgid 'Search')"} <= set(before), before

    # The switch in the navigation (in the collapsed menu on a phone).
    toggler = page.get_by_role("button", name="Menu")
    if toggler.is_visible():
        toggler.click()
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    journey.snap("switched")

    pages = [
        ("/", "home"),
        ("/inquiries", "inquiries"),
        ("/inquiries/new", "new-inquiry"),
        (f"/inquiries/{ids['inquiry']}", "inquiry"),
        ("/contacts", "contacts"),
        ("/contacts/new", "new-contact"),
        (f"/contacts/{ids['contact']}", "contact"),
        ("/organisations", "organisations"),
        (f"/organisations/{ids['organisation']}", "organisation"),
        ("/countries", "countries"),
        ("/countries/KZ", "country"),
        ("/events", "events"),
        (f"/events/{ids['event']}", "event"),
        ("/threads", "threads"),
        (f"/threads/{ids['thread']}", "thread"),
        ("/pipeline/inquiries", "board-inquiries"),
        ("/pipeline/threads", "board-threads"),
        ("/pipeline/membership", "board-membership"),
        ("/reports", "reports"),
        ("/lists", "lists"),
        (f"/lists/{ids['list']}", "list"),
        ("/imports", "imports"),
        ("/imports/new", "import"),
        ("/contacts/export", "export-contacts"),
        ("/threads/export", "export-threads"),
        ("/search?q=%D0%BF%D1%80%D0%B0%D0%B2%D0%B0", "search"),
        ("/search?q=zzzz", "search-nothing"),
        ("/admin/users", "users"),
        ("/admin/tags", "tags"),
        ("/admin/topics", "topics"),
        ("/account/password", "password"),
    ]
    english: list[str] = []
    overflow: list[str] = []
    for path, name in pages:
        journey.goto(path, name)
        english += [f"{path}: {text}" for text in english_left(page.evaluate(TEXTS))]
        if journey.viewport == "phone":
            wide = page.evaluate(OVERFLOW_SCRIPT)
            if wide["by"] > 0:
                overflow.append(f"{path} scrolls sideways by {wide['by']} px: {', '.join(wide['culprits'])}")

    # An import preview: a file from the webinar platform, one row with a problem.
    journey.goto("/imports/new", "import-again")
    csv = "Имя,Электронная почта,Страна,Сообщение\nАйгерим,aigerim@example.kz,Казахстан,Вопрос\nБолот,not-an-email,Кыргызстан,Вопрос\n"
    page.set_input_files(
        "input[type=file]", files=[{"name": "webinar.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.locator("form[action='/imports/new'] button[type=submit]").click()
    page.wait_for_url(lambda url: "/imports/new" not in url)
    journey.snap("import-preview")
    english += [f"import preview: {text}" for text in english_left(page.evaluate(TEXTS))]
    if journey.viewport == "phone" and (wide := page.evaluate(OVERFLOW_SCRIPT))["by"] > 0:
        overflow.append(f"import preview scrolls sideways by {wide['by']} px: {', '.join(wide['culprits'])}")

    # A form sent back with errors.
    journey.goto("/inquiries/new", "new-inquiry-again")
    page.locator("form[action='/inquiries/new'] button[type=submit]").first.click()
    expect(page.get_by_role("alert").first).to_be_visible()
    journey.snap("inquiry-errors")
    english += [f"/inquiries/new (errors): {text}" for text in english_left(page.evaluate(TEXTS))]

    assert not english, f"{len(english)} English texts on Russian pages:\n- " + "\n- ".join(english)
    assert not overflow, "pages wider than a 390 px phone:\n- " + "\n- ".join(overflow)
