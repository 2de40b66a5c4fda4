"""Boards in the browser's terms: who may see them, moving cards, bulk reassign, statement counts."""

from datetime import date, timedelta

from sqlalchemy import select

from crm.models import AuditEntry
from crm.models.enums import InquiryStatus, MembershipStatus, ThreadKind, ThreadStage
from tests.helpers import submit


def test_boards_are_for_coordinators(client, staff, viewer, login):
    for user in (staff, viewer):
        login(user)
        for url in ("/pipeline/inquiries", "/pipeline/threads", "/pipeline/membership"):
            assert client.get(url).status_code == 403
        assert "Pipelines" not in client.get("/").get_data(as_text=True)
        client.post("/logout")


def test_thread_board_with_kind_switch_and_cards(client, coordinator, login, make_thread):
    make_thread(
        title="Консультация по закону",
        next_action="Позвонить",
        next_action_due=date.today() - timedelta(days=3),
    )
    make_thread(kind=ThreadKind.JOINT_INITIATIVE, title="Joint campaign")
    login(coordinator)
    page = client.get("/pipeline/threads").get_data(as_text=True)
    assert "Консультация по закону" in page and "Joint campaign" not in page
    assert "Overdue" in page and "3 days overdue" in page and "Позвонить" in page
    joint = client.get("/pipeline/threads?kind=joint_initiative").get_data(as_text=True)
    assert "Joint campaign" in joint and "Exploring" in joint
    assert client.get("/pipeline/threads?kind=nonsense").status_code == 200


def test_move_a_card_through_the_rendered_form(db, client, coordinator, login, make_thread):
    thread = make_thread(title="Move me")
    login(coordinator)
    url = "/pipeline/threads?owner=&kind=consultation"
    response = submit(client, url, f"/pipeline/threads/{thread.id}/move", to="scheduled")
    assert response.status_code == 302 and response.headers["Location"].startswith("/pipeline/threads")
    assert thread.stage == ThreadStage.SCHEDULED
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "stage")).one()
    assert entry.actor_id == coordinator.id and entry.entity_id == thread.id


