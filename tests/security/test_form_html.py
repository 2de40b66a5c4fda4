"""crm.html writes form inputs exactly as WTForms' own widgets would, with every value escaped.

Every field of every form of the app is rendered both ways (crm.html through CrmForm.Meta, and
WTForms' widget directly), blank and filled with hostile values, with the attributes our
templates pass, and the two must be the same string.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict
from wtforms.meta import DefaultMeta
from wtforms.widgets import TextInput

import crm
from crm.forms import CrmForm
from crm.html import FAST
from crm.organisations.forms import OrganisationLookupInput

HOSTILE = "\"><script>alert(1)</script>&amp;'<"
HOSTILE_CHOICES = [(HOSTILE, HOSTILE), ("2", "Два & <два>"), ("", "—")]
# What macros/forms.html and the templates pass besides a field's own attributes.
TEMPLATE_KWARGS = [
    {},
    {"class_": "form-control is-invalid", "aria-describedby": "x-help x-error", "aria-invalid": "true"},
    {"class_": "form-select", "placeholder": HOSTILE, "rows": 3, "autocomplete": "off", "data_x": HOSTILE},
    {"required": False, "disabled": True, "value": HOSTILE},
]


def all_form_classes() -> list[type[CrmForm]]:
    for module in pkgutil.walk_packages(crm.__path__, "crm."):
        importlib.import_module(module.name)
    found, pending = [], [CrmForm]
    while pending:
        for sub in pending.pop().__subclasses__():
            found.append(sub)
            pending.append(sub)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def with_choices(form: CrmForm) -> CrmForm:
    """Forms whose views fill in the choices get hostile ones here (and all choice fields get one more)."""
    for field in form:
        if hasattr(field, "choices") and not callable(field.choices):
            field.choices = [*(field.choices or []), *(c for c in HOSTILE_CHOICES if coerces(field, c[0]))]
            if field.choices:  # a hostile label on a value the field accepts
                field.choices = [*field.choices, (field.choices[0][0], HOSTILE)]
    return form


def coerces(field, value) -> bool:
    try:
        field.coerce(value)
    except (TypeError, ValueError):
        return False
    return True


def fields_of(form: CrmForm):
    for field in form:
        yield field
        if field.type in ("RadioField", "MultiCheckboxField", "CheckboxListField"):
            yield from field  # each radio or checkbox of the list


def wtforms_html(form, field, kwargs) -> str:
    """The field as WTForms writes it; the organisation lookup is WTForms' text input plus its attributes."""
    if isinstance(field.widget, OrganisationLookupInput):
        return TextInput()(field, **{**kwargs, **field.widget.attributes(field)})
    return DefaultMeta.render_field(form.meta, field, dict(kwargs))


FORMS = all_form_classes()


def test_the_forms_are_found():
    names = {cls.__name__ for cls in FORMS}
    assert {"ContactForm", "InquiryForm", "InteractionForm", "ConsentForm"} <= names, names
    assert len(FORMS) > 25


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: cls.__name__)
def test_every_field_is_written_as_wtforms_writes_it(app, db, form_class):
    rendered_fast = 0
    with app.test_request_context("/"):
        blank = with_choices(form_class(formdata=None))
        filled_data = MultiDict()
        for field in blank:
            filled_data.add(field.name, HOSTILE)
            filled_data.add(field.name, "2")
        filled = with_choices(form_class(formdata=filled_data))
        filled.validate()  # with its errors, as a form sent back
        for form in (blank, filled):
            for field in fields_of(form):
                for kwargs in TEMPLATE_KWARGS:
                    if "value" in kwargs and field.type == "PasswordField":
                        continue  # a password's value is never written either way
                    ours = str(field(**kwargs))
                    theirs = str(wtforms_html(form, field, kwargs))
                    assert ours == theirs, (field.name, field.type, kwargs)
                    assert "<script>" not in ours
                    rendered_fast += type(field.widget) in FAST or isinstance(
                        field.widget, OrganisationLookupInput
                    )
    assert rendered_fast or not any(type(f.widget) in FAST for f in fields_of(blank))


