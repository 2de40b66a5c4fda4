"""All models, importable from one place."""

from crm.models.audit import AuditEntry
from crm.models.contact import Affiliation, Contact, contact_tags
from crm.models.contact_list import ContactList, contact_list_members
from crm.models.duplicate import DuplicatePair, NotDuplicate
from crm.models.event import Event, event_partners
from crm.models.imports import ImportBatch, ImportMapping
from crm.models.inquiry import Inquiry, inquiry_topics
from crm.models.login_attempt import LoginAttempt
from crm.models.organisation import Organisation
from crm.models.privacy import ConsentRecord
from crm.models.reference import Country, Tag, Topic
from crm.models.thread import (
    Interaction,
    Material,
    Thread,
    interaction_contacts,
    interaction_materials,
    thread_contacts,
    thread_countries,
    thread_organisations,
)
from crm.models.user import User

__all__ = [
    "Affiliation",
    "AuditEntry",
    "Contact",
    "ConsentRecord",
    "ContactList",
    "Country",
    "DuplicatePair",
    "Event",
    "ImportBatch",
    "ImportMapping",
    "Inquiry",
    "Interaction",
    "LoginAttempt",
    "Material",
    "NotDuplicate",
    "Organisation",
    "Tag",
    "Thread",
    "Topic",
    "User",
    "contact_list_members",
    "contact_tags",
    "event_partners",
    "inquiry_topics",
    "interaction_contacts",
    "interaction_materials",
    "thread_contacts",
    "thread_countries",
    "thread_organisations",
]
