"""Two merges of the same record at once, on PostgreSQL: the second waits for the first, then is refused."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import delete, select

from crm.duplicates.merge import MergeError, merge_contacts
from crm.extensions import db
from crm.models import AuditEntry, Contact, User
from crm.models.enums import Role


@pytest.fixture
def committed(app):
    """Three contacts and a user committed for real (other connections must see them); removed after."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs two connections to one database: PostgreSQL")
    with app.app_context():
        user = User(email="concurrent-merge@example.org", name="C", role=Role.STAFF, password_hash="x")
        contacts = [Contact(full_name=f"Person {n}", email=f"p{n}@example.org") for n in range(3)]
        db.session.add_all([user, *contacts])
        db.session.commit()
        ids = (user.id, *[c.id for c in contacts])
    yield ids
    with app.app_context():
        db.session.execute(delete(AuditEntry).where(AuditEntry.actor_id == ids[0]))
        db.session.execute(
            Contact.__table__.update().where(Contact.id.in_(ids[1:])).values(merged_into_id=None)
        )
        db.session.execute(delete(Contact).where(Contact.id.in_(ids[1:])))
        db.session.execute(delete(User).where(User.id == ids[0]))
        db.session.commit()


def test_two_merges_of_one_loser_cannot_both_succeed(app, committed):
    user_id, first, loser, other = committed
    outcome: dict[str, object] = {}

    def second_merge() -> None:
        with app.app_context():
            actor = db.session.get(User, user_id)
            try:
                merge_contacts(db.session.get(Contact, other), db.session.get(Contact, loser), {}, actor=actor,
                               may_see_sensitive=True)  # fmt: skip
                db.session.commit()
                outcome["second"] = "merged"
            except MergeError as error:
                db.session.rollback()
                outcome["second"] = str(error)

    with app.app_context():
        actor = db.session.get(User, user_id)
        merge_contacts(db.session.get(Contact, first), db.session.get(Contact, loser), {}, actor=actor,
                       may_see_sensitive=True)  # fmt: skip
        racer = threading.Thread(target=second_merge)
        racer.start()
        time.sleep(1.0)  # the second merge is now waiting for the loser's row
        assert racer.is_alive()
        db.session.commit()
        racer.join(timeout=30)
        assert outcome["second"] == (
            f"#{loser} was changed, merged or deleted by someone else meanwhile: reload and try again."
        )
        db.session.expire_all()
        assert db.session.get(Contact, loser).merged_into_id == first
        assert db.session.get(Contact, other).merged_into_id is None
        merges = db.session.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "merge")).all()
        assert merges == [first]
