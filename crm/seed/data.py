"""The raw records of the demo data set: one month after a webinar and a regional consultation.

Everything here is invented: people, organisations, e-mail addresses (all on `.example` domains),
phone numbers and documents. Dates are given relative to the day the seed runs ("days ago",
"due in N days") so that the data always has overdue and upcoming work in it.

`crm.seed.demo` turns these records into rows through the services only.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.models.enums import (
    EventFormat,
    InquiryChannel,
    InteractionKind,
    MembershipStatus,
    OrganisationKind,
    Role,
    StakeholderType,
    ThreadKind,
    ThreadStage,
)

SEED = 20240607  # the random generator only jitters minutes and "since" dates; fixed, so runs match

# --- People who use the CRM -----------------------------------------------------------------------


@dataclass(frozen=True)
class UserRecord:
    key: str
    email: str
    name: str
    role: Role


USERS = (
    UserRecord("elena", "elena.pak@network.example", "Elena Pak", Role.ADMIN),
    UserRecord("dinara", "dinara.abdullaeva@network.example", "Динара Абдуллаева", Role.COORDINATOR),
    UserRecord("azamat", "azamat.zhumabekov@network.example", "Азамат Жумабеков", Role.STAFF),
    UserRecord("nilufar", "nilufar.karimova@network.example", "Nilufar Karimova", Role.STAFF),
    UserRecord("siriporn", "siriporn.wongsakul@network.example", "Siriporn Wongsakul", Role.STAFF),
    UserRecord("rahul", "rahul.shrestha@network.example", "Rahul Shrestha", Role.VIEWER),
)

# --- Reference data ---------------------------------------------------------------------------------

TOPICS = (
    "Legal mechanisms",
    "Institutional models",
    "Coalitions",
    "Documentation campaigns",
    "Amnesties",
    "Birth registration",
    "Statelessness determination procedures",
    "Naturalisation",
    "Gender-discriminatory nationality laws",
)

TAGS = ("webinar speaker", "potential member", "media", "lawyer network", "translation volunteer")

# --- Organisations known before the webinar -----------------------------------------------------------


@dataclass(frozen=True)
class OrganisationRecord:
    key: str
    name: str
    kind: OrganisationKind
    country: str
    owner: str
    membership: MembershipStatus = MembershipStatus.NONE
    website: str = ""
    notes: str = ""


ORGANISATIONS = (
    OrganisationRecord(
        "network",
        "Right to Nationality Network — Central Asia & Asia-Pacific",
        OrganisationKind.NETWORK,
        "KG",
        "dinara",
        website="https://nationality-network.example",
        notes="Our own network (secretariat in Bishkek).",
    ),
    OrganisationRecord(
        "unhcr_ca", "UNHCR Regional Office for Central Asia", OrganisationKind.UN_AGENCY, "KZ", "azamat"
    ),
    OrganisationRecord(
        "pravo",
        "Общественный фонд «Право на гражданство»",
        OrganisationKind.NGO,
        "KG",
        "azamat",
        MembershipStatus.MEMBER,
        "https://pravo-grazhdanstvo.example",
    ),
    OrganisationRecord(
        "osh_lawyers",
        "Osh Regional Lawyers' Association",
        OrganisationKind.NGO,
        "KG",
        "azamat",
        MembershipStatus.MEMBER,
        notes="Lawyers' association; takes referrals of individual cases in the south.",
    ),
    OrganisationRecord(
        "bishkek_clinic",
        "Bishkek Youth Legal Clinic",
        OrganisationKind.NGO,
        "KG",
        "azamat",
        MembershipStatus.FORMER,
        notes="Left the network when its project funding ended.",
    ),
    OrganisationRecord(
        "tumar",
        "Центр правовой помощи «Тумар»",
        OrganisationKind.NGO,
        "KZ",
        "azamat",
        MembershipStatus.MEMBER,
        "https://tumar-law.example",
    ),
    OrganisationRecord(
        "almaty_institute",
        "Almaty Institute for Migration and Citizenship Studies",
        OrganisationKind.ACADEMIC,
        "KZ",
        "azamat",
    ),
    OrganisationRecord(
        "steppe_dispatch",
        "Steppe Dispatch",
        OrganisationKind.MEDIA,
        "KZ",
        "azamat",
        website="https://steppe-dispatch.example",
    ),
    OrganisationRecord(
        "tashkent_centre",
        "Tashkent Centre for Civil Registration Research",
        OrganisationKind.ACADEMIC,
        "UZ",
        "nilufar",
    ),
    OrganisationRecord(
        "tj_lawyers",
        "Ассоциация юристов-правозащитников Таджикистана",
        OrganisationKind.NGO,
        "TJ",
        "nilufar",
        MembershipStatus.INVITED,
        notes="Lawyers' association.",
    ),
    OrganisationRecord(
        "ashgabat",
        "Ashgabat Family Support Initiative",
        OrganisationKind.NGO,
        "TM",
        "nilufar",
        MembershipStatus.PROSPECT,
    ),
    OrganisationRecord(
        "mekong",
        "Mekong Hill Communities Legal Aid Foundation",
        OrganisationKind.NGO,
        "TH",
        "siriporn",
        MembershipStatus.MEMBER,
        "https://mekong-legal.example",
    ),
    OrganisationRecord(
        "chiang_rai",
        "Chiang Rai Birth Registration Project",
        OrganisationKind.NGO,
        "TH",
        "siriporn",
        MembershipStatus.APPLIED,
    ),
    OrganisationRecord(
        "apif",
        "Asia-Pacific Intergovernmental Forum on Civil Registration",
        OrganisationKind.INTERGOVERNMENTAL,
        "TH",
        "siriporn",
    ),
    OrganisationRecord(
        "sabah",
        "Sabah Children's Identity Coalition",
        OrganisationKind.NETWORK,
        "MY",
        "siriporn",
        MembershipStatus.INVITED,
    ),
    OrganisationRecord(
        "mindanao",
        "Mindanao Nationality and Documentation Alliance",
        OrganisationKind.NETWORK,
        "PH",
        "siriporn",
        MembershipStatus.MEMBER,
    ),
    OrganisationRecord(
        "usi",
        "University of the Southern Islands — Institute of Human Rights",
        OrganisationKind.ACADEMIC,
        "PH",
        "siriporn",
    ),
    OrganisationRecord(
        "identitas",
        "Yayasan Identitas Nusantara",
        OrganisationKind.NGO,
        "ID",
        "siriporn",
        MembershipStatus.APPLIED,
        "https://identitas.example",
    ),
    OrganisationRecord(
        "yangon",
        "Yangon Legal Clinic for Civil Documentation",
        OrganisationKind.NGO,
        "MM",
        "siriporn",
        MembershipStatus.PROSPECT,
    ),
    OrganisationRecord(
        "nagarikta",
        "Nagarikta Advocacy Centre",
        OrganisationKind.NGO,
        "NP",
        "siriporn",
        MembershipStatus.MEMBER,
    ),
    OrganisationRecord(
        "dhaka",
        "Dhaka Urban Camps Legal Support Trust",
        OrganisationKind.NGO,
        "BD",
        "nilufar",
        MembershipStatus.FORMER,
    ),
    OrganisationRecord(
        "sydney",
        "Sydney Nationality Law Research Group",
        OrganisationKind.ACADEMIC,
        "AU",
        "nilufar",
    ),
    OrganisationRecord(
        "southern_cross",
        "Southern Cross Rights Fund",
        OrganisationKind.DONOR,
        "AU",
        "dinara",
        website="https://southerncross.example",
    ),
)

# --- Events -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventRecord:
    key: str
    title: str
    days_ago: int
    format: EventFormat
    host: str
    partners: tuple[str, ...]
    description: str
    length_days: int = 1


WEBINAR_TITLE = "Webinar: Ending statelessness in Central Asia — lessons from Kyrgyzstan's amnesty"

EVENTS = (
    EventRecord(
        "webinar",
        WEBINAR_TITLE,
        35,
        EventFormat.ONLINE,
        "network",
        ("unhcr_ca", "pravo"),
        "Ninety minutes in Russian with English interpretation: how the amnesty was run, who it reached, "
        "what was left undone, and what neighbouring countries could take from it. Speakers from member "
        "organisations and UNHCR.",
    ),
    EventRecord(
        "consultation",
        "Regional consultation on birth registration in the Asia-Pacific",
        14,
        EventFormat.HYBRID,
        "network",
        ("mekong", "apif"),
        "Two half-days in Bangkok and online: late and universal birth registration, community paralegals, "
        "and a panel of people with lived experience of statelessness.",
        length_days=2,
    ),
)

# --- What came in, and what became of it ----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One interaction on a thread, in order; the first is the reply to the sender."""

    kind: InteractionKind
    summary: str
    material: tuple[str, str] | None = None  # (title, language) of a document exchanged


