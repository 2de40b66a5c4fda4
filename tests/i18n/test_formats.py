"""Dates, numbers, region names and file headers in the user's language."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from crm.contacts.columns import CONTACT_COLUMNS, column_for_header
from crm.imports.mapping import CONTACTS, detect_preset, propose_mapping
from crm.models import AuditEntry
from tests.exports.conftest import download, read_csv
from tests.helpers import submit


def _plain(text: str) -> str:
    """Babel writes narrow and ordinary no-break spaces; compare with plain ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _filters(app, language: str):
    from flask_babel import refresh

    context = app.test_request_context(headers={"Accept-Language": language})
    context.push()
    refresh()
    return context, app.jinja_env.filters


def test_dates_are_day_first_in_english_and_russian_in_russian(app):
    moment = datetime(2026, 1, 2, 15, 4, 5, tzinfo=UTC)
    context, filters = _filters(app, "en")
    try:
        assert filters["date"](date(2026, 1, 2)) == "2 Jan 2026"  # never "Jan 2, 2026" or "1/2/26"
        assert filters["datetime"](moment) == "2 Jan 2026, 15:04"  # 24-hour, no seconds
        assert filters["number"](12345) == "12,345"
        assert filters["percent"](86) == "86%"
    finally:
        context.pop()
    context, filters = _filters(app, "ru")
    try:
        assert _plain(filters["date"](date(2026, 1, 2))) == "2 янв. 2026 г."
        assert _plain(filters["datetime"](moment)) == "2 янв. 2026 г., 15:04"
        assert _plain(filters["number"](12345)) == "12 345"
        assert filters["number"](2.5) == "2,5"
        assert _plain(filters["percent"](86)) == "86 %"
    finally:
        context.pop()


def test_an_event_page_shows_its_date_day_first(client, login, staff, make_event):
    event = make_event(starts_on=date(2026, 3, 11))
    login(staff)
    assert "11 Mar 2026" in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Mar 11, 2026" not in client.get("/events").get_data(as_text=True)


def test_the_report_names_regions_and_countries_in_russian(client, login, make_user, make_inquiry):
    for n, code in enumerate(["KZ", "KZ", "KG", "TH"]):
        make_inquiry(sender_email=f"s{n}@example.org", country_code=code)
    login(make_user(locale="ru"))
    html = client.get("/reports?start=2000-01-01&end=2100-12-31").get_data(as_text=True)
    regions = _table(html, "table-regions")
    assert re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', regions) == ["Азия"]
    subregions = _table(html, "table-subregions")
    assert re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', subregions) == [
        "Центральная Азия",
        "Юго-Восточная Азия",
    ]
    countries = re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', _table(html, "table-countries"))
    assert countries == ["Казахстан", "Киргизия", "Таиланд"]
    chart = json.loads(re.search(r"id=\"chart-subregions\" data-chart='([^']+)'", html).group(1))
    assert chart["labels"] == ["Центральная Азия", "Юго-Восточная Азия"]
    assert "Central Asia" not in html and "Kazakhstan" not in html


def _table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def test_a_russian_export_has_russian_headers_and_an_english_audit(
    client, db, login, make_user, make_contact
):
    from crm.models.enums import Role

    make_contact()
    login(make_user(Role.COORDINATOR, locale="ru"))
    response = submit(client, "/contacts/export?", "/contacts/export?", preset="full", file_format="csv")
    header = read_csv(response.get_data())[0]
    assert header == ["Полное имя", "Эл. почта", "Страна", "Организация", "Языки"]
    _, body = download(client, "/organisations/export", file_format="csv")
    assert read_csv(body)[0][:4] == ["Название", "Название (латиница)", "Тип", "Страна"]
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert audits[0].changes["columns"] == ["Full name", "E-mail", "Country", "Organisation", "Languages"]
    assert audits[1].changes["columns"][:2] == ["Name", "Name (Latin)"]


