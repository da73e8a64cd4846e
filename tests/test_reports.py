"""The periodic report: every figure checked against the seeded records, counted here in Python
from plain model reads; small cells; the period form; who may read it; its links and its CSV."""

import csv
import datetime
import io
import re
import statistics

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from desk.models import DeskService, OutreachEvent
from lk3_flow.choices import (
    OPEN_STAGES,
    AgeGroup,
    CaseStatus,
    ClosureReason,
    IntakeChannel,
    NextStep,
    PeriodMeasure,
    ProblemCategory,
    ReferralStatus,
    Review,
    Service,
    Sex,
)
from lk3_flow.models import Case, Client, Closure, CounselingSession, Referral
from lk3_flow.selectors import age_on
from notifications.models import Kind, Notification
from regions.models import District, Village
from reports.forms import PeriodForm
from reports.selectors import SMALL_CELL, Figure, Period, Row, periodic_report, protect
from tests.factories import CIBADAK, CIKULUR, MUARA_CIUJUNG_TIMUR, in_english, make_partner
from workdays.selectors import step_allowance


def this_month() -> Period:
    today = timezone.localdate()
    first = today.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return Period(first, following - datetime.timedelta(days=1))


def months_ago(months: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=31 * months)


def set_client(case: Case, **fields) -> None:
    Client.objects.filter(pk=case.client_id).update(**fields)


def seed_report_cases(office):
    """Cases of every kind around the current month, as the report counts them.

    Registered this month: six in Rangkasbitung or Cibadak, of both sexes and every age group,
    one closed, one withdrawn, one referred. Registered before: one still open, one closed
    this month, one closed before (outside the period). Services without a case file and an
    outreach event; a referral partner whose name looks like a formula.
    """
    cibadak = District.objects.get(code=CIBADAK)
    cikulur = District.objects.get(code=CIKULUR)
    village = Village.objects.get(code=MUARA_CIUJUNG_TIMUR)
    today = timezone.localdate()
    cases = {}
    cases["dv_child"] = office.register(
        full_name="Anak Satu",
        problem_categories=[ProblemCategory.DOMESTIC_VIOLENCE, ProblemCategory.PARENTING],
        services=[Service.COUNSELING, Service.PROTECTION],
        channel=IntakeChannel.OUTREACH,
    )
    set_client(cases["dv_child"], birth_date=today.replace(year=today.year - 10), desa=village)
    cases["dv_man"] = office.register(
        full_name="Bapak Dua",
        problem_categories=[ProblemCategory.DOMESTIC_VIOLENCE],
        channel=IntakeChannel.PHONE_ONLINE,
    )
    set_client(cases["dv_man"], sex=Sex.MALE, kecamatan=cibadak)
    for n in range(3):
        cases[f"marital_{n}"] = office.register(full_name=f"Ibu Konflik {n}")
    set_client(cases["marital_2"], birth_date=None, sex="")
    cases["elderly"] = office.register(
        full_name="Nenek Enam",
        problem_categories=[ProblemCategory.ELDERLY],
        services=[Service.CONSULTATION],
    )
    set_client(cases["elderly"], birth_date=datetime.date(1940, 1, 1), kecamatan=cikulur)

    closed = office.to_closed(office.register(full_name="Selesai Tujuh"))
    cases["closed_now"] = closed
    cases["withdrawn"] = office.register(full_name="Ditarik Delapan")
    from flows import services as flow_services

    flow_services.withdraw_case(cases["withdrawn"], actor=office.head, reason="Tidak hadir.")

    referred = office.session(office.to_counseling(cases["marital_0"]), NextStep.PROPOSE_REFERRAL)
    partner = make_partner("=HYPERLINK(1)")
    referred = office.partner_response(
        office.review_referral(office.propose_referral(referred, partner)),
        ReferralStatus.ACCEPTED,
    )
    cases["marital_0"] = referred

    old_open = office.register(full_name="Lama Terbuka")
    old_closed_now = office.to_closed(office.register(full_name="Lama Selesai"))
    old_closed_before = office.to_closed(office.register(full_name="Lama Sekali"))
    Case.objects.filter(pk__in=[old_open.pk, old_closed_now.pk]).update(created_at=months_ago(2))
    Case.objects.filter(pk=old_closed_before.pk).update(created_at=months_ago(4))
    old_closed_before.process.finished = months_ago(3)
    old_closed_before.process.save(update_fields=["finished"])
    # A wait reported overdue while the closed case waited for its closure approval.
    approval = Task.objects.filter(
        process=closed.process, flow_task=office_node("approve_closure")
    ).first()
    Notification.objects.create(
        recipient=office.head, kind=Kind.OVERDUE, event_key="overdue:test", case=closed
    )
    Notification.objects.filter(event_key="overdue:test").update(
        created_at=approval.created + (approval.finished - approval.created) / 2
    )

    DeskService.objects.create(
        service=Service.CONSULTATION,
        occurred_at=timezone.now(),
        channel="phone",
        requester_kind="individual",
        topic="Hak asuh anak",
        answer="Dijelaskan.",
        handled_by=office.counselor,
    )
    DeskService.objects.create(
        service=Service.INFORMATION,
        occurred_at=months_ago(2),
        channel="walk_in",
        requester_kind="individual",
        topic="Jam layanan",
        answer="Dijelaskan.",
        handled_by=office.counselor,
    )
    event = OutreachEvent.objects.create(
        kind="awareness",
        held_on=today,
        place="Balai Desa",
        audience_kind="community",
        men=7,
        women=12,
        topic="Pencegahan KDRT",
        recorded_by=office.head,
    )
    event.officers.add(office.counselor)
    return cases


