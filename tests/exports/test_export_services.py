"""Contact export services: the rows (same as the list), consent rules, columns, values, chunked reading."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from crm.contacts.columns import PRESETS
from crm.contacts.services import add_affiliation
from crm.exports import services
from crm.exports.services import ExportError
from crm.models import Contact, contact_tags
from crm.models.enums import StakeholderType


def _plan(source, **choices):
    options = {
        "file_format": "csv",
        "preset": "mailing",
        "column_keys": list(PRESETS[choices.get("preset", "mailing")]),
        "include_sensitive": False,
        "may_include_sensitive": True,
        "may_include_everyone": True,
    }
    options.update(choices)
    return services.plan_contact_export(source, **options)


def _rows(export) -> list[list]:
    return [row for chunk in services.table_chunks(export) for row in chunk]


def test_consent_summary_counts_who_a_mailing_leaves_out_and_why(network):
    summary = services.consent_summary(services.source_from_filters({}))
    assert (summary.total, summary.do_not_contact, summary.no_consent) == (8, 1, 2)
    assert (summary.left_out, summary.mailing_total) == (3, 5)
    kz = services.consent_summary(services.source_from_filters({"country": "KZ"}))
    assert (kz.total, kz.do_not_contact, kz.no_consent) == (4, 1, 1)


def test_a_mailing_export_leaves_out_do_not_contact_and_unconsented_people(network):
    export = _plan(services.source_from_filters({}), preset="mailing")
    names = {row[0] for row in _rows(export)}
    assert names == {
        "Айгерим Нургалиева",
        "Bolat Seitkali",
        "Нурлан Абдыкеримов",
        "Somchai Prasert",
        "Гулшан Юсупова",
    }
    assert services.count_export_rows(export) == 5


def test_only_a_full_record_for_someone_allowed_includes_everyone(network):
    source = services.source_from_filters({})
    everyone = _plan(source, preset="full", column_keys=list(PRESETS["full"]))
    assert not everyone.consent_rules and len(_rows(everyone)) == 8
    refused = _plan(source, preset="full", column_keys=list(PRESETS["full"]), may_include_everyone=False)
    assert refused.consent_rules and len(_rows(refused)) == 5


def test_sensitive_columns_need_both_the_tick_and_the_permission(network):
    source = services.source_from_filters({})
    keys = [*PRESETS["full"], "lived_experience", "sensitive_notes"]  # posted by hand: dropped
    plain = _plan(source, preset="full", column_keys=keys)
    assert "Lived experience" not in plain.header and "Sensitive notes" not in plain.header
    not_allowed = _plan(source, preset="full", include_sensitive=True, may_include_sensitive=False)
    assert not not_allowed.include_sensitive and "Sensitive notes" not in not_allowed.header
    ticked = _plan(source, preset="full", column_keys=list(PRESETS["full"]), include_sensitive=True)
    assert ticked.header[-2:] == ["Lived experience", "Sensitive notes"]
    secret = next(row for row in _rows(ticked) if row[0] == "Гулшан Юсупова")
    assert secret[-2:] == ["yes", "Stateless until 2019"]


def test_plan_refuses_what_cannot_be_written(network):
    source = services.source_from_filters({})
    with pytest.raises(ExportError) as error:
        _plan(source, file_format="vcf", include_sensitive=True)
    assert error.value.field == "include_sensitive"
    with pytest.raises(ExportError) as error:
        _plan(source, column_keys=["nonsense"])
    assert error.value.field == "columns"
    with pytest.raises(ExportError):
        _plan(source, file_format="pdf")
    vcard = _plan(source, file_format="vcf", column_keys=["email"])
    assert vcard.header == ["Full name", "E-mail"]  # a card always has its name


def test_values_follow_the_shared_column_spec(network, staff):
    export = _plan(
        services.source_from_filters({"country": "KG"}), preset="full", column_keys=list(PRESETS["full"])
    )
    (row,) = _rows(export)
    values = dict(zip(export.header, row, strict=True))
    assert values["Full name"] == "Нурлан Абдыкеримов"
    assert values["Name (Latin)"] == "Nurlan Abdykerimov"
    assert values["Country"] == "KG"
    assert values["Organisation"] == "Бишкекский правовой центр" and values["Position"] == "Юрист"
    assert values["Tags"] == "legal aid"
    assert values["Consent to contact"] == "yes" and values["Do not contact"] == "no"
    assert values["Stakeholder type"] == StakeholderType.OTHER.value
    assert values["Owner"] == staff.email


def test_several_affiliations_and_tags_are_joined_in_the_same_order(
    network, staff, make_organisation, make_tag
):
    second = make_organisation(name="Almaty Legal Clinic")
    add_affiliation(network.aigerim, second, "Director", actor=staff)
    add_affiliation(network.aigerim, network.ngo, "", actor=staff)
    network.aigerim.tags = [network.legal, make_tag("advocacy")]
    export = _plan(
        services.source_from_filters({"q": "Айгерим"}), column_keys=["organisations", "positions", "tags"]
    )
    assert _rows(export) == [
        ["Almaty Legal Clinic; Бишкекский правовой центр", "Director; ", "advocacy; legal aid"]
    ]


def test_a_static_list_and_a_smart_list_export_their_people(network, staff):
    from crm.lists.services import add_members, create_list

    static = create_list("Board", actor=staff)
    add_members(static, [network.aigerim.id, network.dnc.id], actor=staff)
    smart = create_list("Kyrgyzstan", actor=staff, kind="smart", filters={"country": "KG"})
    rows = _rows(_plan(services.source_from_list(static), preset="full", column_keys=["full_name"]))
    assert rows == [["Айгерим Нургалиева"], ["Дина Омарова"]]  # by Latin name, as the list page
    assert _rows(_plan(services.source_from_list(static), column_keys=["full_name"])) == [
        ["Айгерим Нургалиева"]
    ]
    assert _rows(_plan(services.source_from_list(smart), column_keys=["full_name"])) == [
        ["Нурлан Абдыкеримов"]
    ]


def test_an_export_of_5000_contacts_reads_them_in_chunks(db, staff, make_tag, count_statements):
    tag = make_tag("webinar 2026")
    rows = [
        {
            "full_name": f"Контакт {n:05d}",
            "name_latin": f"Kontakt {n:05d}",
            "email": f"c{n}@example.org",
            "country_code": "KZ",
            "consent_to_contact": True,
            "stakeholder_type": StakeholderType.OTHER,
        }
        for n in range(5000)
    ]
    db.session.execute(insert(Contact), rows)
    ids = db.session.scalars(db.select(Contact.id).where(Contact.full_name.like("Контакт %"))).all()
    db.session.execute(insert(contact_tags), [{"contact_id": cid, "tag_id": tag.id} for cid in ids[::7]])
    db.session.flush()
    export = _plan(services.source_from_filters({}), preset="full", column_keys=list(PRESETS["full"]))
    with count_statements() as statements:
        chunks = list(services.table_chunks(export))
    assert sum(len(chunk) for chunk in chunks) == 5000
    assert max(len(chunk) for chunk in chunks) <= services.CHUNK_SIZE
    # One statement for all the rows: organisations and tags are joined into their cells by the database.
    assert len(statements) == 1, statements
    assert chunks[0][0][0] == "Контакт 00000" and chunks[-1][-1][0] == "Контакт 04999"
