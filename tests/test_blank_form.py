"""Blank forms written once (crm.html.blank_form): the page is the same as written afresh, in
each language; a form with errors or values, or a block holding the CSRF token, is never kept."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from crm import html
from crm.models.enums import ThreadKind
from crm.privacy.forms import ConsentForm
from crm.threads.forms import InteractionForm

TOKEN = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]*"')


def _page(client, path: str, language: str) -> str:
    html_text = client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
    return TOKEN.sub(r'\1"', html_text)


@pytest.fixture
def records(make_contact, make_thread):
    """Two contacts and two threads: blocks kept on the first must be right on the second."""
    first = make_contact(full_name="Айгерим Нургалиева", email="a@example.kz")
    second = make_contact(full_name='Somchai "Sam" Srisuk', email="s@example.th", country_code="TH")
    threads = [
        make_thread(kind=ThreadKind.CONSULTATION, title="Consultation", contacts=[first]),
        make_thread(kind=ThreadKind.JOINT_INITIATIVE, title="Joint <initiative>", contacts=[second]),
    ]
    return [f"/contacts/{first.id}", f"/contacts/{second.id}"] + [f"/threads/{t.id}" for t in threads]


def test_kept_blank_forms_write_the_same_pages_for_every_record_user_and_language(
    app, client, login, staff, coordinator, records, monkeypatch
):
    login(staff)
    for path in records[::2]:  # keep the blocks on the first contact and thread, in English
        _page(client, path, "en")
    names = {key[0] for key in app.extensions["crm_blank_forms"]}
    assert names == {
        "contact-affiliation",
        "contact-consent",
        "thread-interaction",
        "thread-interaction-next",
    }

    def every_page() -> dict:
        pages = {}
        for user in (staff, coordinator):
            client.post("/logout")
            login(user)
            for path in records:
                for language in ("en", "ru"):
                    pages[user.email, path, language] = _page(client, path, language)
        return pages

    kept = every_page()
    monkeypatch.setattr(html, "_blank_state", lambda form: None)  # every block written afresh
    assert kept == every_page()
    contact_ru = kept[staff.email, records[1], "ru"]
    assert "Добавить" in contact_ru and "Add an affiliation" not in contact_ru  # not the English kept first


def test_a_form_sent_back_with_errors_shows_them_not_the_kept_blank_one(client, login, staff, records):
    login(staff)
    contact_page = records[0]
    client.get(contact_page)  # keeps the blank consent fields
    response = client.post(
        f"{contact_page}/consent", data={"purpose": "nonsense", "given": "yes", "method": "x" * 300}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "x" * 300 in body and "is-invalid" in body


def test_only_blank_forms_are_kept_and_never_a_block_with_the_token(app):
    with app.test_request_context("/"):
        blank = ConsentForm(formdata=None)
        assert html._blank_state(blank) is not None
        assert html._blank_state(ConsentForm(formdata=None, method="by phone")) is None
        errors = ConsentForm(formdata=None)
        errors.method.errors = ["Too long"]
        assert html._blank_state(errors) is None
        other_choices = InteractionForm(formdata=None)
        other_choices.kind.choices = [("note", "Note")]
        assert html._blank_state(other_choices) != html._blank_state(InteractionForm(formdata=None))

        template = "{% call blank_form('probe', form) %}<input value=\"{{ csrf_token() }}\">{% endcall %}"
        first = render_template_string(template, form=blank)
        assert len(first) > 20
        assert all(key[0] != "probe" for key in app.extensions.get("crm_blank_forms", {}))