def test_the_field_macro_writes_the_label_as_wtforms(app, db):
    from crm.contacts.forms import ContactForm

    with app.test_request_context("/"):
        form = with_choices(ContactForm(formdata=None))
        form.full_name.label.text = HOSTILE
        html = render_template_string(
            '{% from "macros/forms.html" import field %}{{ field(form.full_name) }}{{ field(form.do_not_contact) }}',
            form=form,
        )
        assert str(form.full_name.label(class_="form-label")) in html
        assert str(form.do_not_contact.label(class_="form-check-label")) in html
        assert "<script>" not in html


def test_attribute_values_and_option_labels_are_escaped():
    from crm.html import attributes

    written = attributes({"value": HOSTILE, "placeholder": "a&b", "checked": True, "disabled": False})
    assert written == (
        'checked placeholder="a&amp;b" '
        'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&#39;&lt;"'
    )


def test_filter_options_escape_values_and_texts_and_select_the_current_one():
    from crm.html import options

    written = str(options([(HOSTILE, HOSTILE), (2, "Два & два"), ("KZ", "Kazakhstan")], "2"))
    assert "<script>" not in written and written.count("<option") == 3
    assert '<option value="2" selected>Два &amp; два</option>' in written
    assert '<option value="KZ">Kazakhstan</option>' in written
    assert str(options([("KZ", "Kazakhstan")], None)) == '<option value="KZ">Kazakhstan</option>'


def test_selects_of_every_shape_of_choices_are_written_as_wtforms_writes_them(app):
    from wtforms import SelectField, SelectMultipleField
    from wtforms.fields.choices import SelectChoice

    class Shapes(CrmForm):
        ints = SelectField(coerce=int, choices=[(1, "one"), (2, None), (3, HOSTILE)])
        flags = SelectField(coerce=lambda v: v == "True", choices=[(True, "yes"), (False, "no")])
        grouped = SelectField(
            choices=[
                SelectChoice("KZ", "Kazakhstan", optgroup="Asia"),
                SelectChoice("x", "y", optgroup=HOSTILE),
            ]
        )
        objects = SelectField(
            choices=[SelectChoice("a", HOSTILE), SelectChoice("b", render_kw={"disabled": True})]
        )
        extra = SelectField(choices=[("a", "A", {"data-x": HOSTILE}), ("b", "B")])
        several = SelectMultipleField(coerce=int, choices=[(1, "one"), (2, "two"), (3, "three")])

    with app.test_request_context("/"):
        filled = MultiDict(
            [("ints", "2"), ("flags", "True"), ("grouped", "x"), ("extra", "a"), ("objects", "b")]
        )
        filled.setlist("several", ["1", "3"])
        for form in (Shapes(formdata=None), Shapes(formdata=filled)):
            for field in form:
                assert str(field()) == str(DefaultMeta.render_field(form.meta, field, {})), field.name
        assert "selected" in str(form.several()) and str(form.several()).count("selected") == 2


# macros/forms.html's `field` as it was written in Jinja, before crm.html.form_field took its place.
REFERENCE_MACRO = """
{% macro field(f, class_='', placeholder=None, rows=None, autocomplete=None) %}
{% set invalid = ' is-invalid' if f.errors else '' %}
{% set describedby = (f.id ~ '-help ' if f.description else '') ~ (f.id ~ '-error' if f.errors else '') %}
<div class="mb-3 {{ class_ }}">
  {% if f.type == 'BooleanField' %}
  <div class="form-check">
    {{ f(class_='form-check-input' ~ invalid, **({'aria-describedby': describedby} if describedby else {})) }}
    <label class="form-check-label" for="{{ f.label.field_id }}">{{ f.label.text }}</label>
  </div>
  {% else %}
  <label class="form-label" for="{{ f.label.field_id }}">{{ f.label.text }}</label>{% if f.flags.required %} <span class="text-danger" aria-hidden="true">*</span>{% endif %}
  {% set kwargs = {} %}
  {% if placeholder %}{% set _ = kwargs.update({'placeholder': placeholder}) %}{% endif %}
  {% if rows %}{% set _ = kwargs.update({'rows': rows}) %}{% endif %}
  {% if autocomplete %}{% set _ = kwargs.update({'autocomplete': autocomplete}) %}{% endif %}
  {% if describedby %}{% set _ = kwargs.update({'aria-describedby': describedby}) %}{% endif %}
  {% if f.errors %}{% set _ = kwargs.update({'aria-invalid': 'true'}) %}{% endif %}
  {% if f.type in ('SelectField', 'SelectMultipleField', 'OptionalSelectField') %}
  {{ f(class_='form-select' ~ invalid, **kwargs) }}
  {% else %}
  {{ f(class_='form-control' ~ invalid, **kwargs) }}
  {% endif %}
  {% endif %}
  {% if f.description %}<div id="{{ f.id }}-help" class="form-text">{{ f.description }}</div>{% endif %}
  {% if f.errors %}
  <div id="{{ f.id }}-error" class="invalid-feedback d-block">{% for e in f.errors %}{{ e }}{% if not loop.last %} {% endif %}{% endfor %}</div>
  {% endif %}
</div>
{% endmacro %}
"""


