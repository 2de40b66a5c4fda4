"""The report figures for a known data set (see conftest.py for how each number comes about)."""

from __future__ import annotations

from datetime import date, timedelta

from crm.models import Topic
from crm.models.base import utcnow
from crm.models.enums import ThreadKind, ThreadStage
from crm.reports.services import ReportFilters, funnel, median, percentile, response_buckets

from .conftest import STALE_DAYS


def _report(known, **filters):
    return funnel(ReportFilters(**filters), now=known.now, today=known.today, stale_days=STALE_DAYS)


def _workload(report):
    return [(row.name, row.open, row.stale, row.overdue) for row in report.workload]


def test_date_range_funnel(db, known):
    report = _report(known, start=known.start, end=known.end)
    assert (report.received, report.answered, report.converted, report.contacts) == (7, 6, 5, 4)
    assert report.median_first_response == timedelta(days=2)
    assert report.p90_first_response == timedelta(days=5)
    assert report.response_buckets == [1, 1, 4, 0]
    assert report.unanswered == 1
    assert report.share(report.answered) == 86
    assert report.share(report.converted) == 71
    assert report.threads_by_kind == {
        ThreadKind.CONSULTATION: 2,
        ThreadKind.MATERIAL_EXCHANGE: 1,
        ThreadKind.JOINT_INITIATIVE: 1,
    }
    assert (report.threads, report.joint_initiatives) == (4, 1)
    assert report.new_members == 2  # M1 and M4; M2 joined before, M5 the day after


def test_threads_by_stage_are_zero_filled_per_kind(db, known):
    stages = _report(known, start=known.start, end=known.end).stages_by_kind
    assert stages[ThreadKind.CONSULTATION] == {
        ThreadStage.REQUESTED: 1,
        ThreadStage.SCHEDULED: 1,
        ThreadStage.IN_PROGRESS: 0,
        ThreadStage.FOLLOW_UP: 0,
        ThreadStage.COMPLETED: 0,
        ThreadStage.DROPPED: 0,
    }
    assert stages[ThreadKind.MATERIAL_EXCHANGE] == {
        ThreadStage.REQUESTED: 0,
        ThreadStage.PREPARING: 0,
        ThreadStage.SENT: 0,
        ThreadStage.ACKNOWLEDGED: 0,
        ThreadStage.COMPLETED: 1,
        ThreadStage.DROPPED: 0,
    }
    assert stages[ThreadKind.JOINT_INITIATIVE] == {
        ThreadStage.EXPLORING: 0,
        ThreadStage.PLANNING: 1,
        ThreadStage.ACTIVE: 0,
        ThreadStage.REPORTING: 0,
        ThreadStage.COMPLETED: 0,
        ThreadStage.DROPPED: 0,
    }


def test_reach_by_country_region_and_subregion(db, known):
    report = _report(known, start=known.start, end=known.end)
    assert [(c.code, c.name, c.inquiries) for c in report.countries] == [
        ("KZ", "Kazakhstan", 2),
        ("IN", "India", 1),
        ("KG", "Kyrgyzstan", 1),
        ("RU", "Russian Federation", 1),
        ("TH", "Thailand", 1),
    ]
    assert report.country_unknown == 1  # "Atlantis"
    assert [(a.code, a.name, a.inquiries) for a in report.subregions] == [
        ("143", "Central Asia", 3),  # KZ 2 + KG 1
        ("151", "Eastern Europe", 1),
        ("035", "South-eastern Asia", 1),
        ("034", "Southern Asia", 1),
    ]
    assert [(a.code, a.name, a.inquiries) for a in report.regions] == [
        ("142", "Asia", 5),
        ("150", "Europe", 1),
    ]
    assert (report.region_unknown, report.subregion_unknown) == (1, 1)


def test_topics_most_asked_first_then_by_name(db, known):
    report = _report(known, start=known.start, end=known.end)
    assert [(t.name, t.inquiries) for t in report.topics] == [
        ("Legal mechanisms", 3),
        ("Amnesties", 2),
        ("Documentation campaigns", 2),
        ("Coalitions", 1),
    ]


def test_workload_is_todays_open_threads_whatever_the_dates(db, known):
    expected = [
        ("Aigerim Sadykova", 2, 1, 2),  # t1 stale + overdue, t5 overdue; t2 is completed
        ("Bakyt Osmonov", 2, 1, 1),  # t3 fine, t4 stale + overdue
        (None, 1, 1, 0),  # t6, unassigned, never touched for 15 days
    ]
    assert _workload(_report(known, start=known.start, end=known.end)) == expected
    assert _workload(_report(known, start=date(2000, 1, 1), end=date(2000, 1, 2))) == expected


def test_stale_days_and_today_are_parameters(db, known):
    report = funnel(
        ReportFilters(start=known.start, end=known.end),
        now=known.now,
        today=known.today - timedelta(days=3),  # three days ago only t4 (due 5 days ago) was overdue
        stale_days=30,  # only t2 (closed) was quiet for longer than 30 days
    )
    assert _workload(report) == [("Aigerim Sadykova", 2, 0, 0), ("Bakyt Osmonov", 2, 0, 1), (None, 1, 0, 0)]


