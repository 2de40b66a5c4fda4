"""The completeness check itself: it must catch each way a translation can be missing."""

from __future__ import annotations

from babel.messages.catalog import Catalog

from scripts import untranslated


def _catalogue() -> Catalog:
    catalogue = Catalog(locale="ru")
    catalogue.add("Contacts", "Контакты")
    catalogue.add("Threads", "Направления работы", flags=["fuzzy"])
    catalogue.add("Reports", "")
    catalogue.add(("%(num)d day", "%(num)d days"), ("%(num)d день", "%(num)d дня", "%(num)d дней"))
    catalogue.add(("%(num)d hour", "%(num)d hours"), ("%(num)d час", "%(num)d часа"))
    catalogue.add("Name", "Название", context="organisation")
    return catalogue


def _compiled(catalogue: Catalog) -> Catalog:
    compiled = Catalog(locale="ru")
    for message in catalogue:
        if message.id and not message.fuzzy:
            compiled.add(message.id, message.string, context=message.context)
    return compiled


def test_fuzzy_empty_short_plural_and_unmerged_entries_are_all_reported():
    catalogue = _catalogue()
    sources = {
        (None, "Contacts"): "Contacts",
        ("organisation", "Name"): "Name",
        (None, "Export"): "Export",  # marked in the code, never merged into the catalogue
        ("list", "Name"): "Name",  # the same text in another context is another message
    }
    found = {
        (item.reason, item.context, item.msgid) for item in untranslated.problems(catalogue, sources, None)
    }
    assert found == {
        ("fuzzy", None, "Threads"),
        ("untranslated", None, "Reports"),
        ("plural forms", None, ("%(num)d hour", "%(num)d hours")),
        ("missing", None, "Export"),
        ("missing", "list", "Name"),
        ("not compiled", None, "messages.mo is missing"),
    }


def test_a_complete_catalogue_passes_and_a_stale_mo_does_not():
    catalogue = Catalog(locale="ru")
    catalogue.add("Contacts", "Контакты")
    catalogue.add("Name", "Название", context="organisation")
    compiled = _compiled(catalogue)
    assert untranslated.problems(catalogue, {(None, "Contacts"): "Contacts"}, compiled) == []
    catalogue.get("Contacts").string = "Люди"  # edited after the last compile
    assert [item.msgid for item in untranslated.problems(catalogue, {}, compiled)] == ["Contacts"]


def test_the_list_is_po_text_a_translator_can_fill_in():
    item = untranslated.Todo("missing", "organisation", "Name", (("templates/x.html", 3),))
    assert untranslated.as_po(item) == (
        '# missing\n#: templates/x.html:3\nmsgctxt "organisation"\nmsgid "Name"'
    )
    plural = untranslated.Todo("fuzzy", None, ("%(num)d day", "%(num)d days"))
    assert untranslated.as_po(plural).endswith('msgid "%(num)d day"\nmsgid_plural "%(num)d days"')


def test_the_sources_scan_finds_python_template_and_context_strings():
    sources = untranslated.source_messages()
    assert sources[(None, "Sign out")] == "Sign out"  # templates/base.html
    assert (None, "Choose at least one column.") in sources  # crm/exports/services.py, gettext
    assert ("organisation", "Name") in sources  # pgettext in a template and in Python
    assert sources[(None, "%(num)d day")] == ("%(num)d day", "%(num)d days")
