"""Every filter and every sort of every list page reads an index, never every row of a big table (SQLite).

The pages are requested as a user would, one filter or one sort at a time, and the plan of each
SELECT they run is read. SQLite has no statistics here, so what the plan shows is what 100,000
rows get. Small reference tables (countries, users, tags, topics, events) may be read whole.
"""

from __future__ import annotations

import re

import pytest

from crm.contacts.services import CONTACT_FILTERS, CONTACT_SORTS
from crm.inquiries.services import INQUIRY_FILTERS, inquiry_sorts
from crm.models.enums import (
    InquiryChannel,
    InquiryStatus,
    MembershipStatus,
    OrganisationKind,
    StakeholderType,
    ThreadKind,
    ThreadStage,
)
from crm.organisations.services import ORGANISATION_FILTERS, ORGANISATION_SORTS
from crm.threads.services import THREAD_FILTERS, thread_sorts
from tests.perf.test_query_plans import plans  # noqa: F401 - the fixture

BIG = {
    "contacts",
    "organisations",
    "affiliations",
    "inquiries",
    "threads",
    "interactions",
    "thread_contacts",
    "thread_organisations",
    "interaction_contacts",
    "contact_tags",
    "contact_list_members",
    "audit_log",
    "import_batches",
}


def _values(network) -> dict[str, str]:
    """A value for each filter that matches something."""
    return {
        "q": "Nurg",
        "country": "KZ",
        "region": "143",
        "owner": str(network["owner"].id),
        "stakeholder_type": StakeholderType.NGO_STAFF.value,
        "tag": str(network["tag"].id),
        "organisation": str(network["organisation"].id),
        "membership": MembershipStatus.INVITED.value,
        "event": str(network["event"].id),
        "status": InquiryStatus.NEW.value,
        "channel": InquiryChannel.EMAIL.value,
        "topic": str(network["topic"].id),
        "unassigned": "1",
        "unanswered": "1",
        "stage": ThreadStage.REQUESTED.value,
        "overdue": "1",
        "open": "1",
    }


LISTS = [
    ("/contacts", CONTACT_FILTERS, CONTACT_SORTS),
    ("/organisations", ORGANISATION_FILTERS, ORGANISATION_SORTS),
    ("/inquiries", INQUIRY_FILTERS, inquiry_sorts()),
    ("/threads", THREAD_FILTERS, thread_sorts()),
]
# "Open threads" keeps most of them: the page walks the index of its order and stops after one
# page (`stage IN (…)` through the stage index read them all and sorted them: 20 ms became 44 at
# 40,000 threads); its total counts every thread, as the unfiltered list's does.
WHOLE_TOTAL = {"/threads?open=1"}
KIND = {"/organisations": OrganisationKind.NGO.value, "/threads": ThreadKind.CONSULTATION.value}


def _read_whole(sql: str, plan: str, filtered: bool) -> list[str]:
    """The tables a statement reads every row of: a plain SCAN; and, in a filtered list's
    statements without a LIMIT to stop them (its total), a SCAN through an index too. With a LIMIT,
    walking an index in the order shown stops after one page; an unfiltered total counts every row."""
    if not filtered or re.search(r"\bLIMIT\b", sql, re.IGNORECASE):
        return re.findall(r"(?:^|/ )SCAN (\w+)(?= /|$)", plan)
    return re.findall(r"(?:^|/ )SCAN (\w+)\b", plan)


@pytest.fixture
def network(db, staff, make_contact, make_organisation, make_inquiry, make_thread, make_event, make_tag):
    from crm.models import Topic

    topic = Topic(name="Birth registration")
    db.session.add(topic)
    tag = make_tag("Webinar")
    organisation = make_organisation()
    event = make_event()
    contact = make_contact(tags=[tag])
    make_inquiry(event_id=event.id)
    make_thread(contacts=[contact], organisations=[organisation])
    db.session.flush()
    return {"owner": staff, "tag": tag, "organisation": organisation, "event": event, "topic": topic}


@pytest.mark.parametrize(("path", "filters", "sorts"), LISTS, ids=[path for path, _f, _s in LISTS])
def test_every_filter_and_sort_reads_an_index(client, login, admin, plans, network, path, filters, sorts):  # noqa: F811
    login(admin)
    values = {**_values(network), "kind": KIND.get(path, "")}
    urls = [f"{path}?{name}={values[name]}" for name in filters]
    queries = [(url, url not in WHOLE_TOTAL) for url in urls]
    queries += [(f"{path}?sort={key}", False) for key in sorts] + [
        (f"{path}?sort=-{key}", False) for key in sorts
    ]
    scans = {}
    for url, filtered in queries:
        with plans() as found:
            assert client.get(url).status_code == 200, url
        whole = sorted(
            {table for sql, plan in found for table in _read_whole(sql, plan, filtered) if table in BIG}
        )
        if whole:
            scans[url] = whole
    assert scans == {}