def test_date_range_excludes_out_of_range_inquiries(db, known):
    # o1 arrived at 23:00 the evening before the range; i1 at midnight on its first day.
    first_day = _report(known, start=known.start, end=known.start)
    assert (first_day.received, first_day.converted) == (1, 1)
    # i7 arrived at 23:30 on the last day; o2 at midnight just after it.
    last_day = _report(known, start=known.end, end=known.end)
    assert (last_day.received, last_day.answered) == (1, 0)
    after = _report(known, start=known.end + timedelta(days=1), end=known.end + timedelta(days=1))
    assert (after.received, after.answered, after.converted, after.threads) == (1, 1, 1, 0)
    assert after.median_first_response == timedelta(hours=2)
    assert after.new_members == 1  # M5


def test_event_filter(db, known):
    report = _report(known, event_id=known.event.id)
    assert (report.received, report.answered, report.converted, report.contacts) == (4, 4, 4, 4)
    assert report.median_first_response == timedelta(hours=18)  # 1, 12, 24, 48 hours
    assert report.p90_first_response == timedelta(hours=48)
    assert report.threads_by_kind == {
        ThreadKind.CONSULTATION: 3,
        ThreadKind.MATERIAL_EXCHANGE: 1,
        ThreadKind.JOINT_INITIATIVE: 1,
    }
    # Affiliated with the event's contacts and a member since the event: M1 and M5, not M2 or M4.
    assert report.new_members == 2
    assert [(c.code, c.inquiries) for c in report.countries] == [("KZ", 3), ("KG", 1)]
    assert [(a.name, a.inquiries) for a in report.subregions] == [("Central Asia", 4)]
    assert [(t.name, t.inquiries) for t in report.topics] == [
        ("Legal mechanisms", 4),
        ("Amnesties", 1),
        ("Documentation campaigns", 1),
    ]
    # Only threads opened from the event's inquiries: t6 (no origin) drops out.
    assert _workload(report) == [("Aigerim Sadykova", 2, 1, 2), ("Bakyt Osmonov", 2, 1, 1)]


def test_event_and_date_range_together(db, known):
    report = _report(known, start=known.start, end=known.end, event_id=known.event.id)
    assert (report.received, report.answered, report.converted, report.contacts) == (3, 3, 3, 3)
    assert report.median_first_response == timedelta(hours=24)
    assert report.p90_first_response == timedelta(hours=48)
    assert (report.threads, report.new_members) == (4, 1)


def test_nothing_in_range(db, known):
    report = _report(known, start=date(2000, 1, 1), end=date(2000, 12, 31))
    assert (report.received, report.answered, report.converted, report.contacts, report.threads) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert report.median_first_response is None and report.p90_first_response is None
    assert report.response_buckets == [0, 0, 0, 0]
    assert report.threads_by_kind == dict.fromkeys(ThreadKind, 0)
    assert all(count == 0 for stages in report.stages_by_kind.values() for count in stages.values())
    assert (report.countries, report.regions, report.topics, report.new_members) == ([], [], [], 0)
    assert report.share(0) is None


def test_only_the_top_ten_topics(db, make_inquiry):
    topics = [Topic(name=f"Topic {n:02d}") for n in range(12)]
    db.session.add_all(topics)
    for n in range(12):
        # Topic 00 is asked about in 12 inquiries, topic 01 in 11, ... topic 11 in 1.
        make_inquiry(f"Sender {n}", f"s{n}@example.org", topics=topics[: 12 - n])
    report = funnel(ReportFilters(), now=utcnow(), today=date.today(), stale_days=STALE_DAYS)
    assert [(t.name, t.inquiries) for t in report.topics] == [(f"Topic {n:02d}", 12 - n) for n in range(10)]


def test_median_and_nearest_rank_percentile():
    hours = [timedelta(hours=h) for h in (5, 1, 4, 2, 3, 10, 9, 8, 7, 6)]
    assert median(hours) == timedelta(hours=5.5)
    assert percentile(hours, 90) == timedelta(hours=9)  # the 9th of 10
    assert percentile(hours[:7], 90) == timedelta(hours=10)  # ⌈6.3⌉ = 7th of 7: 1 2 3 4 5 9 10
    assert percentile(hours, 50) == timedelta(hours=5)
    assert percentile([timedelta(hours=3)], 90) == timedelta(hours=3)
    assert median([]) is None and percentile([], 90) is None
    # 90 % of 30 is 27 exactly: the 27th value, with no floating-point rounding up to the 28th.
    assert percentile([timedelta(minutes=m) for m in range(1, 31)], 90) == timedelta(minutes=27)


def test_response_buckets_bounds():
    waits = [timedelta(hours=h) for h in (0, 23.9, 24, 47.9, 48, 167.9, 168, 1000)]
    assert response_buckets(waits) == [2, 2, 2, 2]


def test_closed_inquiries_are_not_waiting_for_an_answer(db, staff, make_inquiry):
    from crm.inquiries.services import close_inquiry, convert_inquiry

    close_inquiry(make_inquiry(sender_name="Spam"), actor=staff)
    convert_inquiry(make_inquiry(sender_name="Converted, not yet answered"), actor=staff)
    make_inquiry(sender_name="New")
    report = funnel(ReportFilters(), now=utcnow(), today=utcnow().date(), stale_days=STALE_DAYS)
    assert report.received == 3 and report.answered == 0 and report.unanswered == 2
