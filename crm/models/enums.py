"""The closed vocabularies of the domain, with their translatable labels."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from crm.translations import lazy_gettext as _l


class LabelledEnum(StrEnum):
    """A string enum whose members carry a human label (see LABELS)."""

    @property
    def label(self) -> Any:
        """The translatable (lazy) label; rendered in the user's language."""
        return LABELS.get(self, self.value)

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        return [(member.value, member.label) for member in cls]


class Role(LabelledEnum):
    VIEWER = "viewer"
    STAFF = "staff"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class EventFormat(LabelledEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"


class OrganisationKind(LabelledEnum):
    NGO = "ngo"
    UN_AGENCY = "un_agency"
    INTERGOVERNMENTAL = "intergovernmental"
    GOVERNMENT = "government"
    ACADEMIC = "academic"
    NETWORK = "network"
    MEDIA = "media"
    DONOR = "donor"
    OTHER = "other"


class MembershipStatus(LabelledEnum):
    NONE = "none"
    PROSPECT = "prospect"
    INVITED = "invited"
    APPLIED = "applied"
    MEMBER = "member"
    FORMER = "former"


class StakeholderType(LabelledEnum):
    # Lived experience of statelessness is special-category data: it is the sensitive
    # Contact.lived_experience attribute, never a visible, exportable stakeholder type.
    NGO_STAFF = "ngo_staff"
    RESEARCHER = "researcher"
    ACTIVIST = "activist"
    UN_STAFF = "un_staff"
    GOVERNMENT = "government"
    LAWYER = "lawyer"
    JOURNALIST = "journalist"
    DONOR = "donor"
    OTHER = "other"


class InquiryChannel(LabelledEnum):
    EMAIL = "email"
    WEBINAR_QA = "webinar_qa"
    REGISTRATION_FORM = "registration_form"
    WEB_FORM = "web_form"
    PHONE = "phone"
    OTHER = "other"


class InquiryStatus(LabelledEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    RESPONDED = "responded"
    CONVERTED = "converted"
    CLOSED = "closed"


class ThreadKind(LabelledEnum):
    CONSULTATION = "consultation"
    MATERIAL_EXCHANGE = "material_exchange"
    JOINT_INITIATIVE = "joint_initiative"


class ThreadStage(LabelledEnum):
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    FOLLOW_UP = "follow_up"
    PREPARING = "preparing"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    EXPLORING = "exploring"
    PLANNING = "planning"
    ACTIVE = "active"
    REPORTING = "reporting"
    COMPLETED = "completed"
    DROPPED = "dropped"

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STAGES


CLOSED_STAGES = frozenset({ThreadStage.COMPLETED, ThreadStage.DROPPED})

# Each kind of thread moves through its own pipeline; the last two stages close it.
STAGES_BY_KIND: dict[ThreadKind, tuple[ThreadStage, ...]] = {
    ThreadKind.CONSULTATION: (
        ThreadStage.REQUESTED,
        ThreadStage.SCHEDULED,
        ThreadStage.IN_PROGRESS,
        ThreadStage.FOLLOW_UP,
        ThreadStage.COMPLETED,
        ThreadStage.DROPPED,
    ),
    ThreadKind.MATERIAL_EXCHANGE: (
        ThreadStage.REQUESTED,
        ThreadStage.PREPARING,
        ThreadStage.SENT,
        ThreadStage.ACKNOWLEDGED,
        ThreadStage.COMPLETED,
        ThreadStage.DROPPED,
    ),
    ThreadKind.JOINT_INITIATIVE: (
        ThreadStage.EXPLORING,
        ThreadStage.PLANNING,
        ThreadStage.ACTIVE,
        ThreadStage.REPORTING,
        ThreadStage.COMPLETED,
        ThreadStage.DROPPED,
    ),
}


class InteractionKind(LabelledEnum):
    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    NOTE = "note"
    MATERIAL_SENT = "material_sent"
    MATERIAL_RECEIVED = "material_received"


class ConsentPurpose(LabelledEnum):
    """What a person may agree to; the first two are mirrored on Contact.consent_to_contact/_share."""

    CONTACT = "contact"
    SHARE = "share"
    KEEP_SENSITIVE = "keep_sensitive"


LABELS = {
    Role.VIEWER: _l("Viewer"),
    Role.STAFF: _l("Staff"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Admin"),
    EventFormat.ONLINE: _l("Online"),
    EventFormat.IN_PERSON: _l("In person"),
    EventFormat.HYBRID: _l("Hybrid"),
    OrganisationKind.NGO: _l("NGO / CSO"),
    OrganisationKind.UN_AGENCY: _l("UN agency"),
    OrganisationKind.INTERGOVERNMENTAL: _l("Intergovernmental"),
    OrganisationKind.GOVERNMENT: _l("Government"),
    OrganisationKind.ACADEMIC: _l("Academic / research"),
    OrganisationKind.NETWORK: _l("Network / coalition"),
    OrganisationKind.MEDIA: _l("Media"),
    OrganisationKind.DONOR: _l("Donor"),
    OrganisationKind.OTHER: _l("Other"),
    MembershipStatus.NONE: _l("Not a member"),
    MembershipStatus.PROSPECT: _l("Prospect"),
    MembershipStatus.INVITED: _l("Invited"),
    MembershipStatus.APPLIED: _l("Applied"),
    MembershipStatus.MEMBER: _l("Member"),
    MembershipStatus.FORMER: _l("Former member"),
    StakeholderType.NGO_STAFF: _l("NGO staff"),
    StakeholderType.RESEARCHER: _l("Researcher"),
    StakeholderType.ACTIVIST: _l("Activist"),
    StakeholderType.UN_STAFF: _l("UN staff"),
    StakeholderType.GOVERNMENT: _l("Government official"),
    StakeholderType.LAWYER: _l("Lawyer"),
    StakeholderType.JOURNALIST: _l("Journalist"),
    StakeholderType.DONOR: _l("Donor"),
    StakeholderType.OTHER: _l("Other"),
    InquiryChannel.EMAIL: _l("E-mail"),
    InquiryChannel.WEBINAR_QA: _l("Webinar Q&A / chat"),
    InquiryChannel.REGISTRATION_FORM: _l("Registration form"),
    InquiryChannel.WEB_FORM: _l("Web form"),
    InquiryChannel.PHONE: _l("Phone"),
    InquiryChannel.OTHER: _l("Other"),
    InquiryStatus.NEW: _l("New"),
    InquiryStatus.ASSIGNED: _l("Assigned"),
    InquiryStatus.RESPONDED: _l("Responded"),
    InquiryStatus.CONVERTED: _l("Converted"),
    InquiryStatus.CLOSED: _l("Closed"),
    ThreadKind.CONSULTATION: _l("Consultation"),
    ThreadKind.MATERIAL_EXCHANGE: _l("Material exchange"),
    ThreadKind.JOINT_INITIATIVE: _l("Joint initiative"),
    ThreadStage.REQUESTED: _l("Requested"),
    ThreadStage.SCHEDULED: _l("Scheduled"),
    ThreadStage.IN_PROGRESS: _l("In progress"),
    ThreadStage.FOLLOW_UP: _l("Follow-up"),
    ThreadStage.PREPARING: _l("Preparing"),
    ThreadStage.SENT: _l("Sent"),
    ThreadStage.ACKNOWLEDGED: _l("Acknowledged"),
    ThreadStage.EXPLORING: _l("Exploring"),
    ThreadStage.PLANNING: _l("Planning"),
    ThreadStage.ACTIVE: _l("Active"),
    ThreadStage.REPORTING: _l("Reporting"),
    ThreadStage.COMPLETED: _l("Completed"),
    ThreadStage.DROPPED: _l("Dropped"),
    InteractionKind.EMAIL: _l("E-mail"),
    InteractionKind.CALL: _l("Call"),
    InteractionKind.MEETING: _l("Meeting"),
    InteractionKind.NOTE: _l("Note"),
    InteractionKind.MATERIAL_SENT: _l("Material sent"),
    InteractionKind.MATERIAL_RECEIVED: _l("Material received"),
    ConsentPurpose.CONTACT: _l("Be contacted by e-mail or phone"),
    ConsentPurpose.SHARE: _l("Be shared with partners in network lists"),
    ConsentPurpose.KEEP_SENSITIVE: _l("Keep lived-experience data"),
}
