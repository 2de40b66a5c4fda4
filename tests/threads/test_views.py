"""Thread pages: interactions, stage, next action, owner."""

from datetime import date, timedelta

from crm.models.enums import ThreadKind, ThreadStage


def test_record_an_interaction_with_a_next_action(client, staff, login, make_thread):
    thread = make_thread()
    login(staff)
    due = (date.today() + timedelta(days=5)).isoformat()
    response = client.post(
        f"/threads/{thread.id}/interactions",
        data={
            "kind": "call",
            "summary": "Спокойный разговор о проекте закона",
            "next_action": "Send comments on the draft",
            "next_action_due": due,
        },
    )
    assert response.status_code == 302
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Спокойный разговор о проекте закона" in page and "Send comments on the draft" in page
    assert thread.next_action_due == date.today() + timedelta(days=5)


def test_interaction_errors_are_shown_next_to_the_field(client, staff, login, make_thread):
    thread = make_thread()
    login(staff)
    response = client.post(f"/threads/{thread.id}/interactions", data={"kind": "call", "summary": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="summary-error"' in page
    assert thread.interactions == []


def test_change_stage_and_refuse_a_foreign_stage(client, staff, login, make_thread):
    thread = make_thread(kind=ThreadKind.MATERIAL_EXCHANGE)
    login(staff)
    client.post(f"/threads/{thread.id}/stage", data={"stage-stage": "sent", "stage-outcome": ""})
    assert thread.stage == ThreadStage.SENT
    response = client.post(f"/threads/{thread.id}/stage", data={"stage-stage": "planning"})
    assert response.status_code == 200 and 'id="stage-stage-error"' in response.get_data(as_text=True)
    assert thread.stage == ThreadStage.SENT


def test_only_coordinators_reassign(client, staff, coordinator, login, make_thread, make_user):
    thread = make_thread()
    other = make_user()
    login(staff)
    assert "Reassign" not in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert (
        client.post(f"/threads/{thread.id}/owner", data={"owner-owner_id": str(other.id)}).status_code == 403
    )
    assert thread.owner == staff
    client.post("/logout")
    login(coordinator)
    client.post(f"/threads/{thread.id}/owner", data={"owner-owner_id": str(other.id)})
    assert thread.owner == other


def test_viewer_sees_no_forms_and_cannot_post(client, viewer, login, make_thread):
    thread = make_thread()
    login(viewer)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Record an interaction" not in page and "Change stage" not in page
    assert (
        client.post(f"/threads/{thread.id}/interactions", data={"kind": "call", "summary": "x"}).status_code
        == 403
    )
    assert thread.interactions == []


def test_open_a_thread_with_a_contact(db, client, staff, login, make_contact):
    contact = make_contact()
    login(staff)
    response = client.post(
        f"/threads/new?contact={contact.id}",
        data={"kind": "consultation", "title": "Advice on documentation"},
    )
    assert response.status_code == 302
    from sqlalchemy import select

    from crm.models import Thread

    thread = db.session.scalar(select(Thread).where(Thread.title == "Advice on documentation"))
    assert thread.contacts == [contact] and [c.alpha2 for c in thread.countries] == ["KZ"]


def test_list_and_detail_statement_counts_do_not_grow_with_rows(
    db, client, staff, login, make_thread, make_contact, make_organisation, count_statements
):
    from crm.models import Country
    from crm.models.enums import InteractionKind
    from crm.threads.services import add_interaction

    login(staff)
    kz = db.session.get(Country, "KZ")

    def statements(url):
        db.session.expire_all()
        with count_statements() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    first = make_thread(countries=[kz], contacts=[make_contact()], organisations=[make_organisation()])
    add_interaction(first, InteractionKind.EMAIL, "one", actor=staff)
    few_list, few_detail = statements("/threads"), statements(f"/threads/{first.id}")
    for i in range(9):
        make_thread(title=f"T{i}", countries=[kz], organisations=[make_organisation(name=f"Org {i}")])
        first.contacts.append(make_contact(full_name=f"Person {i}", email=f"p{i}@example.org"))
        add_interaction(first, InteractionKind.CALL, f"call {i}", actor=staff, contacts=list(first.contacts))
    assert statements("/threads") == few_list
    assert statements(f"/threads/{first.id}") == few_detail


def test_the_rendered_next_action_form_saves_the_next_action(client, staff, login, make_thread):
    from tests.helpers import submit

    thread = make_thread(next_action="Old action", next_action_due=date.today())
    login(staff)
    due = (date.today() + timedelta(days=7)).isoformat()
    url = f"/threads/{thread.id}"
    response = submit(
        client, url, f"{url}/next-action", **{"na-next_action": "Send the report", "na-next_action_due": due}
    )
    assert response.status_code == 302
    assert thread.next_action == "Send the report" and thread.next_action_due == date.today() + timedelta(
        days=7
    )
    page = client.get(url).get_data(as_text=True)
    assert page.count('id="na-next_action"') == 1 and page.count('id="next_action"') == 1  # no duplicate ids


def test_the_rendered_forms_on_a_thread_post_what_their_views_read(client, staff, login, make_thread):
    from tests.helpers import submit

    thread = make_thread(kind=ThreadKind.CONSULTATION)
    login(staff)
    url = f"/threads/{thread.id}"
    assert submit(client, url, f"{url}/stage", **{"stage-stage": "scheduled"}).status_code == 302
    assert thread.stage == ThreadStage.SCHEDULED
    submit(client, url, f"{url}/stage", **{"stage-outcome": "Agreed to meet in Bishkek"})
    assert thread.stage == ThreadStage.SCHEDULED and thread.outcome == "Agreed to meet in Bishkek"
    submit(client, url, f"{url}/edit", **{"edit-title": "Consultation on the amnesty law"})
    assert thread.title == "Consultation on the amnesty law"
    submit(client, url, f"{url}/interactions", summary="Called to confirm the date")
    assert [i.summary for i in thread.interactions] == ["Called to confirm the date"]
    assert thread.stage == ThreadStage.SCHEDULED


def test_the_rendered_owner_form_reassigns(client, coordinator, login, make_thread, make_user):
    from tests.helpers import submit

    thread = make_thread()
    other = make_user(name="Another Owner")
    login(coordinator)
    url = f"/threads/{thread.id}"
    submit(client, url, f"{url}/owner", **{"owner-owner_id": str(other.id)})
    assert thread.owner == other


def test_open_a_thread_later_from_a_converted_inquiry(db, client, staff, login, make_inquiry):
    from crm.inquiries.services import convert_inquiry
    from crm.models import Thread
    from crm.models.base import utcnow
    from crm.models.enums import InteractionKind
    from crm.threads.services import add_interaction

    inquiry = make_inquiry()
    convert_inquiry(inquiry, actor=staff)  # "no thread for now"
    login(staff)
    assert "Open a thread from this inquiry" in client.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    response = client.post(
        f"/threads/new?inquiry={inquiry.id}",
        data={"kind": "material_exchange", "title": "Send the amnesty report"},
    )
    assert response.status_code == 302
    thread = inquiry.threads[0]
    assert isinstance(thread, Thread) and thread.contacts == [inquiry.contact]
    assert [c.alpha2 for c in thread.countries] == ["KZ"]
    add_interaction(thread, InteractionKind.MATERIAL_SENT, "Sent the report", actor=staff)
    assert inquiry.first_response_at is not None  # answered on the thread opened later
    assert inquiry.first_response_at <= utcnow()


def test_logging_a_call_with_an_empty_next_action_clears_the_reminder(client, staff, login, make_thread):
    from tests.helpers import submit

    thread = make_thread(next_action="Call back", next_action_due=date.today() - timedelta(days=1))
    login(staff)
    url = f"/threads/{thread.id}"
    assert "Current next action" in client.get(url).get_data(as_text=True)
    submit(client, url, f"{url}/interactions", kind="call", summary="Called back")
    assert thread.next_action == "" and thread.next_action_due is None
    submit(
        client,
        url,
        f"{url}/interactions",
        kind="email",
        summary="Sent notes",
        next_action="Send the report",
        next_action_due=(date.today() + timedelta(days=3)).isoformat(),
    )
    assert thread.next_action == "Send the report"


def test_sorted_by_due_date_threads_with_no_next_action_come_last_both_ways(
    client, staff, login, make_thread
):
    today = date.today()
    make_thread(title="Undated", next_action="", next_action_due=None)
    make_thread(title="Due later", next_action="Call", next_action_due=today + timedelta(days=9))
    make_thread(title="Due soon", next_action="Call", next_action_due=today + timedelta(days=1))
    login(staff)
    for sort, dated in (("due", ["Due soon", "Due later"]), ("-due", ["Due later", "Due soon"])):
        page = client.get(f"/threads?sort={sort}").get_data(as_text=True)
        order = sorted(["Undated", *dated], key=page.index)
        assert order == [*dated, "Undated"], sort