def collapsed(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: cls.__name__)
def test_every_field_is_laid_out_as_the_jinja_macro_did(app, db, form_class):
    reference = app.jinja_env.from_string(REFERENCE_MACRO + "{{ field(f, **options) }}")
    ours = app.jinja_env.from_string('{% from "macros/forms.html" import field %}{{ field(f, **options) }}')
    variants = [{}, {"class_": "col-md-6", "placeholder": HOSTILE, "rows": 3, "autocomplete": "email"}]
    with app.test_request_context("/"):
        blank = with_choices(form_class(formdata=None))
        filled = with_choices(form_class(formdata=MultiDict([(field.name, HOSTILE) for field in blank])))
        filled.validate()
        for form in (blank, filled):
            for field in form:
                if field.type in ("CSRFTokenField", "HiddenField", "VersionField"):
                    continue
                for options in variants:
                    expected = collapsed(reference.render(f=field, options=options))
                    assert collapsed(ours.render(f=field, options=options)) == expected, (field.name, options)


def test_filter_options_of_lazy_labels_follow_the_readers_language(app):
    from flask_babel import refresh

    from crm.html import options
    from crm.translations import lazy_gettext

    choices = [("c", lazy_gettext("Contacts")), ("KZ", "Kazakhstan")]
    written = {}
    for language in ("en", "ru", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            refresh()
            written.setdefault(language, set()).add(str(options(choices, "KZ")))
    assert written["en"] == {
        '<option value="c">Contacts</option><option value="KZ" selected>Kazakhstan</option>'
    }
    assert written["ru"] == {
        '<option value="c">Контакты</option><option value="KZ" selected>Kazakhstan</option>'
    }


def test_number_and_date_inputs_with_limits_are_written_as_wtforms_writes_them(app):
    from datetime import date, datetime

    from wtforms import DateField, DateTimeLocalField, IntegerField
    from wtforms.widgets import NumberInput

    class Limits(CrmForm):
        count = IntegerField(widget=NumberInput(step=2, min=1, max=9))
        day = DateField()
        moment = DateTimeLocalField()

    with app.test_request_context("/"):
        form = Limits(formdata=None, day=date(2026, 1, 2), moment=datetime(2026, 1, 2, 3, 4))
        cases = [
            (form.count, {}),
            (form.count, {"min": 3}),
            (form.day, {"min": date(2026, 1, 1), "max": lambda: date(2026, 12, 31)}),
            (form.moment, {"max": datetime(2026, 5, 6, 7, 8)}),
        ]
        for field, kwargs in cases:
            assert str(field(**kwargs)) == str(DefaultMeta.render_field(form.meta, field, dict(kwargs)))
        assert 'min="2026-01-01"' in str(form.day(min=date(2026, 1, 1)))  # in the field's format


def test_a_widget_writing_plain_text_is_escaped_and_quotes_in_markup_values_too(app):
    from markupsafe import Markup
    from wtforms import StringField

    from crm.html import attributes, form_field

    class Careless:
        def __call__(self, field, **kwargs):
            return '<img src=x onerror="alert(1)">'  # a str, not Markup: text, as the old macro showed it

    class Odd(CrmForm):
        name = StringField(widget=Careless())

    with app.test_request_context("/"):
        html = str(form_field(Odd(formdata=None).name))
    assert "<img" not in html and "&lt;img" in html
    assert attributes({"title": Markup('say "hi"')}) == 'title="say &quot;hi&quot;"'