def office_node(name: str):
    from flows.flows import CaseFlow

    return CaseFlow.instance.node(name)


# --- The independent count: plain model reads, then Python over every case. ---


def bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(period.first, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(period.last + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


def cases_by_measure(period: Period) -> dict[str, set[int]]:
    start, end = bounds(period)
    found = {measure.value: set() for measure in PeriodMeasure}
    for case in Case.objects.select_related("process"):
        ended = case.process.finished if case.status != CaseStatus.OPEN else None
        if start <= case.created_at < end:
            found[PeriodMeasure.REGISTERED].add(case.pk)
        if case.created_at < end and (ended is None or ended >= start):
            found[PeriodMeasure.ACTIVE].add(case.pk)
        if ended is not None and start <= ended < end:
            kind = (
                PeriodMeasure.CLOSED
                if case.status == CaseStatus.CLOSED
                else PeriodMeasure.WITHDRAWN
            )
            found[kind].add(case.pk)
    return found


def age_group_of(birth_date: datetime.date | None, day: datetime.date) -> str:
    if birth_date is None:
        return ""
    age = age_on(birth_date, day)
    if age < 18:
        return AgeGroup.CHILD
    if age < 25:
        return AgeGroup.YOUNG_ADULT
    if age < 60:
        return AgeGroup.ADULT
    return AgeGroup.ELDERLY


def expected_figures(period: Period) -> dict[tuple[str, str, int], int]:
    """(table, row label, column) -> count, as the report should show it before suppression."""
    measures = cases_by_measure(period)
    registered = [
        case
        for case in Case.objects.select_related("client__kecamatan", "client__desa__district")
        if case.pk in measures[PeriodMeasure.REGISTERED]
    ]
    active = [case for case in Case.objects.all() if case.pk in measures[PeriodMeasure.ACTIVE]]
    start, end = bounds(period)
    expected = {}
    for category in ProblemCategory:
        label = str(category.label)
        expected["problem", label, 0] = sum(category in c.problem_categories for c in registered)
        expected["problem", label, 1] = sum(category in c.problem_categories for c in active)
    for channel in IntakeChannel:
        expected["channel", str(channel.label), 0] = sum(c.channel == channel for c in registered)
    for sex in Sex:
        expected["sex", str(sex.label), 0] = sum(c.client.sex == sex for c in registered)
    expected["sex", "Not recorded", 0] = sum(c.client.sex == "" for c in registered)
    for group in AgeGroup:
        expected["age_group", str(group.label), 0] = sum(
            age_group_of(c.client.birth_date, period.last) == group for c in registered
        )
    expected["age_group", "Not recorded", 0] = sum(c.client.birth_date is None for c in registered)
    for case in registered:
        district = case.client.kecamatan.name if case.client.kecamatan else "Not recorded"
        expected.setdefault(("kecamatan", district, 0), 0)
        expected["kecamatan", district, 0] += 1
        for index, category in enumerate(ProblemCategory):
            expected.setdefault(("kecamatan_problem", district, index), 0)
            expected["kecamatan_problem", district, index] += category in case.problem_categories
        desa = case.client.desa
        village = f"{desa.name}, {desa.district.name}" if desa else "Not recorded"
        expected.setdefault(("desa", village, 0), 0)
        expected["desa", village, 0] += 1
    sessions = [
        s for s in CounselingSession.objects.all() if s.held_at and start <= s.held_at < end
    ]
    referrals = [r for r in Referral.objects.all() if r.sent_at and start <= r.sent_at < end]
    desk = [d for d in DeskService.objects.all() if start <= d.occurred_at < end]
    events = [e for e in OutreachEvent.objects.all() if period.first <= e.held_on <= period.last]
    for service in Service:
        label = str(service.label)
        expected["services", label, 0] = sum(service in c.services for c in active)
    expected["services", str(Service.COUNSELING.label), 1] = len(sessions)
    expected["services", str(Service.REFERRAL.label), 1] = len(referrals)
    for service in (Service.CONSULTATION, Service.INFORMATION):
        expected["services", str(service.label), 2] = sum(d.service == service for d in desk)
    expected["services", str(Service.OUTREACH.label), 2] = len(events)
    closures = {
        closure.case_id: closure.reason
        for closure in Closure.objects.filter(review=Review.APPROVED)
    }
    for reason in ClosureReason:
        expected["outcomes", f"Closed: {reason.label}", 0] = sum(
            closures.get(pk) == reason for pk in measures[PeriodMeasure.CLOSED]
        )
    expected["outcomes", "Withdrawn by the head", 0] = len(measures[PeriodMeasure.WITHDRAWN])
    for referral in referrals:
        name = referral.partner.name
        expected.setdefault(("referrals", name, 0), 0)
        expected["referrals", name, 0] += 1
        answers = [
            ReferralStatus.ACCEPTED,
            ReferralStatus.DECLINED,
            ReferralStatus.COMPLETED,
            ReferralStatus.SENT,
        ]
        for index, answer in enumerate(answers, start=1):
            expected.setdefault(("referrals", name, index), 0)
            expected["referrals", name, index] += referral.status == answer
    return expected


def test_every_figure_matches_an_independent_count(seeded, settings):
    settings.LANGUAGE_CODE = "en"
    period = this_month()
    report = periodic_report(period)
    measures = cases_by_measure(period)
    assert {key: figure.count for key, figure in report.totals.items()} == {
        key: len(pks) for key, pks in measures.items()
    }
    # The seeding reaches every kind of figure: the comparison below compares something.
    assert all(len(pks) > 0 for pks in measures.values())

    expected = expected_figures(period)
    shown = {
        (table.key, row.label, index): figure.count
        for table in report.tables
        for row in table.rows
        for index, figure in enumerate(row.figures)
    }
    for key, count in expected.items():
        assert shown.get(key, 0) == count, key
    # Nothing counted that the independent count does not know of, other than zeros and the
    # services given within cases that the seeding does not give (visits, accompaniments...).
    unexplained = {
        key: count
        for key, count in shown.items()
        if key not in expected and count and key[0] != "services"
    }
    assert unexplained == {}


def test_stage_times_are_the_median_and_90th_percentile_of_the_stays(seeded):
    period = this_month()
    start, end = bounds(period)
    days: dict[str, list[float]] = {}
    for task in Task.objects.filter(status=STATUS.DONE):
        stage = task.flow_task.name
        if stage in OPEN_STAGES and start <= task.finished < end:
            days.setdefault(stage, []).append(
                (task.finished - task.created).total_seconds() / 86400
            )
    times = {time.stage: time for time in periodic_report(period).stage_times}
    assert set(times) == set(days)
    for stage, lengths in days.items():
        assert times[stage].periods == len(lengths)
        assert times[stage].median_days == round(statistics.median(lengths), 1)
        if len(lengths) > 1:
            p90 = statistics.quantiles(lengths, n=10, method="inclusive")[8]
            assert times[stage].p90_days == round(p90, 1)


def test_deadlines_met_and_missed_follow_the_overdue_reports(seeded):
    period = this_month()
    start, end = bounds(period)
    due_stages = {stage for stage in OPEN_STAGES if step_allowance(stage) is not None}
    reports = list(Notification.objects.filter(kind__in=[Kind.OVERDUE, Kind.PARTNER_RESPONSE_DUE]))
    met = missed = 0
    for task in Task.objects.filter(status=STATUS.DONE).select_related("process"):
        if task.flow_task.name not in due_stages or not start <= task.finished < end:
            continue
        case_id = Case.objects.get(process=task.process).pk
        late = any(
            n.case_id == case_id and task.created <= n.created_at <= task.finished for n in reports
        )
        missed += late
        met += not late
    deadlines = periodic_report(period).deadlines
    assert (deadlines.met, deadlines.missed) == (met, missed)
    assert deadlines.missed == 1


def test_outreach_attendance_is_summed(seeded):
    assert periodic_report(this_month()).outreach_attendance == {"events": 1, "men": 7, "women": 12}


def test_small_cells_of_people_and_places_are_shown_as_less_than_five(seeded):
    report = periodic_report(this_month())
    for key in ("sex", "age_group", "kecamatan", "desa", "problem", "kecamatan_problem"):
        for row in report.table(key).rows:
            for figure in row.figures:
                if 0 < figure.count < 5:
                    assert figure.shown == SMALL_CELL, (key, row.label)
                if figure.count == 0:
                    assert figure.shown == 0
    # What the office did describes no person and stays exact.
    for key in ("services", "channel", "outcomes", "referrals"):
        assert all(not f.suppressed for row in report.table(key).rows for f in row.figures)
    assert all(not figure.suppressed for figure in report.totals.values())


def test_a_lone_small_cell_of_a_whole_takes_the_next_smallest_with_it():
    """Female 10, male 3: with the total exact, hiding only the 3 would give it away."""
    rows = [Row("F", (Figure(10),)), Row("M", (Figure(3),)), Row("?", (Figure(0),))]
    shown = [row.figures[0].shown for row in protect(rows, splits_whole=True)]
    assert shown == [SMALL_CELL, SMALL_CELL, 0]
    # Two small cells hide each other; rows that do not split a whole need no second cell.
    two = [Row("a", (Figure(10),)), Row("b", (Figure(3),)), Row("c", (Figure(2),))]
    assert [r.figures[0].shown for r in protect(two, splits_whole=True)] == [10, "<5", "<5"]
    assert [r.figures[0].shown for r in protect(rows, splits_whole=False)] == [10, "<5", 0]


def test_the_reports_queries_do_not_grow_with_the_cases(office):
    office.register(full_name="Satu")
    period = this_month()
    with CaptureQueriesContext(connection) as few:
        periodic_report(period)
    for n in range(3):
        office.to_closed(office.register(full_name=f"Tambahan {n}"))
    with CaptureQueriesContext(connection) as more:
        periodic_report(period)
    assert len(more) == len(few)


# --- The page. ---


def test_head_and_auditor_read_the_report_and_others_are_refused(client, office):
    url = reverse("reports:index")
    assert client.get(url).status_code == 302
    for user in (office.counselor, office.intake):
        client.force_login(user)
        assert client.get(url).status_code == 403
    for user in (office.head, office.auditor):
        client.force_login(user)
        response = in_english(client).get(url)
        assert response.status_code == 200
        assert "Periodic report" in response.content.decode()


def test_the_menu_offers_the_report_to_the_head_only_among_the_staff(client, office):
    client.force_login(office.head)
    assert reverse("reports:index") in client.get("/").content.decode()
    client.force_login(office.counselor)
    assert reverse("reports:index") not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"kind": "range", "first": "2026-05-10", "last": "2026-05-01"},
            "last",
            "The last day cannot come before the first.",
        ),
        (
            {"kind": "range", "first": "2019-01-01", "last": "2026-01-01"},
            "last",
            "A report covers at most five years.",
        ),
        ({"kind": "range", "first": "kemarin", "last": ""}, "first", "Enter a valid date."),
        ({"kind": "year", "year": "abc"}, "year", "Enter a whole number."),
        ({"kind": "year", "year": "1850"}, "year", "Choose a year from 2000"),
        ({"kind": "month", "year": "2026", "month": "13"}, "month", "Select a valid choice."),
        ({"kind": "weekly"}, "kind", "Select a valid choice."),
    ],
)
def test_a_bad_period_is_explained_never_a_server_error(client, office, query, field, message):
    client.force_login(office.head)
    response = in_english(client).get(reverse("reports:index"), query)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert "report" not in response.context
    for export in ("reports:csv", "reports:xlsx"):
        assert client.get(reverse(export), query).status_code == 302


