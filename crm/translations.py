"""Fast gettext for templates: the request's translations looked up once, not on every string.

Flask-Babel resolves the domain, the locale and its cache entry on each call (about 6 µs); a
page calls gettext 100-1,000 times. The translations depend only on the locale, so they are kept
next to Flask-Babel's own locale for the request (or the app context), keyed by that locale:
`force_locale` (e-mails in the recipient's language) and `refresh` (a changed language) swap the
locale object and so get their own translations.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString

from crm.html import text_as_html


def _babel_state() -> Any:
    """Flask-Babel's state on `g` (its chosen locale), or None outside an app context.

    One lookup through the `g` proxy, not three: a page translates hundreds of strings.
    """
    try:
        return getattr(g._get_current_object(), "_flask_babel", None)
    except RuntimeError:  # no app context
        return None


def current_translations() -> Any:
    """The translations of the locale Flask-Babel has chosen for now."""
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # not chosen yet (or outside a request): let Flask-Babel choose it
        return get_translations()
    cached = getattr(state, "crm_translations", None)
    if cached is None or cached[0] is not locale:
        cached = state.crm_translations = (locale, get_translations())
    return cached[1]


def current_locale_name() -> str:
    """The locale Flask-Babel has chosen, as text ('en', 'ru'), without its lookup on every call."""
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # not chosen yet (or outside a request)
        return str(get_locale() or "en")
    cached = getattr(state, "crm_locale_name", None)  # str(Locale) takes ~20 µs, a page has dozens of dates
    if cached is None or cached[0] is not locale:
        cached = state.crm_locale_name = (locale, str(locale))
    return cached[1]


def gettext(string: str, **variables: Any) -> str:
    """flask_babel.gettext through the cached translations (for helpers called once per row)."""
    text = current_translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """flask_babel.ngettext through the cached translations: `%(num)d` is the number."""
    variables.setdefault("num", num)
    return current_translations().ungettext(singular, plural, num) % variables


class LazyText(LazyString):
    """Flask-Babel's LazyString, but text: LazyString's __html__ hands Jinja and WTForms its
    translation as HTML, so form labels, choices and the enums' labels went out unescaped
    ("Webinar Q&A / chat" with a bare ampersand). Here it is escaped like any other text.
    """

    def __html__(self) -> str:
        return text_as_html(self)


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """flask_babel.lazy_gettext (a LazyString, as text) translated through the cached translations.

    Form labels, descriptions and choices and the enums' labels are lazy strings, translated each
    time they are shown: a form field's label and help text several times per render.
    """
    return LazyText(gettext, string, **variables)


def pgettext(context: str, string: str, **variables: Any) -> str:
    """flask_babel.pgettext through the cached translations."""
    text = current_translations().upgettext(context, string)
    return text % variables if variables else text


def npgettext(context: str, singular: str, plural: str, num: int, **variables: Any) -> str:
    """flask_babel.npgettext through the cached translations: `%(num)d` is the number."""
    variables.setdefault("num", num)
    return current_translations().unpgettext(context, singular, plural, num) % variables


def lazy_pgettext(context: str, string: str, **variables: Any) -> LazyString:
    """flask_babel.lazy_pgettext translated through the cached translations."""
    return LazyText(pgettext, context, string, **variables)


def install(app: Flask) -> None:
    """Templates' _(), gettext, ngettext, pgettext, npgettext: the functions above, called directly.

    Jinja's "newstyle" wrappers (which Flask-Babel installs) cost ~5 µs a call on top: they go
    through the template context, mark the translation safe and %-format it even with nothing to
    put in (a page has 60-130 of them). Here the translation is a plain string, formatted only
    when there are values, and escaped on output like any other text: the values (names people
    typed) are escaped exactly as before; the translations themselves hold no markup.
    """
    app.jinja_env.install_gettext_callables(
        gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext, newstyle=False
    )
    app.jinja_env.globals["_"] = gettext  # not the i18n extension's alias, which looks gettext up each call