def test_a_move_the_service_refuses_changes_nothing(db, client, coordinator, login, make_inquiry):
    inquiry = make_inquiry()
    login(coordinator)
    page = client.post(
        f"/pipeline/inquiries/{inquiry.id}/move",
        data={"to": "converted", "next": "/pipeline/inquiries"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Conversion is done on the inquiry" in page and inquiry.status == InquiryStatus.NEW
    bad = client.post(
        f"/pipeline/inquiries/{inquiry.id}/move", data={"to": "nowhere", "next": "https://evil.example"}
    )
    assert bad.headers["Location"] == "/" and inquiry.status == InquiryStatus.NEW


def test_move_an_organisation_on_the_membership_board(db, client, coordinator, login, make_organisation):
    org = make_organisation(name="Invited NGO", membership_status=MembershipStatus.INVITED)
    login(coordinator)
    submit(client, "/pipeline/membership", f"/pipeline/membership/{org.id}/move", to="applied")
    assert org.membership_status == MembershipStatus.APPLIED and org.membership_since == date.today()


def test_staff_cannot_move_or_reassign_from_boards(client, staff, login, make_thread, make_user):
    thread = make_thread()
    login(staff)
    assert client.post(f"/pipeline/threads/{thread.id}/move", data={"to": "scheduled"}).status_code == 403
    response = client.post(
        "/pipeline/reassign",
        data={"kind": "thread", "ids": [str(thread.id)], "owner_id": str(make_user().id)},
    )
    assert response.status_code == 403 and thread.stage == ThreadStage.REQUESTED and thread.owner == staff


def test_bulk_reassign_selected_cards(db, client, coordinator, login, make_thread, make_user):
    one, two, three = (make_thread(title=f"T{i}") for i in range(3))
    owner = make_user(name="Бахыт")
    login(coordinator)
    response = client.post(
        "/pipeline/reassign",
        data={
            "kind": "thread",
            "ids": [str(one.id), str(two.id)],
            "owner_id": str(owner.id),
            "next": "/pipeline/threads",
        },
        follow_redirects=True,
    )
    assert "2 reassigned to Бахыт" in response.get_data(as_text=True)
    assert one.owner == owner and two.owner == owner and three.owner != owner
    nothing = client.post(
        "/pipeline/reassign", data={"kind": "thread", "owner_id": str(owner.id)}, follow_redirects=True
    )
    assert "Select at least one" in nothing.get_data(as_text=True)


def test_the_board_renders_the_bulk_form_and_checkboxes_that_belong_to_it(
    client, coordinator, login, make_thread
):
    thread = make_thread()
    login(coordinator)
    page = client.get("/pipeline/threads").get_data(as_text=True)
    assert 'id="bulk-form"' in page
    assert f'name="ids" value="{thread.id}" form="bulk-form"' in page


def test_board_statement_count_does_not_grow_with_cards(
    db, client, coordinator, login, make_thread, make_inquiry, make_organisation, count_statements
):
    from crm.models import Country

    login(coordinator)
    kz = db.session.get(Country, "KZ")

    def statements(url):
        db.session.expire_all()
        with count_statements() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    make_thread(countries=[kz], organisations=[make_organisation(name="Org A")])
    make_inquiry()
    make_organisation(name="Member A", membership_status=MembershipStatus.MEMBER)
    urls = ["/pipeline/threads", "/pipeline/inquiries", "/pipeline/membership"]
    before = [statements(u) for u in urls]
    for i in range(8):
        make_thread(title=f"T{i}", countries=[kz], organisations=[make_organisation(name=f"Org {i}")])
        make_inquiry(sender_name=f"S{i}")
        make_organisation(name=f"Member {i}", membership_status=MembershipStatus.PROSPECT)
    assert [statements(u) for u in urls] == before


def test_bulk_reassign_from_list_rows(
    client, coordinator, staff, login, make_thread, make_inquiry, make_user
):
    thread = make_thread()
    inquiry = make_inquiry()
    owner = make_user(name="Owner From List")
    login(staff)
    assert 'id="bulk-form"' not in client.get("/threads").get_data(as_text=True)
    client.post("/logout")
    login(coordinator)
    submit(client, "/threads", "/pipeline/reassign", ids=str(thread.id), owner_id=str(owner.id))
    assert thread.owner == owner
    submit(client, "/inquiries", "/pipeline/reassign", ids=str(inquiry.id), owner_id=str(owner.id))
    assert inquiry.assignee == owner


def test_a_full_column_links_to_the_whole_list(client, coordinator, login, make_thread, monkeypatch):
    from crm.pipeline import services

    monkeypatch.setattr(services, "CARD_LIMIT", 1)
    make_thread(title="A")
    make_thread(title="B")
    login(coordinator)
    page = client.get("/pipeline/threads").get_data(as_text=True)
    assert "Showing 1 of 2." in page and 'href="/threads?stage=requested&amp;kind=consultation"' in page


def test_board_filters_change_the_counts_and_follow_into_the_list(
    client, coordinator, login, make_thread, make_user, monkeypatch
):
    from crm.pipeline import services

    monkeypatch.setattr(services, "CARD_LIMIT", 1)
    owner = make_user(name="Filtered Owner")
    make_thread(title="Theirs A", owner=owner)
    make_thread(title="Theirs B", owner=owner)
    make_thread(title="Someone else's")
    login(coordinator)
    everyone = client.get("/pipeline/threads").get_data(as_text=True)
    theirs = client.get(f"/pipeline/threads?owner={owner.id}").get_data(as_text=True)
    assert "Showing 1 of 3." in everyone and "Showing 1 of 2." in theirs
    assert f'href="/threads?stage=requested&amp;owner={owner.id}&amp;kind=consultation"' in theirs
    assert "no interaction for 14 days" in theirs
    assert "no change for 14 days" in client.get("/pipeline/inquiries").get_data(as_text=True)