def test_the_period_defaults_to_the_current_month_and_reads_quarters_and_years():
    form = PeriodForm(PeriodForm.initial_values())
    assert form.is_valid()
    assert form.period() == this_month()
    quarter = PeriodForm({"kind": "quarter", "year": "2026", "quarter": "4"})
    assert quarter.is_valid()
    assert quarter.period() == Period(datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    year = PeriodForm({"kind": "year", "year": "2024"})
    assert year.is_valid()
    assert year.period() == Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))


def case_numbers_listed(client, response) -> set[str]:
    assert response.status_code == 302
    listing = client.get(response.url)
    assert listing.status_code == 200
    return set(re.findall(r"LK3-LBK/[^<\s]+", listing.content.decode()))


def test_each_figure_links_to_exactly_the_cases_it_counts(client, seeded, office):
    period = this_month()
    report = periodic_report(period)
    client.force_login(office.head)
    figures = [*report.totals.values()]
    for key in ("problem", "kecamatan", "desa", "sex", "age_group", "outcomes", "services"):
        figures += [row.figures[0] for row in report.table(key).rows if row.figures[0].case_terms]
    checked = 0
    for figure in figures:
        response = client.get(reverse("reports:cases"), dict(figure.case_terms))
        counted = set(
            Case.objects.filter(pk__in=_pks_of(figure, period)).values_list("number", flat=True)
        )
        assert case_numbers_listed(client, response) == counted, figure.case_terms
        assert len(counted) == figure.count
        checked += 1
    assert checked > 20


