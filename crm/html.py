"""Form inputs written as HTML directly: the one module of the app that marks text as safe HTML.

WTForms writes each attribute through `Markup.format` and looks up the field's flags with `dir()`:
about 100 µs for an input, and a contact or thread page holds dozens (a third of its time). The
functions here write the same tags as WTForms 3.3's own widgets, attribute for attribute, with
every value escaped; `CrmForm.Meta.render_field` uses them for the widgets listed in `FAST` and
leaves any other widget to WTForms.

tests/security/test_form_html.py renders every field of every form both ways, with hostile
values, and compares them; an upgrade of WTForms that changes its output fails there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from wtforms import SelectField, SelectMultipleField, widgets


def clean_key(key: str) -> str:
    """An attribute's name from a keyword: `class_` → `class`, `data_lookup` → `data-lookup` (as WTForms)."""
    key = key.rstrip("_")
    if key.startswith(("data_", "aria_")):
        key = key.replace("_", "-")
    return key


def attributes(attrs: dict[str, Any]) -> str:
    """`name="value"` pairs sorted by name; True writes the bare name, False leaves it out."""
    parts = []
    for key in sorted(attrs):
        value = attrs[key]
        if value is True:
            parts.append(clean_key(key))
        elif value is not False:
            # escape() keeps what a value's own __html__ returns; WTForms then quotes a bare '"' too.
            parts.append(f'{clean_key(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return " ".join(parts)


def _flags(field: Any, names: Iterable[str], kwargs: dict[str, Any], call: bool) -> None:
    """The validators' flags a widget writes as attributes (`required`, `maxlength`, …)."""
    flags = getattr(field, "flags", None)
    if flags is None:
        return
    for name in vars(flags):
        if name in names and name not in kwargs:
            value = getattr(flags, name)
            kwargs[name] = value() if call and callable(value) else value


def _input(field: Any, widget: Any, kwargs: dict[str, Any]) -> Markup:
    kwargs.setdefault("id", field.id)
    kwargs.setdefault("type", widget.input_type)
    if "value" not in kwargs:
        kwargs["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in kwargs:
        kwargs["list"] = datalist if isinstance(datalist, str) else datalist.id
    _flags(field, widget.validation_attrs, kwargs, call=True)
    return Markup(f"<input {attributes({'name': field.name, **kwargs})}>")  # noqa: S704  # nosec B704


def _number(field: Any, widget: Any, kwargs: dict[str, Any]) -> Markup:
    for name in ("step", "min", "max"):
        if getattr(widget, name) is not None:
            kwargs.setdefault(name, getattr(widget, name))
    return _input(field, widget, kwargs)


def _datetime(field: Any, widget: Any, kwargs: dict[str, Any]) -> Markup:
    """Date and time inputs write a `min` or `max` date in the field's own format."""
    form = getattr(field, "format", None)
    if form is not None:
        form = form[0] if isinstance(form, list) else form
        flags = getattr(field, "flags", {})
        for name in ("min", "max"):
            value = kwargs.get(name, getattr(flags, name, None))
            if callable(value):
                value = value()
            if hasattr(value, "strftime"):
                kwargs[name] = value.strftime(form)
    return _input(field, widget, kwargs)


def _checkbox(field: Any, widget: Any, kwargs: dict[str, Any]) -> Markup:
    if getattr(field, "checked", field.data):
        kwargs.setdefault("checked", True)
    return _input(field, widget, kwargs)


def _radio(field: Any, widget: Any, kwargs: dict[str, Any]) -> Markup:
    if field.checked:
        kwargs.setdefault("checked", True)
    return _input(field, widget, kwargs)


def _password(field: Any, widget: Any, kwargs: dict[str, Any]) -> Markup:
    if widget.hide_value:
        kwargs["value"] = ""
    return _input(field, widget, kwargs)


def _textarea(field: Any, widget: Any, kwargs: dict[str, Any]) -> Markup:
    kwargs.setdefault("id", field.id)
    _flags(field, widget.validation_attrs, kwargs, call=False)
    inner = escape(field._value())
    return Markup(f"<textarea {attributes({'name': field.name, **kwargs})}>\r\n{inner}</textarea>")  # noqa: S704  # nosec B704


def _option(value: Any, label: Any, selected: bool, render_kw: dict | None = None) -> str:
    if isinstance(value, bool):
        value = str(value)
    options = {"value": value, **(render_kw or {})}
    if selected:
        options["selected"] = True
    return f"<option {attributes(options)}>{escape(label or value)}</option>"


def _pairs(field: Any) -> list[tuple[Any, Any, bool]] | None:
    """(value, label, selected) of a select whose choices are (value, label) pairs and which chooses
    as WTForms' SelectField or SelectMultipleField does; None for anything else (WTForms lists them).

    WTForms makes a SelectChoice and then a Choice of every option, twice a render (~5 µs an option).
    """
    choices = getattr(field, "choices", None)
    if type(choices) not in (list, tuple):
        return None
    coerce, data = field.coerce, field.data
    chooser = type(field).iter_choices
    if chooser is SelectField.iter_choices:
        chosen = lambda value: coerce(value) == data  # noqa: E731 - as iter_choices compares
    elif chooser is SelectMultipleField.iter_choices:
        data = data or ()
        chosen = lambda value: coerce(value) in data  # noqa: E731
    else:
        return None
    pairs = []
    for choice in choices:
        if type(choice) is not tuple or len(choice) != 2:
            return None
        value, label = choice
        pairs.append((value, value if label is None else label, chosen(value)))
    return pairs


def _select(field: Any, widget: Any, kwargs: dict[str, Any]) -> Markup:
    kwargs.setdefault("id", field.id)
    if widget.multiple:
        kwargs["multiple"] = True
    _flags(field, widget.validation_attrs, kwargs, call=False)
    html = [f"<select {attributes({'name': field.name, **kwargs})}>"]
    pairs = _pairs(field)
    if pairs is not None:
        html.extend(_option(value, label, selected) for value, label, selected in pairs)
    elif field.has_groups():
        for group, choices in field._iter_groups_normalized():
            if group is not None:
                html.append(f"<optgroup {attributes({'label': group})}>")
            html.extend(_option(c.value, c.label, c.selected, c.render_kw) for c in choices)
            if group is not None:
                html.append("</optgroup>")
    else:
        html.extend(
            _option(c.value, c.label, c.selected, c.render_kw) for c in field._iter_choices_normalized()
        )
    html.append("</select>")
    return Markup("".join(html))  # noqa: S704  # nosec B704


# The widgets written here, by exact class: a subclass may render differently, so it goes to WTForms.
FAST: dict[type, Callable[[Any, Any, dict[str, Any]], Markup]] = {
    widgets.TextInput: _input,
    widgets.EmailInput: _input,
    widgets.TelInput: _input,
    widgets.URLInput: _input,
    widgets.SearchInput: _input,
    widgets.NumberInput: _number,
    widgets.DateInput: _datetime,
    widgets.DateTimeLocalInput: _datetime,
    widgets.HiddenInput: _input,
    widgets.CheckboxInput: _checkbox,
    widgets.RadioInput: _radio,
    widgets.PasswordInput: _password,
    widgets.TextArea: _textarea,
    widgets.Select: _select,
}


def render_widget(field: Any, render_kw: dict[str, Any]) -> Markup | None:
    """The field's tag as WTForms' `Meta.render_field` would write it, or None for a widget not in FAST."""
    write = FAST.get(type(field.widget))
    if write is None:
        return None
    kwargs = {clean_key(k): v for k, v in render_kw.items()}
    own = getattr(field, "render_kw", None)
    if own:
        kwargs = {**{clean_key(k): v for k, v in own.items()}, **kwargs}
    return write(field, field.widget, kwargs)


def options(choices: Iterable[tuple[Any, Any]], current: str | None) -> Markup:
    """A list filter's `<option>`s (macros/filters.html): each value and text escaped, `current` selected.

    The country filter alone has ~250 (a Jinja loop took ~0.5 ms for them). Choices of plain text,
    such as countries and regions already named in the reader's language, are written once per
    process for each selection.
    """
    pairs = tuple(choices)
    if all(type(text) is str and type(value) in (str, int) for value, text in pairs):
        return _plain_options(pairs, current or None)
    return _options(pairs, current)  # lazy translations: their text depends on the reader's language


@lru_cache(maxsize=256)
def _plain_options(pairs: tuple[tuple[str | int, str], ...], current: str | None) -> Markup:
    return _options(pairs, current)


def _options(pairs: tuple[tuple[Any, Any], ...], current: str | None) -> Markup:
    html = []
    for value, text in pairs:
        value = str(value)
        selected = " selected" if current and current == value else ""
        html.append(f'<option value="{escape(value)}"{selected}>{escape(text)}</option>')
    return Markup("".join(html))  # noqa: S704  # nosec B704


SELECTS = frozenset({"SelectField", "SelectMultipleField", "OptionalSelectField"})
REQUIRED = '<span class="text-danger" aria-hidden="true">*</span>'


def form_field(
    f: Any, class_: str = "", placeholder: Any = None, rows: Any = None, autocomplete: Any = None
) -> Markup:
    """A form field as macros/forms.html's `field` writes it: label, input, help text and errors.

    Written here, not in a Jinja macro, which took ~30 µs a field on top of the input.
    tests/security/test_form_html.py compares the two for every field of every form.
    autocomplete: the input's purpose for browsers and password managers (WCAG 1.3.5).
    """
    errors = f.errors
    invalid = " is-invalid" if errors else ""
    field_id = escape(f.id)
    # Labels and help texts are lazy translations: each use translates again, so once each here.
    description = "" if f.description is None else str(f.description)
    describedby = (f"{f.id}-help " if description else "") + (f"{f.id}-error" if errors else "")
    label_for, label_text = escape(f.label.field_id), escape(str(f.label.text))
    html = [f'<div class="mb-3 {escape(class_)}">']
    if f.type == "BooleanField":
        html += [
            '<div class="form-check">',
            escape(
                f(
                    class_="form-check-input" + invalid,
                    **({"aria-describedby": describedby} if describedby else {}),
                )
            ),
            f'<label class="form-check-label" for="{label_for}">{label_text}</label>',
            "</div>",
        ]
    else:
        html.append(f'<label class="form-label" for="{label_for}">{label_text}</label>')
        if f.flags.required:
            html.append(REQUIRED)
        kwargs: dict[str, Any] = {}
        if placeholder:
            kwargs["placeholder"] = placeholder
        if rows:
            kwargs["rows"] = rows
        if autocomplete:
            kwargs["autocomplete"] = autocomplete
        if describedby:
            kwargs["aria-describedby"] = describedby
        if errors:
            kwargs["aria-invalid"] = "true"
        html.append(
            escape(f(class_=("form-select" if f.type in SELECTS else "form-control") + invalid, **kwargs))
        )
    if description:
        html.append(f'<div id="{field_id}-help" class="form-text">{escape(description)}</div>')
    if errors:
        messages = " ".join(str(escape(error)) for error in errors)
        html.append(f'<div id="{field_id}-error" class="invalid-feedback d-block">{messages}</div>')
    html.append("</div>")
    return Markup("\n".join(str(piece) for piece in html))  # noqa: S704  # nosec B704


def text_as_html(text: Any) -> str:
    """Text (a lazy translation included) escaped for HTML, whatever its own __html__ says."""
    return str(escape(str(text)))


def text_input(field: Any, kwargs: dict[str, Any]) -> Markup:
    """A plain text input for a field whose own widget only adds attributes (the organisation lookup)."""
    return _input(field, widgets.TextInput, kwargs)


# --- Blank forms, written once ---------------------------------------------------------------------

# A page's blank forms (add an affiliation, record consent, record an interaction) are the same for
# every record and every visit in one language: their fields written once per process and kept
# (~0.45 ms of the contact page's ~6.5 in process). Bounded: a full cache is emptied (keys differ
# by language, mount point and choices only).
_BLANK_FORMS_SIZE = 512


def blank_form(name: str, form: Any, *, caller: Callable[[], Markup]) -> Markup:
    """`{% call blank_form('contact-affiliation', form) %}…fields…{% endcall %}`: the block's HTML,
    kept per `name`, language and mount point while `form` is blank (a GET, no errors, every field
    at its default, same choices); written afresh otherwise.

    The block may use nothing but `form` and fixed text: not the record, not the CSRF token (written
    outside it; a block that holds the token is never kept).
    """
    from flask import current_app, request  # noqa: PLC0415 - this module is also used outside requests
    from flask_wtf.csrf import generate_csrf  # noqa: PLC0415

    from crm.translations import current_locale_name  # noqa: PLC0415 - crm.translations imports this module

    state = _blank_state(form)
    if state is None or request.method != "GET":
        return caller()  # a Jinja block's output: Markup, escaped as it was written
    key = (name, type(form), current_locale_name(), request.script_root, state)
    cache: dict = current_app.extensions.setdefault("crm_blank_forms", {})
    found = cache.get(key)
    if found is None:
        found = caller()
        if generate_csrf() in found:
            return found
        if len(cache) >= _BLANK_FORMS_SIZE:
            cache.clear()
        cache[key] = found
    return found


def _blank_state(form: Any) -> tuple | None:
    """What a blank form's fields hold (their defaults and choices), or None if it is not blank."""
    if form.errors:
        return None
    state = []
    for field in form:
        if field.type == "CSRFTokenField":
            continue
        default = field.default() if callable(field.default) else field.default
        if field.data != default and (field.data or default):
            return None
        choices = getattr(field, "choices", None)
        state.append((field.name, str(field.data), str(list(choices)) if choices is not None else None))
    return tuple(state)
