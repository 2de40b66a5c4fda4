"""Templates' gettext: the request's language, values put in, and everything escaped as text."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, refresh

import crm.translations


def _render(app, source: str, language: str = "en", **values) -> str:
    with app.test_request_context(headers={"Accept-Language": language}):
        refresh()
        return render_template_string(source, **values)


def test_strings_follow_the_language_of_the_request_and_of_force_locale(app):
    assert _render(app, "{{ _('Contacts') }}", "ru") == "Контакты"
    assert _render(app, "{{ _('Contacts') }}", "en") == "Contacts"
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        refresh()
        outer = render_template_string("{{ _('Contacts') }}")
        with force_locale("en"):  # e-mails go out in the recipient's language
            inner = render_template_string("{{ _('Contacts') }}")
        again = render_template_string("{{ _('Contacts') }}")
    assert (outer, inner, again) == ("Контакты", "Contacts", "Контакты")


def test_values_are_put_in_and_escaped_plural_and_context_forms_too(app):
    hostile = '<script>alert("x")</script>'
    html = _render(app, "{{ _('Select %(title)s', title=name) }}", name=hostile)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert _render(app, "{{ ngettext('%(num)d day ago', '%(num)d days ago', 3) }}") == "3 days ago"
    assert _render(app, "{{ ngettext('%(num)d day ago', '%(num)d days ago', 1) }}") == "1 day ago"
    assert _render(app, "{{ pgettext('list', 'Name') }}", "ru") == "Название"  # a list's name, not a person's


def test_a_translation_is_text_never_markup(app, monkeypatch):
    class Hostile:
        def ugettext(self, string):
            return "<b>bold</b> & co"

    monkeypatch.setattr(crm.translations, "current_translations", lambda: Hostile())
    assert _render(app, "{{ _('Contacts') }}") == "&lt;b&gt;bold&lt;/b&gt; &amp; co"


def test_lazy_translations_labels_choices_and_enum_labels_are_text_too(app, db, client, staff, login):
    from crm.models.enums import InquiryChannel

    lazy = crm.translations.lazy_gettext("Webinar Q&A / chat")
    assert _render(app, "{{ label }}", label=lazy) == "Webinar Q&amp;A / chat"
    assert _render(app, "{{ label }}", "ru", label=crm.translations.lazy_gettext("Contacts")) == "Контакты"
    login(staff)
    page = client.get("/inquiries/new").get_data(as_text=True)  # the channel select lists every channel
    assert f">{InquiryChannel.WEBINAR_QA.label}<" not in page
    assert ">Webinar Q&amp;A / chat</option>" in page


def test_wtforms_own_messages_come_in_the_users_language(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import IntegerField, StringField
    from wtforms.validators import DataRequired

    from crm.forms import CrmForm

    class Probe(CrmForm):
        class Meta:
            csrf = False

        name = StringField(validators=[DataRequired()])
        count = IntegerField()

    for language, required, not_a_number in (
        ("ru", "Обязательное поле.", "Неверное целое число."),
        ("en", "This field is required.", "Not a valid integer value."),
        ("ru", "Обязательное поле.", "Неверное целое число."),  # and back: nothing kept from the last request
    ):
        with app.test_request_context(headers={"Accept-Language": language}):
            refresh()
            form = Probe(formdata=MultiDict({"count": "x"}))
            assert not form.validate()
            assert form.name.errors == [required] and form.count.errors == [not_a_number]