@dataclass(frozen=True)
class ContactDetails:
    """What staff learn about the person after the first exchange."""

    stakeholder_type: StakeholderType = StakeholderType.OTHER
    languages: str = ""
    phone: str = ""
    country_code: str = ""  # only when the country as typed could not be recognised
    consent_to_contact: bool = False
    consent_to_share: bool = False
    consent_method: str = ""
    do_not_contact: bool = False
    notes: str = ""
    tags: tuple[str, ...] = ()
    lived_experience: bool = False
    sensitive_notes: str = ""
    other_affiliation: tuple[str, str] | None = None  # (organisation key, position)


@dataclass(frozen=True)
class NewOrganisation:
    """An organisation first heard of through the inquiry, created while converting it."""

    name: str
    kind: OrganisationKind = OrganisationKind.NGO
    website: str = ""


@dataclass(frozen=True)
class Convert:
    """Convert the inquiry into a contact and open a thread, then follow it up."""

    kind: ThreadKind
    stage: ThreadStage
    title: str
    owner: str
    hours_to_reply: float
    steps: tuple[Step, ...]
    organisation: str | None = None  # key of an organisation that already exists
    new_organisation: NewOrganisation | None = None
    same_contact_as: str | None = None  # key of an earlier inquiry from the same person
    next_action: str = ""
    due_in_days: int | None = None
    last_activity_days_ago: int = 1
    outcome: str = ""
    dropped_after: ThreadStage | None = None
    membership_becomes: MembershipStatus | None = None
    contact: ContactDetails | None = None


@dataclass(frozen=True)
class FollowOn:
    """A second message from someone already converted, about a thread already open."""

    same_contact_as: str
    hours_to_reply: float
    step: Step


@dataclass(frozen=True)
class Assign:
    owner: str


@dataclass(frozen=True)
class Respond:
    """Answered straight from the mailbox; no contact or thread yet."""

    owner: str
    hours_to_reply: float


@dataclass(frozen=True)
class Close:
    reason: str


@dataclass(frozen=True)
class LeaveNew:
    pass


@dataclass(frozen=True)
class InquiryRecord:
    key: str
    days_ago: int
    hour: int  # UTC
    channel: InquiryChannel
    event: str | None
    sender_name: str
    sender_email: str
    sender_organisation: str
    sender_country: str
    message: str
    logged_by: str
    fate: Convert | FollowOn | Assign | Respond | Close | LeaveNew
    topics: tuple[str, ...] = ()
    subject: str = ""


E, CALL, MEET, NOTE, SENT, RECEIVED = (
    InteractionKind.EMAIL,
    InteractionKind.CALL,
    InteractionKind.MEETING,
    InteractionKind.NOTE,
    InteractionKind.MATERIAL_SENT,
    InteractionKind.MATERIAL_RECEIVED,
)
CONSULT, EXCHANGE, JOINT = ThreadKind.CONSULTATION, ThreadKind.MATERIAL_EXCHANGE, ThreadKind.JOINT_INITIATIVE
S = ThreadStage
RECORDING = "Recording: Ending statelessness in Central Asia — lessons from Kyrgyzstan's amnesty"
RECOMMENDATIONS = "Summary recommendations: regional consultation on birth registration"