def _pks_of(figure: Figure, period: Period) -> set[int]:
    """The cases a figure counts, found in Python from its terms."""
    terms = dict(figure.case_terms)
    pks = cases_by_measure(period)[terms["period_measure"]]
    closures = {c.case_id: c.reason for c in Closure.objects.filter(review=Review.APPROVED)}
    kept = set()
    for case in Case.objects.select_related("client").filter(pk__in=pks):
        client = case.client
        if "problem" in terms and terms["problem"] not in case.problem_categories:
            continue
        if "service" in terms and terms["service"] not in case.services:
            continue
        if "sex" in terms and client.sex != terms["sex"]:
            continue
        if "kecamatan" in terms and str(client.kecamatan_id) != terms["kecamatan"]:
            continue
        if "desa" in terms and str(client.desa_id) != terms["desa"]:
            continue
        if "age_group" in terms and (
            age_group_of(client.birth_date, period.last) != terms["age_group"]
        ):
            continue
        if "closure_reason" in terms and closures.get(case.pk) != terms["closure_reason"]:
            continue
        kept.add(case.pk)
    return kept


def test_the_page_shows_the_figures_with_links_and_charts(client, seeded, office):
    client.force_login(office.auditor)
    page = in_english(client).get(reverse("reports:index")).content.decode()
    assert "<svg" in page
    assert SMALL_CELL.replace("<", "&lt;") in page
    assert reverse("reports:cases") in page
    # No client is named.
    for name in ("Anak Satu", "Bapak Dua", "Nenek Enam", "Selesai Tujuh"):
        assert name not in page