def test_a_file_exported_in_russian_imports_back(app):
    """The importer reads the headers in every language the CRM has."""
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        from flask_babel import refresh

        refresh()
        headers = [str(column.label) for column in CONTACT_COLUMNS]  # labels differ; use file headers
        from crm.contacts.columns import file_header

        headers = [file_header(column) for column in CONTACT_COLUMNS if not column.sensitive]
    assert headers[0] == "Полное имя"
    assert [column_for_header(h).key for h in headers] == [c.key for c in CONTACT_COLUMNS if not c.sensitive]
    assert detect_preset(headers, CONTACTS).key == "crm_contacts"
    proposed = propose_mapping(headers, CONTACTS)
    assert proposed[0] == "full_name" and proposed[2] == "email"


def test_an_import_explains_a_bad_address_in_the_users_language(app):
    import pytest
    from flask_babel import refresh

    from crm.imports.values import ValueProblem, check_email

    with app.test_request_context(headers={"Accept-Language": "ru"}):
        refresh()
        with pytest.raises(ValueProblem) as no_at:
            check_email("not-an-email")
        with pytest.raises(ValueProblem) as dots:
            check_email("a..b@example.org")
    assert str(no_at.value) == "недействительный адрес эл. почты (нет знака @)"
    assert str(dots.value) == "недействительный адрес эл. почты (точка пропущена или стоит не на месте)"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        with pytest.raises(ValueProblem) as english:
            check_email("a@-example.org")  # a reason we do not translate is left out
    assert str(english.value) == "not a valid e-mail address"


def test_the_region_filter_is_named_and_sorted_in_the_users_language(client, make_user, login):
    login(make_user(locale="ru"))
    html = client.get("/contacts").get_data(as_text=True)
    select = html[html.index('name="region"') : html.index("</select>", html.index('name="region"'))]
    labels = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)
    assert labels[:6] == [
        "Азия",
        "— Восточная Азия",
        "— Западная Азия",
        "— Центральная Азия",
        "— Юго-Восточная Азия",
        "— Южная Азия",
    ]
    assert labels[6] == "Америка" and "Europe" not in select and "Европа" in select


def test_boards_and_thread_lists_name_countries_in_russian(client, db, make_user, login, make_thread):
    from crm.models import Country

    make_thread(
        title="Совместный доклад", countries=[db.session.get(Country, "KZ"), db.session.get(Country, "KG")]
    )
    from crm.models.enums import Role

    login(make_user(Role.COORDINATOR, locale="ru"))
    for path in ("/pipeline/threads", "/threads"):
        html = client.get(path).get_data(as_text=True)
        assert "Казахстан" in html and "Киргизия" in html, path
        assert "Kazakhstan" not in html and "Kyrgyzstan" not in html, path


def test_a_reminder_email_is_in_its_recipients_language(app, db, make_user, make_thread):
    from crm.followups import services

    today = date(2026, 3, 16)
    for locale, subject, line in (
        ("ru", "Напоминание: 1 просроченный шаг", "Срок: 11 мар. 2026 г. (просрочено на 5 дней)"),
        (None, "Follow-ups: 1 overdue", "Due: 11 Mar 2026 (5 days overdue)"),
    ):
        owner = make_user(locale=locale, name="Айгерим")
        make_thread(title="Доклад", owner=owner, next_action="Позвонить", next_action_due=date(2026, 3, 11))
        message = services.compose(services.reminders_for(owner, today, 7), "http://crm.example", "")
        body = _plain(message.get_content())
        assert message["Subject"].startswith(subject), message["Subject"]
        assert line.casefold() in body.casefold(), body


def test_command_line_messages_follow_crm_language(app, db, monkeypatch):
    from flask_babel import refresh

    for language, expected in (("ru", "Ни у кого нет шагов со сроком"), ("", "Nobody has follow-ups due")):
        monkeypatch.setitem(app.config, "CLI_LANGUAGE", language)
        refresh()
        result = app.test_cli_runner().invoke(args=["followups", "remind", "--dry-run"])
        assert result.exit_code == 0 and result.output.startswith(expected), result.output
    refresh()


def test_an_organisation_and_a_list_have_a_title_not_a_persons_name(client, make_user, login):
    login(make_user(locale="ru"))
    for path in ("/organisations/new", "/lists/new"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r'<label[^>]*for="name"[^>]*>\s*Название', html), path