INQUIRIES = (
    # ---- around the webinar (five weeks ago) ---------------------------------------------------------
    InquiryRecord(
        "malika",
        37,
        6,
        InquiryChannel.REGISTRATION_FORM,
        "webinar",
        "Malika Tursunova",
        "m.tursunova@tcrr.example",
        "Tashkent Centre for Civil Registration Research",
        "Uzbekistan",
        "I research how people who returned to Uzbekistan in the 1990s regained their documents. Could you "
        "send me the slides after the webinar, and the figures on how many people were confirmed as "
        "citizens under the amnesty?",
        "nilufar",
        Convert(
            EXCHANGE,
            S.COMPLETED,
            "Slides and amnesty figures for a working paper on returnees",
            "nilufar",
            hours_to_reply=58,
            organisation="tashkent_centre",
            steps=(
                Step(
                    SENT,
                    "Sent the slides (RU/EN) and the table of amnesty results by region.",
                    ("Webinar slides: lessons from Kyrgyzstan's amnesty", "ru"),
                ),
                Step(
                    RECEIVED,
                    "Malika sent her working-paper draft and asked for comments on the Kyrgyzstan section.",
                    ("Working paper draft: returnees and documentation in Uzbekistan", "en"),
                ),
                Step(E, "Sent comments from Azamat and me on the Kyrgyzstan section."),
            ),
            last_activity_days_ago=10,
            outcome="Materials sent and used: the working paper cites the network's amnesty figures.",
            contact=ContactDetails(
                StakeholderType.RESEARCHER,
                "uz, ru, en",
                consent_to_contact=True,
                consent_to_share=True,
                consent_method="Ticked both boxes on the webinar registration form",
                other_affiliation=("almaty_institute", "Visiting fellow"),
            ),
        ),
        topics=("Amnesties", "Naturalisation"),
        subject="Registration: request for slides and figures",
    ),
    InquiryRecord(
        "shahlo",
        36,
        11,
        InquiryChannel.REGISTRATION_FORM,
        "webinar",
        "Шахло Эргашева",
        "shahlo.ergasheva@mail.example",
        "ННО «Оила ва ҳуқуқ»",
        "Узбекистан",
        "Здравствуйте! Просим включить нашу организацию в рассылку и сообщать о будущих мероприятиях сети. "
        "Мы работаем с семьями в Самаркандской области, у которых есть проблемы с документами.",
        "nilufar",
        Assign("nilufar"),
        topics=("Documentation campaigns",),
    ),
    InquiryRecord(
        "erlan",
        35,
        9,
        InquiryChannel.WEBINAR_QA,
        "webinar",
        "Ерлан Касымов",
        "e.kasymov@tumar-law.example",
        "Тумар",
        "Казахстан",
        "Применима ли модель кыргызской амнистии к Казахстану, где у многих людей до сих пор просроченные "
        "советские паспорта? Могла бы сеть подготовить правовой анализ казахстанского законопроекта о "
        "гражданстве?",
        "azamat",
        Convert(
            CONSULT,
            S.IN_PROGRESS,
            "Legal analysis of Kazakhstan's draft amendments on citizenship",
            "azamat",
            hours_to_reply=20,
            organisation="tumar",
            steps=(
                Step(
                    E,
                    "Replied in Russian: yes in principle. Asked for the current text of the draft and "
                    "the timeline of the parliamentary hearings.",
                ),
                Step(
                    RECEIVED,
                    "Yerlan sent the draft amendments to the Law on Citizenship and the explanatory note.",
                    ("Draft amendments to the Law on Citizenship of Kazakhstan (working text)", "ru"),
                ),
                Step(
                    CALL,
                    "Call with Yerlan and a Tumar lawyer. Agreed scope: a five-page comparative note on "
                    "the amnesty approach and the determination procedure, in Russian.",
                ),
                Step(NOTE, "Asked Dinara to review the comparison with Kyrgyzstan before the note goes out."),
            ),
            next_action="Send the comparative note on the draft amendments to Tumar",
            due_in_days=-3,
            contact=ContactDetails(
                StakeholderType.LAWYER,
                "kk, ru",
                phone="+7 700 000 0142",
                consent_to_contact=True,
                consent_method="Agreed by e-mail",
                tags=("lawyer network",),
            ),
        ),
        topics=("Amnesties", "Legal mechanisms", "Statelessness determination procedures"),
        subject="Вопрос из чата вебинара",
    ),
    InquiryRecord(
        "gulnara",
        34,
        5,
        InquiryChannel.EMAIL,
        "webinar",
        "Гульнара Садыкова",
        "g.sadykova@pravo-grazhdanstvo.example",
        "ОФ «Право на гражданство»",
        "Кыргызстан",
        "Спасибо за вчерашний вебинар! Пришлите, пожалуйста, запись для наших юристов в регионах. Мы также "
        "готовы поделиться отчётом о выполнении амнистии в Баткенской области.",
        "azamat",
        Convert(
            EXCHANGE,
            S.ACKNOWLEDGED,
            "Webinar recording and the Batken amnesty implementation report",
            "azamat",
            hours_to_reply=6,
            organisation="pravo",
            steps=(
                Step(
                    SENT,
                    "Sent the recording link (RU with EN interpretation) and the speakers' slides.",
                    (RECORDING, "ru"),
                ),
                Step(
                    RECEIVED,
                    "Received the report on the amnesty's implementation in Batken region.",
                    ("Report: implementing the amnesty in Batken region", "ru"),
                ),
                Step(
                    E,
                    "Thanked Gulnara and asked to publish a summary on the network site. She agreed, once "
                    "her team has checked the final figures.",
                ),
            ),
            next_action="Publish the summary of the Batken report on the network site",
            due_in_days=12,
            last_activity_days_ago=9,
            contact=ContactDetails(
                StakeholderType.NGO_STAFF,
                "ky, ru",
                consent_to_contact=True,
                consent_to_share=True,
                consent_method="Confirmed by e-mail",
                tags=("webinar speaker",),
                other_affiliation=("osh_lawyers", "Board member"),
            ),
        ),
        topics=("Amnesties", "Documentation campaigns"),
        subject="Запись вебинара и наш отчёт",
    ),
    InquiryRecord(
        "erlan_again",
        34,
        7,
        InquiryChannel.EMAIL,
        "webinar",
        "Yerlan Kasymov",
        "E.Kasymov@tumar-law.example",
        "Tumar Legal Aid Centre",
        "Kazakhstan",
        "Resending my question from the chat in case it was lost: could the network prepare a legal "
        "analysis of the draft citizenship amendments in Kazakhstan?",
        "azamat",
        Close("duplicate of the question asked in the webinar chat"),
        topics=("Legal mechanisms",),
        subject="Question from the webinar (resending)",
    ),
    InquiryRecord(
        "zarina",
        35,
        10,
        InquiryChannel.WEBINAR_QA,
        "webinar",
        "Зарина Ходжаева",
        "zarina.kh@mail.example",
        "Khujand Women's Legal Initiative",
        "Tajikistan",
        "How did the Kyrgyz teams reach women in remote villages who had no documents at all? We run mobile "
        "legal clinics in Sughd region and would be glad of any checklists or training materials.",
        "nilufar",
        Convert(
            EXCHANGE,
            S.PREPARING,
            "Mobile legal clinic materials for Sughd region",
            "nilufar",
            hours_to_reply=9 * 24 + 5,
            new_organisation=NewOrganisation("Khujand Women's Legal Initiative"),
            steps=(
                Step(
                    E,
                    "Apologised for the slow reply. Promised the mobile clinic checklist in Russian now "
                    "and in Tajik once it is translated.",
                ),
                Step(
                    SENT,
                    "Sent the Russian version of the mobile clinic checklist.",
                    ("Checklist: mobile legal clinics for undocumented people", "ru"),
                ),
            ),
            next_action="Finish the Tajik translation of the mobile clinic checklist",
            due_in_days=-2,
            membership_becomes=MembershipStatus.PROSPECT,
            contact=ContactDetails(
                StakeholderType.NGO_STAFF,
                "tg, ru",
                consent_to_contact=True,
                consent_method="Asked us to write back, in the webinar chat",
                tags=("potential member",),
            ),
        ),
        topics=("Documentation campaigns", "Birth registration"),
    ),
    InquiryRecord(
        "sarah",
        33,
        22,
        InquiryChannel.WEB_FORM,
        "webinar",
        "Sarah Whitlock",
        "s.whitlock@sydney-nlrg.example",
        "Sydney Nationality Law Research Group",
        "Australia",
        "Our group is comparing how amnesty-style measures have been used to resolve statelessness. Would "
        "the network be interested in co-authoring a short comparative paper on Kyrgyzstan, Uzbekistan and "
        "Tajikistan?",
        "siriporn",
        Convert(
            JOINT,
            S.EXPLORING,
            "Comparative paper on amnesties in Central Asia",
            "nilufar",
            hours_to_reply=3 * 24 + 2,
            organisation="sydney",
            steps=(
                Step(
                    E,
                    "Replied with interest and suggested a call with Azamat, who followed the Kyrgyz "
                    "amnesty closely.",
                ),
                Step(
                    MEET,
                    "Video call with Sarah and two colleagues: three country chapters and one on "
                    "lessons, a four-month timeline, no funding needed.",
                ),
            ),
            next_action="Circulate a two-page concept note to the research group",
            due_in_days=5,
            last_activity_days_ago=6,
            contact=ContactDetails(
                StakeholderType.RESEARCHER,
                "en",
                consent_to_contact=True,
                consent_to_share=True,
                consent_method="Web form checkboxes",
                other_affiliation=("southern_cross", "Member, advisory panel"),
            ),
        ),
        topics=("Amnesties", "Institutional models"),
        subject="Comparative paper on amnesties",
    ),
    InquiryRecord(
        "farrukh",
        33,
        4,
        InquiryChannel.EMAIL,
        "webinar",
        "Фаррух Назаров",
        "f.nazarov@tj-hrlawyers.example",
        "Ассоциация юристов-правозащитников Таджикистана",
        "Таджикистан",
        "Наша ассоциация готовит комментарии к проекту поправок в Конституционный закон о гражданстве. "
        "Просим консультацию по гарантиям от безгражданства для детей, родившихся на территории страны.",
        "nilufar",
        Convert(
            CONSULT,
            S.FOLLOW_UP,
            "Safeguards for children in Tajikistan's draft citizenship amendments",
            "nilufar",
            hours_to_reply=47,
            organisation="tj_lawyers",
            steps=(
                Step(
                    E,
                    "Agreed to help; asked for the articles under discussion and the deadline for comments.",
                ),
                Step(
                    CALL,
                    "Call with Farrukh and two colleagues on the articles about children born on the "
                    "territory and foundlings.",
                ),
                Step(
                    SENT,
                    "Sent a note with model wording on safeguards for children born on the territory.",
                    ("Note: safeguards against statelessness at birth — model wording", "ru"),
                ),
                Step(
                    E,
                    "Farrukh confirmed the association submitted its comments to the parliamentary "
                    "working group.",
                ),
            ),
            next_action="Ask whether the working group kept the safeguard wording",
            due_in_days=20,
            last_activity_days_ago=15,
            membership_becomes=MembershipStatus.APPLIED,
            contact=ContactDetails(
                StakeholderType.LAWYER,
                "tg, ru",
                consent_to_contact=True,
                consent_method="Agreed by e-mail",
                tags=("lawyer network",),
            ),
        ),
        topics=("Legal mechanisms", "Birth registration"),
        subject="Консультация по проекту поправок",
    ),
    InquiryRecord(
        "asel",
        34,
        12,
        InquiryChannel.EMAIL,
        "webinar",
        "Әсел Жақсыбекова",
        "asel@steppe-dispatch.example",
        "Steppe Dispatch",
        "Kazakhstan",
        "I am writing a feature on people living without citizenship in Kazakhstan. Could I interview one of "
        "the webinar speakers, and may I use the figures from the presentation?",
        "azamat",
        Convert(
            EXCHANGE,
            S.SENT,
            "Factsheet and a speaker interview for a Steppe Dispatch feature",
            "azamat",
            hours_to_reply=5,
            organisation="steppe_dispatch",
            steps=(
                Step(E, "Replied the same day; asked Gulnara whether she agrees to be interviewed."),
                Step(
                    SENT,
                    "Sent the factsheet with sourced figures and, with Gulnara's agreement, her contact.",
                    ("Factsheet: statelessness in Central Asia — key figures", "en"),
                ),
            ),
            next_action="Ask Asel for the link once the feature is published",
            due_in_days=8,
            last_activity_days_ago=20,
            contact=ContactDetails(
                StakeholderType.JOURNALIST,
                "kk, ru, en",
                consent_to_contact=True,
                consent_method="Agreed by e-mail",
                tags=("media",),
            ),
        ),
        topics=("Statelessness determination procedures",),
        subject="Interview request",
    ),
    InquiryRecord(
        "timur",
        32,
        8,
        InquiryChannel.EMAIL,
        "webinar",
        "Тимур Исмаилов",
        "t.ismailov@unhcr-ca.example",
        "UNHCR Regional Office for Central Asia",
        "Kyrgyz Republic",
        "Following the webinar, UNHCR would like to coordinate with the network on mapping the remaining "
        "cases in the southern regions. Could we discuss a joint documentation campaign with your member "
        "organisations there?",
        "azamat",
        Convert(
            JOINT,
            S.ACTIVE,
            "Joint documentation campaign in southern Kyrgyzstan",
            "azamat",
            hours_to_reply=26,
            organisation="unhcr_ca",
            steps=(
                Step(
                    E, "Welcomed the proposal; suggested involving Право на гражданство and the Osh lawyers."
                ),
                Step(
                    RECEIVED,
                    "Received UNHCR's mapping methodology and the list of districts.",
                    ("Mapping methodology: remaining cases of statelessness (draft)", "en"),
                ),
                Step(
                    MEET,
                    "Kick-off meeting in Osh with UNHCR and two member organisations; roles and the "
                    "split of districts agreed.",
                ),
                Step(E, "Circulated the meeting notes and the draft data-sharing clauses."),
            ),
            next_action="Agree the data-sharing arrangement with UNHCR",
            due_in_days=4,
            last_activity_days_ago=3,
            contact=ContactDetails(
                StakeholderType.UN_STAFF,
                "ky, ru, en",
                consent_to_contact=True,
                consent_to_share=True,
                consent_method="Agreed by e-mail",
            ),
        ),
        topics=("Documentation campaigns", "Coalitions"),
        subject="Follow-up mapping in the south",
    ),
    InquiryRecord(
        "daniel",
        30,
        23,
        InquiryChannel.EMAIL,
        "webinar",
        "Daniel O'Connor",
        "d.oconnor@mail.example",
        "",
        "Australia",
        "Will the recording have English subtitles? Some of our volunteers do not speak Russian.",
        "siriporn",
        Respond("siriporn", 20),
        subject="Subtitles?",
    ),
    InquiryRecord(
        "bakhtiyar",
        30,
        8,
        InquiryChannel.PHONE,
        "webinar",
        "Бахтияр Рахимов",
        "",
        "",
        "Kazakhstan",
        "Called after watching the webinar recording. His Soviet passport expired long ago and he has no "
        "valid documents; he asks where he can get legal help to confirm his nationality.",
        "azamat",
        Convert(
            CONSULT,
            S.SCHEDULED,
            "Referral for legal help to confirm nationality",
            "azamat",
            hours_to_reply=4,
            steps=(
                Step(
                    CALL,
                    "Returned the call. Explained the options in general terms and, with his agreement, "
                    "arranged a referral to Tumar's legal clinic.",
                ),
                Step(NOTE, "Tumar confirmed they can see him; appointment set for next week."),
            ),
            next_action="Check with Tumar that the first appointment took place",
            due_in_days=2,
            last_activity_days_ago=4,
            contact=ContactDetails(
                languages="ru",
                phone="+7 700 000 0318",
                consent_to_contact=True,
                consent_method="Verbally, by phone",
                lived_experience=True,
                sensitive_notes="Lived experience of statelessness. Prefers phone calls in Russian; "
                "ask him before sharing his details with anyone.",
            ),
        ),
        topics=("Statelessness determination procedures", "Legal mechanisms"),
        subject="Звонок после вебинара",
    ),
    InquiryRecord(
        "olga",
        28,
        6,
        InquiryChannel.EMAIL,
        None,
        "Ольга Ким",
        "olga.kim@tcrr.example",
        "Tashkent Centre for Civil Registration Research",
        "Uzbekistan",
        "Colleagues mentioned that the network has an analysis of Uzbekistan's 2020 citizenship law. Could "
        "you share it? I would use it in a course on migration law.",
        "nilufar",
        Convert(
            EXCHANGE,
            S.ACKNOWLEDGED,
            "Analysis of Uzbekistan's citizenship law for a university course",
            "nilufar",
            hours_to_reply=28,
            organisation="tashkent_centre",
            steps=(
                Step(
                    SENT,
                    "Sent the analysis (RU) and the English summary.",
                    ("Analysis: Uzbekistan's 2020 Law on Citizenship", "ru"),
                ),
                Step(
                    E,
                    "Olga thanked us; she will use it in her spring course and may invite a network speaker.",
                ),
            ),
            last_activity_days_ago=16,
            contact=ContactDetails(StakeholderType.RESEARCHER, "ru, uz, en"),
        ),
        topics=("Legal mechanisms", "Naturalisation"),
        subject="Analysis of the 2020 citizenship law",
    ),
    InquiryRecord(
        "spam",
        29,
        3,
        InquiryChannel.WEB_FORM,
        None,
        "Best Rank Digital",
        "offers@bestrank.example",
        "Best Rank Digital Agency",
        "",
        "Dear team, we can put your website on the first page of search results in 14 days. Reply today for "
        "a 50% discount!",
        "dinara",
        Close("spam"),
        subject="Boost your NGO's visibility",
    ),
    InquiryRecord(
        "aina",
        27,
        14,
        InquiryChannel.EMAIL,
        None,
        "Айна Мередова",
        "aina.meredova@mail.example",
        "",
        "Turkmenistan",
        "Здравствуйте. Я гражданка Туркменистана, живу за границей; мой сын родился в 2019 году и до сих "
        "пор не имеет документов ни одной страны. Подскажите, пожалуйста, куда обратиться.",
        "azamat",
        Convert(
            CONSULT,
            S.IN_PROGRESS,
            "Advice on documenting a child born abroad",
            "azamat",
            hours_to_reply=51,
            steps=(
                Step(
                    E,
                    "Replied in Russian with general information on registering a birth abroad; asked "
                    "whether she agrees to be referred to a lawyer.",
                ),
                Step(
                    E,
                    "With her consent, introduced her to a lawyer from the Osh association who has "
                    "handled similar cases.",
                ),
                Step(NOTE, "Check the lawyer's capacity before making further referrals."),
            ),
            next_action="Ask Aina whether the lawyer's first advice was useful",
            due_in_days=6,
            last_activity_days_ago=8,
            contact=ContactDetails(
                languages="tk, ru",
                consent_to_contact=True,
                consent_method="Agreed by e-mail",
                lived_experience=True,
                sensitive_notes="Her son is at risk of statelessness (birth not registered). "
                "Share nothing without her consent.",
            ),
        ),
        topics=("Birth registration", "Legal mechanisms"),
        subject="Документы для сына",
    ),
    InquiryRecord(
        "aidana",
        25,
        9,
        InquiryChannel.WEB_FORM,
        None,
        "Айдана Мамытова",
        "aidana.mamytova@mail.example",
        "Аспирантка, Бишкек",
        "Кыргызстан",
        "Я пишу диссертацию об институциональных моделях процедур определения безгражданства. Можно ли "
        "взять интервью у сотрудников сети?",
        "azamat",
        Convert(
            CONSULT,
            S.COMPLETED,
            "Interview for a doctoral thesis on determination procedures",
            "azamat",
            hours_to_reply=8,
            steps=(
                Step(E, "Agreed and proposed three dates."),
                Step(
                    MEET,
                    "Interview with Aidana (an hour and a half) on institutional models in Kyrgyzstan "
                    "and Kazakhstan.",
                ),
                Step(
                    SENT,
                    "Sent the references she asked for after the interview.",
                    ("Reading list: statelessness determination procedures", "en"),
                ),
            ),
            last_activity_days_ago=13,
            outcome="Interview given; Aidana will share the thesis chapter when it is ready.",
            contact=ContactDetails(
                StakeholderType.RESEARCHER,
                "ky, ru",
                consent_to_contact=True,
                consent_method="Web form checkbox",
            ),
        ),
        topics=("Institutional models", "Statelessness determination procedures"),
    ),
    InquiryRecord(
        "zhanna",
        22,
        6,
        InquiryChannel.EMAIL,
        None,
        "Жанна Сейтова",
        "zh.seitova@almaty-coalition.example",
        "Алматинская коалиция за право на документы",
        "Казахстан",
        "Наша коалиция проводит кампанию по документированию в пригородах Алматы. Предлагаем объединить "
        "усилия с сетью: общий информационный листок и дни приёма.",
        "azamat",
        Convert(
            JOINT,
            S.REPORTING,
            "Joint documentation campaign in the Almaty suburbs",
            "azamat",
            hours_to_reply=28,
            new_organisation=NewOrganisation(
                "Алматинская коалиция за право на документы", OrganisationKind.NETWORK
            ),
            steps=(
                Step(E, "Agreed to join; proposed a planning meeting in Almaty."),
                Step(
                    MEET,
                    "Planning meeting in Almaty: four reception days and a joint leaflet in Kazakh "
                    "and Russian.",
                ),
                Step(
                    SENT, "Sent the final leaflet for printing.", ("Leaflet: how to get your documents", "kk")
                ),
                Step(NOTE, "Reception days held: 64 people seen, 19 referred to lawyers."),
            ),
            next_action="Compile the campaign figures for the joint report",
            due_in_days=-5,
            membership_becomes=MembershipStatus.PROSPECT,
            contact=ContactDetails(
                StakeholderType.NGO_STAFF,
                "kk, ru",
                consent_to_contact=True,
                consent_to_share=True,
                consent_method="Agreed by e-mail",
                tags=("potential member",),
            ),
        ),
        topics=("Documentation campaigns", "Coalitions"),
        subject="Совместная кампания",
    ),
    # ---- around the regional consultation (two weeks ago) ----------------------------------------------
    InquiryRecord(
        "putu",
        20,
        5,
        InquiryChannel.REGISTRATION_FORM,
        "consultation",
        "Putu Ayu Lestari",
        "putu.lestari@identitas.example",
        "Yayasan Identitas Nusantara",
        "Indonesia",
        "We help children of migrant workers returning from Malaysia get birth certificates. We are "
        "interested in joining the network: could you send information on membership?",
        "siriporn",
        Convert(
            EXCHANGE,
            S.ACKNOWLEDGED,
            "Membership information for Yayasan Identitas Nusantara",
            "siriporn",
            hours_to_reply=47,
            organisation="identitas",
            steps=(
                Step(SENT, "Sent the membership pack and the network's statutes.", ("Membership pack", "en")),
                Step(E, "Putu confirmed receipt; the foundation's board approved the application."),
            ),
            next_action="Ask the coordinator to review the membership application",
            due_in_days=2,
            last_activity_days_ago=5,
            contact=ContactDetails(
                StakeholderType.NGO_STAFF,
                "id, en",
                consent_to_contact=True,
                consent_to_share=True,
                consent_method="Ticked both boxes on the consultation registration form",
                tags=("potential member",),
            ),
        ),
        topics=("Birth registration", "Coalitions"),
    ),
    InquiryRecord(
        "sunita",
        19,
        10,
        InquiryChannel.REGISTRATION_FORM,
        "consultation",
        "Sunita Tamang",
        "sunita.tamang@mail.example",
        "",
        "Nepal",
        "Please send me the materials from the consultation.",
        "siriporn",
        Convert(
            EXCHANGE,
            S.COMPLETED,
            "Consultation materials for Sunita Tamang",
            "siriporn",
            hours_to_reply=5 * 24 + 20,
            steps=(
                Step(
                    SENT, "Sent the presentations and the summary recommendations.", (RECOMMENDATIONS, "en")
                ),
                Step(E, "Sunita thanked us and asked not to receive further e-mails from the network."),
            ),
            last_activity_days_ago=11,
            outcome="Materials sent. She asked not to be contacted again.",
            contact=ContactDetails(
                do_not_contact=True,
                notes="Asked not to receive further e-mails from the network.",
            ),
        ),
        topics=("Birth registration",),
    ),
    InquiryRecord(
        "naw",
        14,
        6,
        InquiryChannel.WEBINAR_QA,
        "consultation",
        "Naw Htoo Paw",
        "",
        "",
        "Thailand",
        "I was born in Tak province and still hold a non-Thai ID card. After today's community panel I want "
        "to help families in my village apply for nationality. Is there a guide in Thai I can share?",
        "siriporn",
        Convert(
            EXCHANGE,
            S.COMPLETED,
            "Thai-language nationality application guide for community use",
            "siriporn",
            hours_to_reply=22,
            steps=(
                Step(
                    SENT,
                    "Sent the Thai step-by-step guide on applying for nationality and the Mekong "
                    "foundation's hotline number.",
                    ("Step-by-step guide: applying for Thai nationality", "th"),
                ),
                Step(
                    CALL,
                    "Naw Htoo Paw called back: she shared the guide with twelve families; two have "
                    "booked appointments with the foundation.",
                ),
            ),
            last_activity_days_ago=6,
            outcome="Guide shared in the community; families referred to the Mekong foundation's legal aid.",
            contact=ContactDetails(
                languages="th, ksw",
                phone="+66 80 000 0421",
                consent_to_contact=True,
                consent_method="Verbally, at the consultation",
                tags=("webinar speaker",),
                lived_experience=True,
                sensitive_notes="Lived experience of statelessness. Speaks in public by her own choice; "
                "ask before naming her in any material.",
            ),
        ),
        topics=("Naturalisation", "Documentation campaigns"),
    ),
    InquiryRecord(
        "maria",
        14,
        4,
        InquiryChannel.WEBINAR_QA,
        "consultation",
        "Maria Concepcion Dela Cruz",
        "mc.delacruz@mnda.example",
        "Mindanao Nationality and Documentation Alliance",
        "PH",
        "Could you share the birth registration toolkit the Thai speaker mentioned? We would like to adapt "
        "it for Sama-Bajau communities in Zamboanga and Tawi-Tawi.",
        "siriporn",
        Convert(
            EXCHANGE,
            S.SENT,
            "Birth registration toolkit for adaptation in Mindanao",
            "siriporn",
            hours_to_reply=26,
            organisation="mindanao",
            steps=(
                Step(
                    SENT,
                    "Sent the toolkit (EN) and the link to the session recording.",
                    ("Toolkit: community birth registration", "en"),
                ),
            ),
            next_action="Ask whether a Tagalog or Cebuano adaptation is planned",
            due_in_days=9,
            contact=ContactDetails(
                StakeholderType.NGO_STAFF,
                "fil, en",
                consent_to_contact=True,
                consent_to_share=True,
                consent_method="Consultation registration form",
            ),
        ),
        topics=("Birth registration", "Documentation campaigns"),
    ),
    InquiryRecord(
        "james",
        14,
        5,
        InquiryChannel.WEBINAR_QA,
        "consultation",
        "James Tan Wei Ming",
        "james.tan@klclc.example",
        "KL Citizenship Lawyers Circle",
        "Malaysia",
        "Is anyone mapping court decisions on citizenship applications for children under Article 15A? Our "
        "circle has started collecting judgments and would welcome partners.",
        "siriporn",
        Convert(
            JOINT,
            S.EXPLORING,
            "Database of court decisions on children's citizenship in Malaysia",
            "nilufar",
            hours_to_reply=30,
            new_organisation=NewOrganisation(
                "KL Citizenship Lawyers Circle", website="https://klclc.example"
            ),
            steps=(
                Step(
                    E,
                    "Replied that the network would be glad to help; introduced Nurul from the Sabah "
                    "coalition.",
                ),
                Step(
                    MEET,
                    "Call with James and Nurul: agreed to explore a shared, anonymised database of "
                    "judgments.",
                ),
            ),
            next_action="Share the draft structure of the case-law database",
            due_in_days=11,
            last_activity_days_ago=4,
            membership_becomes=MembershipStatus.PROSPECT,
            contact=ContactDetails(
                StakeholderType.LAWYER,
                "ms, en, zh",
                consent_to_contact=True,
                consent_to_share=True,
                consent_method="Agreed by e-mail",
                tags=("lawyer network",),
                other_affiliation=("sabah", "Legal adviser"),
            ),
        ),
        topics=("Legal mechanisms", "Coalitions"),
    ),
    InquiryRecord(
        "pedro",
        14,
        4,
        InquiryChannel.WEBINAR_QA,
        "consultation",
        "Pedro Alvarez",
        "",
        "",
        "PH",
        "Where can I find the slides?",
        "siriporn",
        Close("answered live in the session chat"),
    ),
    InquiryRecord(
        "siti",
        14,
        5,
        InquiryChannel.WEBINAR_QA,
        "consultation",
        "Siti Aminah",
        "siti.aminah@mail.example",
        "",
        "Indonesia",
        "Do you have examples of late birth registration campaigns for adults in Indonesia?",
        "siriporn",
        LeaveNew(),
        topics=("Birth registration", "Documentation campaigns"),
    ),
    InquiryRecord(
        "somchai",
        13,
        2,
        InquiryChannel.EMAIL,
        "consultation",
        "Somchai Inthawong",
        "somchai@mekong-legal.example",
        "Mekong Hill Communities Legal Aid Foundation",
        "Thailand",
        "Thank you for the consultation. We would like to co-organise a birth registration and documentation "
        "campaign in highland villages of Chiang Rai in the next dry season. Could we plan it together with "
        "the Chiang Rai project?",
        "siriporn",
        Convert(
            JOINT,
            S.PLANNING,
            "Highland documentation campaign in Chiang Rai",
            "siriporn",
            hours_to_reply=20,
            organisation="mekong",
            steps=(
                Step(E, "Welcomed the idea; proposed a planning call with the Chiang Rai project."),
                Step(
                    MEET,
                    "Planning call: three districts, mobile registration days with the district "
                    "office, volunteers from both organisations.",
                ),
                Step(
                    RECEIVED,
                    "Received the draft budget and activity plan.",
                    ("Draft budget and activity plan: Chiang Rai documentation campaign", "en"),
                ),
            ),
            next_action="Send comments on the draft budget to Somchai",
            due_in_days=-1,
            contact=ContactDetails(
                StakeholderType.NGO_STAFF,
                "th, en",
                consent_to_contact=True,
                consent_to_share=True,
                consent_method="Agreed by e-mail",
                tags=("webinar speaker",),
            ),
        ),
        topics=("Documentation campaigns", "Birth registration", "Coalitions"),
        subject="Co-organising a documentation campaign",
    ),
    InquiryRecord(
        "emily",
        13,
        23,
        InquiryChannel.EMAIL,
        "consultation",
        "Emily Nguyen",
        "emily.nguyen@southerncross.example",
        "Southern Cross Rights Fund",
        "Australia",
        "Our fund is considering a small grants window on birth registration in South-East Asia. Would the "
        "network be open to a conversation about priorities?",
        "dinara",
        Convert(
            JOINT,
            S.PLANNING,
            "Small grants window on birth registration",
            "dinara",
            hours_to_reply=56,
            organisation="southern_cross",
            steps=(
                Step(E, "Thanked Emily and proposed a meeting with Siriporn and me."),
                Step(
                    MEET,
                    "Meeting with Emily: the fund will open the window next year; the network is to "
                    "advise on priorities and on reaching small community groups.",
                ),
            ),
            next_action="Send the network's priorities note to the fund",
            due_in_days=4,
            last_activity_days_ago=3,
            contact=ContactDetails(
                StakeholderType.DONOR, "en, vi", consent_to_contact=True, consent_method="Agreed by e-mail"
            ),
        ),
        topics=("Birth registration", "Coalitions"),
    ),
    InquiryRecord(
        "kanya",
        12,
        3,
        InquiryChannel.EMAIL,
        "consultation",
        "Kanya Srisuk",
        "k.srisuk@apifcr.example",
        "Asia-Pacific Intergovernmental Forum on Civil Registration",
        "Thailand",
        "Could you share the consultation's summary recommendations? Our technical working group meets next "
        "month and would include them in its background papers.",
        "siriporn",
        Convert(
            EXCHANGE,
            S.ACKNOWLEDGED,
            "Summary recommendations for the forum's technical working group",
            "siriporn",
            hours_to_reply=28,
            organisation="apif",
            steps=(
                Step(SENT, "Sent the summary recommendations (EN).", (RECOMMENDATIONS, "en")),
                Step(E, "Kanya confirmed the recommendations are in the working group's background papers."),
            ),
            last_activity_days_ago=7,
            contact=ContactDetails(
                consent_to_contact=True, consent_method="Agreed by e-mail", languages="th, en"
            ),
        ),
        topics=("Birth registration", "Institutional models"),
    ),
    InquiryRecord(
        "nurul",
        12,
        7,
        InquiryChannel.EMAIL,
        "consultation",
        "Nurul Huda binti Ismail",
        "nurul.huda@sabah-cic.example",
        "Sabah Children's Identity Coalition",
        "Sabah, Malaysia",
        "Our coalition would like a consultation on strategic litigation for children in Sabah whose parents "
        "are undocumented. Two of our lawyers could join a call in the coming weeks.",
        "siriporn",
        Convert(
            CONSULT,
            S.SCHEDULED,
            "Strategic litigation for undocumented children in Sabah",
            "siriporn",
            hours_to_reply=3 * 24 + 1,
            organisation="sabah",
            steps=(
                Step(
                    E, "Agreed; proposed dates for a call with two lawyers from the network's lawyer group."
                ),
                Step(E, "Call fixed; shared a short list of questions to prepare."),
            ),
            next_action="Consultation call with the coalition's lawyers",
            due_in_days=3,
            last_activity_days_ago=2,
            contact=ContactDetails(
                StakeholderType.LAWYER,
                "ms, en",
                country_code="MY",
                consent_to_contact=True,
                consent_method="Agreed by e-mail",
                tags=("lawyer network",),
            ),
        ),
        topics=("Legal mechanisms", "Birth registration"),
    ),
    InquiryRecord(
        "gulnara_again",
        12,
        5,
        InquiryChannel.EMAIL,
        None,
        "Гульнара Садыкова",
        "g.sadykova@pravo-grazhdanstvo.example",
        "ОФ «Право на гражданство»",
        "Кыргызстан",
        "Предлагаем вместе провести обучение для сотрудников органов ЗАГС в Оше и Джалал-Абаде по "
        "регистрации рождений, на основе опыта амнистии.",
        "azamat",
        Convert(
            JOINT,
            S.PLANNING,
            "Training for civil registry officers in Osh and Jalal-Abad",
            "azamat",
            hours_to_reply=20,
            organisation="pravo",
            same_contact_as="gulnara",
            steps=(
                Step(E, "Welcomed the idea; proposed a planning call with the Osh lawyers' association."),
                Step(
                    MEET,
                    "Planning call: two one-day trainings, trainers from the network, materials in "
                    "Kyrgyz and Russian.",
                ),
            ),
            next_action="Send the draft training agenda to Gulnara",
            due_in_days=-4,
        ),
        topics=("Birth registration", "Institutional models"),
        subject="Обучение для ЗАГС",
    ),
    InquiryRecord(
        "farhana",
        11,
        8,
        InquiryChannel.EMAIL,
        "consultation",
        "Farhana Akter",
        "farhana.akter@ducls.example",
        "Dhaka Urban Camps Legal Support Trust",
        "Bangladesh",
        "We were members of the network some years ago and would like to rejoin. We would also like to share "
        "our new report on birth registration in the camps.",
        "siriporn",
        Convert(
            EXCHANGE,
            S.ACKNOWLEDGED,
            "Birth registration report from Dhaka and renewed membership",
            "nilufar",
            hours_to_reply=30,
            organisation="dhaka",
            steps=(
                Step(E, "Welcomed them back and asked for the report."),
                Step(
                    RECEIVED,
                    "Received the report on birth registration in the camps.",
                    ("Report: birth registration in the Urdu-speaking camps", "en"),
                ),
                Step(E, "Thanked Farhana; sent the renewal form and explained the process."),
            ),
            last_activity_days_ago=5,
            membership_becomes=MembershipStatus.APPLIED,
            contact=ContactDetails(
                StakeholderType.NGO_STAFF,
                "bn, en",
                consent_to_contact=True,
                consent_to_share=True,
                consent_method="Agreed by e-mail",
            ),
        ),
        topics=("Birth registration", "Coalitions"),
    ),
    InquiryRecord(
        "ram",
        10,
        4,
        InquiryChannel.EMAIL,
        "consultation",
        "Ram Bahadur Gurung",
        "ram.gurung@nagarikta.example",
        "Nagarikta Advocacy Centre",
        "Nepal",
        "We are preparing advocacy with parliament on citizenship through the mother. Could the network help "
        "us with a short comparative analysis of how other countries in the region handle this?",
        "siriporn",
        Convert(
            CONSULT,
            S.REQUESTED,
            "Comparative analysis: citizenship through the mother",
            "siriporn",
            hours_to_reply=5 * 24 + 4,
            organisation="nagarikta",
            steps=(
                Step(
                    E,
                    "Replied after checking capacity: we can help. Asked for the parliamentary calendar "
                    "and the points they want covered.",
                ),
            ),
            next_action="Agree scope and deadline with Ram",
            due_in_days=1,
            contact=ContactDetails(
                StakeholderType.ACTIVIST, "ne, en", consent_to_contact=True, consent_method="Agreed by e-mail"
            ),
        ),
        topics=("Gender-discriminatory nationality laws", "Legal mechanisms", "Institutional models"),
    ),
    InquiryRecord(
        "khin",
        9,
        3,
        InquiryChannel.WEB_FORM,
        None,
        "Khin Thandar Aung",
        "khin.ta@mail.example",
        "Yangon Legal Clinic for Civil Documentation",
        "Myanmar",
        "We train paralegals who help families obtain birth certificates. Do you have training materials on "
        "birth registration that could be translated into Burmese? Please contact me only by e-mail.",
        "siriporn",
        Convert(
            EXCHANGE,
            S.PREPARING,
            "Paralegal training module on birth registration in Burmese",
            "siriporn",
            hours_to_reply=54,
            organisation="yangon",
            steps=(
                Step(
                    E,
                    "Replied by e-mail only, as asked; confirmed we can share the module and will look "
                    "for a translator.",
                ),
            ),
            next_action="Find a translator for the Burmese version of the paralegal module",
            due_in_days=15,
            contact=ContactDetails(
                StakeholderType.NGO_STAFF,
                "my, en",
                consent_to_contact=True,
                consent_method="Web form; e-mail only",
                notes="Contact by e-mail only. Do not put her name on shared or public lists.",
            ),
        ),
        topics=("Birth registration", "Documentation campaigns"),
    ),
    InquiryRecord(
        "takhmina",
        9,
        6,
        InquiryChannel.EMAIL,
        "webinar",
        "Тахмина Саидова",
        "takhmina.saidova@mail.example",
        "",
        "Таджикистан",
        "Есть ли запись вебинара на таджикском языке или с субтитрами?",
        "nilufar",
        Respond("nilufar", 26),
    ),
    InquiryRecord(
        "jose",
        8,
        2,
        InquiryChannel.EMAIL,
        None,
        "Jose Miguel Reyes",
        "jm.reyes@usi.example",
        "University of the Southern Islands",
        "Philippines",
        "We would like to invite the network to co-host a panel on statelessness determination procedures in "
        "ASEAN at our conference. Would that be of interest?",
        "siriporn",
        Convert(
            JOINT,
            S.DROPPED,
            "Conference panel on statelessness determination in ASEAN",
            "siriporn",
            hours_to_reply=26,
            organisation="usi",
            steps=(
                Step(E, "Accepted in principle and proposed two speakers."),
                Step(CALL, "Jose called: the university has postponed the conference indefinitely."),
            ),
            last_activity_days_ago=2,
            dropped_after=S.PLANNING,
            outcome="Dropped: the conference was postponed indefinitely. Contact kept for future events.",
            contact=ContactDetails(
                StakeholderType.RESEARCHER,
                "fil, en",
                consent_to_contact=True,
                consent_method="Agreed by e-mail",
            ),
        ),
        topics=("Statelessness determination procedures", "Institutional models"),
    ),
    # ---- the last week ---------------------------------------------------------------------------------
    InquiryRecord(
        "salim",
        7,
        4,
        InquiryChannel.EMAIL,
        None,
        "Mohammad Salim",
        "m.salim@ctg-law.example",
        "Chattogram Legal Aid Forum",
        "Bangladesh",
        "I am a lawyer in Chattogram. Do you have sample pleadings or case notes on citizenship claims of "
        "Urdu-speaking people?",
        "siriporn",
        Assign("siriporn"),
        topics=("Legal mechanisms",),
    ),
    InquiryRecord(
        "erlan_draft",
        6,
        7,
        InquiryChannel.EMAIL,
        None,
        "Yerlan Kasymov",
        "e.kasymov@tumar-law.example",
        "Tumar",
        "KZ",
        "Sending the revised draft after the committee's first reading. Could we have your note before the "
        "roundtable next month?",
        "azamat",
        FollowOn(
            "erlan",
            22,
            Step(
                E,
                "Acknowledged the revised draft after first reading; the note will reflect the "
                "committee's changes.",
            ),
        ),
        topics=("Legal mechanisms",),
        subject="Revised draft",
    ),
    InquiryRecord(
        "bekzod",
        5,
        6,
        InquiryChannel.EMAIL,
        "webinar",
        "Бекзод Рахмонов",
        "bekzod.r@mail.example",
        "",
        "Tajikistan",
        "Слышал на вебинаре про амнистию в Кыргызстане. Будет ли в Таджикистане продлён закон об амнистии "
        "для лиц без гражданства?",
        "nilufar",
        Assign("nilufar"),
        topics=("Amnesties",),
    ),
    InquiryRecord(
        "ratna",
        4,
        3,
        InquiryChannel.EMAIL,
        "consultation",
        "Ratna Dewi",
        "ratna.dewi@kepri-aid.example",
        "Lembaga Bantuan Hukum Kepri",
        "Indonesia",
        "We would like to partner on a documentation campaign in the Riau Islands for fishing families "
        "without papers. Who should we talk to?",
        "siriporn",
        Assign("siriporn"),
        topics=("Documentation campaigns",),
    ),
    InquiryRecord(
        "asel_translator",
        3,
        10,
        InquiryChannel.WEB_FORM,
        None,
        "Асель Нурланкызы",
        "asel.nurlankyzy@mail.example",
        "",
        "Казахстан",
        "Я переводчица (казахский, русский, английский) и хотела бы помогать сети с переводами на "
        "волонтёрской основе.",
        "azamat",
        Assign("azamat"),
    ),
    InquiryRecord(
        "aziz",
        2,
        5,
        InquiryChannel.EMAIL,
        "consultation",
        "Азиз Каримов",
        "aziz.karimov@mail.example",
        "",
        "O‘zbekiston",
        "Есть ли запись консультации по регистрации рождений на русском языке?",
        "nilufar",
        LeaveNew(),
        topics=("Birth registration",),
    ),
    InquiryRecord(
        "kairat",
        2,
        9,
        InquiryChannel.PHONE,
        None,
        "Кайрат Ахметов",
        "",
        "",
        "Казахстан",
        "Called the office: a lawyer in Shymkent asking about time limits in the statelessness determination "
        "procedure. Wants a call back in Russian.",
        "azamat",
        LeaveNew(),
        topics=("Statelessness determination procedures",),
    ),
    InquiryRecord(
        "lalita",
        1,
        4,
        InquiryChannel.WEB_FORM,
        None,
        "Lalita Rai",
        "lalita.rai@mail.example",
        "",
        "Nepal",
        "How can I become an individual member of the network? I am a law student in Kathmandu working on "
        "citizenship certificates.",
        "siriporn",
        LeaveNew(),
        topics=("Coalitions",),
    ),
    InquiryRecord(
        "chloe",
        1,
        9,
        InquiryChannel.EMAIL,
        None,
        "Chloe Barker",
        "chloe.barker@uni.example",
        "",
        "Australia",
        "I'm a master's student in international law and would love to volunteer with the network, "
        "especially on research about stateless people in immigration detention.",
        "siriporn",
        LeaveNew(),
        topics=("Institutional models",),
    ),
)
