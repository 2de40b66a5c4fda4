"""The Russian interface: locale choice, the switch, plurals, country names, dates, a complete catalogue."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from crm.main.template_helpers import due_label
from scripts import untranslated

CATALOGUE = Path(__file__).resolve().parents[2] / "translations" / "ru" / "LC_MESSAGES" / "messages.po"


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).split("·")[0].strip()


def test_a_user_with_russian_sees_russian_navigation_and_titles(client, make_user, login):
    user = make_user(locale="ru")
    login(user)
    expected = {
        "/": "Главная",
        "/inquiries": "Обращения",
        "/contacts": "Контакты",
        "/threads": "Направления работы",
        "/reports": "Отчёты",
    }
    for path, title in expected.items():
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert '<html lang="ru">' in html
        for nav in ("Обращения", "Контакты", "Организации", "Направления работы", "Отчёты", "Выйти"):
            assert nav in html, (path, nav)
        assert ">Inquiries<" not in html and "Sign out" not in html
        assert title in _title(html), (path, _title(html))


def test_accept_language_gives_russian_on_the_sign_in_page(client):
    html = client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ru">' in html
    assert "Вход в CRM сопровождения" in html
    # A regional tag alone counts for its language, even when English is also accepted.
    regional = client.get("/login", headers={"Accept-Language": "ru-RU, en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ru">' in regional
    english = client.get("/login", headers={"Accept-Language": "de, en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in to the Follow-up CRM" in english


def test_the_switch_changes_the_language_at_once_and_persists(client, staff, login, db):
    login(staff)
    assert "Sign out" in client.get("/contacts").get_data(as_text=True)
    response = client.post("/account/language", data={"locale": "ru", "next": "/contacts?page=1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/contacts?page=1")
    assert staff.locale == "ru"
    html = client.get("/contacts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Выйти" in html and '<html lang="ru">' in html
    # The choice is on the account: a new sign-in elsewhere keeps it.
    client.post("/logout")
    login(staff)
    assert "Выйти" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_switch_refuses_unknown_languages_and_foreign_redirects(client, staff, login):
    login(staff)
    response = client.post("/account/language", data={"locale": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    assert staff.locale is None


def test_a_visitor_can_switch_on_the_sign_in_page(client):
    response = client.post("/login", data={"locale": "ru", "next": "/login?next=%2Fcontacts"})
    assert response.headers["Location"].endswith("/login?next=%2Fcontacts")
    html = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Вход в CRM сопровождения" in html
    assert 'name="locale" value="en"' in html and "English" in html


def test_russian_plural_forms(app):
    today = date(2026, 3, 10)
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert due_label(date(2026, 3, 9), today) == "просрочено на 1 день"
        assert due_label(date(2026, 3, 8), today) == "просрочено на 2 дня"
        assert due_label(date(2026, 3, 5), today) == "просрочено на 5 дней"
        assert due_label(date(2026, 2, 27), today) == "просрочено на 11 дней"
        assert due_label(date(2026, 2, 8), today) == "просрочено на 30 дней"
        assert due_label(date(2026, 2, 7), today) == "просрочено на 31 день"
        assert due_label(date(2026, 3, 12), today) == "через 2 дня"


def test_country_names_in_russian_on_a_contact_page(client, make_user, login, make_contact):
    contact = make_contact(country_code="KZ")
    login(make_user(locale="ru"))
    html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Казахстан" in html and "Kazakhstan" not in html
    countries = client.get("/countries/KZ").get_data(as_text=True)
    assert "Казахстан" in countries and "Центральная Азия" in countries


def test_country_choices_follow_the_locale(app, db):
    from flask_babel import refresh

    from crm.countries.services import country_choices

    with app.test_request_context(headers={"Accept-Language": "ru"}):
        choices = dict(country_choices())
        assert choices["KZ"] == "Казахстан"
        assert choices["DE"] == "Германия"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        assert dict(country_choices())["KZ"] == "Kazakhstan"


def test_dates_render_in_russian(app):
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        text = app.jinja_env.filters["date"](date(2026, 1, 2))
    assert " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split()) == "2 янв. 2026 г."


def test_the_catalogue_is_complete():
    """Every string marked in the code is in the Russian catalogue, translated, not fuzzy, compiled.

    On failure the message lists each entry as PO text; `python scripts/untranslated.py` prints
    the same list (see docs/i18n.md).
    """
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    assert catalogue.num_plurals == 3
    assert len(catalogue) > 800
    assert not list(catalogue.check())
    left = untranslated.todo("ru")
    assert not left, f"{len(left)} to translate:\n\n" + "\n\n".join(untranslated.as_po(item) for item in left)
