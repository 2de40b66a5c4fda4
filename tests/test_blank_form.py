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
def pages(staff, login, client, make_contact, make_thread):
    login(staff)
    contact = make_contact(full_name="Айгерим Нургалиева")
    thread = make_thread(kind=ThreadKind.CONSULTATION, title="Consultation", contacts=[contact])
    return [f"/contacts/{contact.id}", f"/threads/{thread.id}"]


def test_kept_blank_forms_write_the_same_pages_in_each_language(app, client, pages, monkeypatch):
    kept = {path: {lang: _page(client, path, lang) for lang in ("en", "ru", "en")} for path in pages}
    names = {key[0] for key in app.extensions["crm_blank_forms"]}
    assert names == {
        "contact-affiliation",
        "contact-consent",
        "thread-interaction",
        "thread-interaction-next",
    }
    monkeypatch.setattr(html, "_blank_state", lambda form: None)  # every block written afresh
    for path in pages:
        for language in ("en", "ru"):
            assert kept[path][language] == _page(client, path, language), (path, language)
    contact_ru = kept[pages[0]]["ru"]
    assert "Добавить" in contact_ru and "Add an affiliation" not in contact_ru  # not the English kept first


def test_a_form_sent_back_with_errors_shows_them_not_the_kept_blank_one(app, client, pages):
    contact_page = pages[0]
    client.get(contact_page)  # keeps the blank consent fields
    response = client.post(
        f"{contact_page}/consent", data={"purpose": "nonsense", "given": "yes", "method": "x" * 300}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400 or "is-invalid" in body
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