def test_the_csv_carries_the_figures_suppressed_and_neutralised(client, seeded, office):
    client.force_login(office.head)
    response = in_english(client).get(reverse("reports:csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Section", "Row", "Column", "Value"]
    sex_rows = {row[1]: row[3] for row in rows if row[0] == "Sex of the client"}
    report = periodic_report(this_month())
    assert sex_rows == {row.label: str(row.figures[0].shown) for row in report.table("sex").rows}
    assert SMALL_CELL in sex_rows.values()
    partners = [row[1] for row in rows if row[0].startswith("Referrals sent")]
    assert "'=HYPERLINK(1)" in partners
    assert not any(cell.startswith("=") for row in rows for cell in row)


def plain(cell: object) -> object:
    """A cell as a number where it reads as one (a CSV has only text), else as text."""
    if cell is None:
        return ""
    try:
        return float(cell)
    except ValueError:
        return str(cell)


def test_the_xlsx_carries_the_same_rows_as_the_csv(client, seeded, office):
    client.force_login(office.head)
    in_english(client)
    response = client.get(reverse("reports:xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    cells = [[plain(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    csv_text = b"".join(client.get(reverse("reports:csv")).streaming_content).decode()
    assert cells == [[plain(cell) for cell in row] for row in csv.reader(io.StringIO(csv_text))]
    assert [
        "Referrals sent, by partner, and the partners' answers",
        "'=HYPERLINK(1)",
        "Sent",
        1.0,
    ] in cells
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_the_list_carries_a_figures_terms_hidden_and_says_what_they_are(client, seeded, office):
    """The report's eleven terms are not drawn as inputs on every view of the list (a village
    select alone lists every desa of the regency); followed from a figure they are kept as
    hidden fields, named above the list, and kept when the list is searched further."""
    client.force_login(office.head)
    village = Client.objects.get(pk=seeded["dv_child"].client_id).desa
    terms = {**dict(this_month().case_terms(PeriodMeasure.REGISTERED)), "desa": str(village.pk)}

    listed = client.get(reverse("reports:cases"), terms, follow=True).content.decode()

    assert 'name="desa"' in listed and '<select name="desa"' not in listed
    assert f'type="hidden" name="desa" value="{village.pk}"' in listed
    assert f"<strong>{village.name}</strong>" in listed
    assert '<select name="kecamatan"' not in client.get(reverse("cases:index")).content.decode()
    searched = client.post(reverse("cases:index"), {**terms, "q": "Anak"})
    assert case_numbers_listed(client, searched) == {seeded["dv_child"].number}
