"""The figures of the periodic report to the Dinas Sosial, for any period of office days.

Every figure is an aggregate query (a GROUP BY or a conditional COUNT), so the report costs a
fixed number of queries however many cases the office holds; nothing loops over cases.

No client is named. Small cells: a count of 1 to 4 in a breakdown by a person's attributes or
place (sex, age group, district, village, problem category, and the district crossed with the
problem category) is shown as "<5", since in a small village it could point to a person; 0 stays
0. Totals stay exact: they count the whole office, which no one is recognised by. Where a
breakdown splits one whole (each case in exactly one row: sex, age group, district, village)
and a single cell of a column is suppressed, the next smallest cell of that column is
suppressed too, so that the exact total does not give the hidden cell away by subtraction. The
problem categories need no such second cell: a case may name several, so the rows do not add up
to the total. Breakdowns by what the office did (services, channel, closure reasons, referral
partners, stage times, deadlines) describe no person and stay exact.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from desk.models import DeskService, OutreachEvent
from flows.flows import CaseFlow
from lk3_flow.choices import (
    OPEN_STAGES,
    AgeGroup,
    CaseStatus,
    ClosureReason,
    ConsultationKind,
    IntakeChannel,
    PeriodMeasure,
    ProblemCategory,
    ReferralStatus,
    Review,
    Service,
    Sex,
    Stage,
)
from lk3_flow.models import (
    Accompaniment,
    Case,
    Closure,
    Consultation,
    CounselingSession,
    HomeVisit,
    Protection,
    Referral,
)
from lk3_flow.selectors import in_age_group, in_period, names_code, period_bounds
from notifications.models import Kind, Notification
from regions.models import District, Village
from workdays.selectors import step_allowance

ROMAN_QUARTERS = ("I", "II", "III", "IV")
# A count below this, above 0, is shown as SMALL_CELL where it could point to a person.
SMALL_CELL_LIMIT = 5
SMALL_CELL = "<5"
# The kinds of notification that report a wait past its due date (`fire_due_timers`).
OVERDUE_KINDS = (Kind.OVERDUE, Kind.PARTNER_RESPONSE_DUE)


@dataclass(frozen=True)
class Period:
    """Office days from `first` to `last`, both included."""

    first: datetime.date
    last: datetime.date

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        return period_bounds(self.first, self.last)

    def title(self) -> str:
        """The period as a report's title names it: a calendar month, quarter or year by its
        name, any other range by its first and last day."""
        first, last = self.first, self.last
        whole_months = first.day == 1 and (last + datetime.timedelta(days=1)).day == 1
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if whole_months and months == 1:
            return _("month of %(month)s %(year)s") % {
                "month": MONTHS[first.month],
                "year": first.year,
            }
        if whole_months and months == 3 and first.month % 3 == 1:
            return _("quarter %(quarter)s of %(year)s") % {
                "quarter": ROMAN_QUARTERS[first.month // 3],
                "year": first.year,
            }
        if whole_months and months == 12 and first.month == 1:
            return _("year %(year)s") % {"year": first.year}
        return _("%(first)s to %(last)s") % {
            "first": date_format(first, "j F Y"),
            "last": date_format(last, "j F Y"),
        }

    def case_terms(self, measure: str, **dimensions: Any) -> tuple[tuple[str, str], ...]:
        """The case list's filter terms (`lk3_flow.filters.CaseFilter`) for the cases that did
        `measure` in the period and match the dimensions."""
        terms = {
            "period_measure": measure,
            "period_from": self.first.isoformat(),
            "period_to": self.last.isoformat(),
            **{name: str(value) for name, value in dimensions.items()},
        }
        return tuple(terms.items())


@dataclass(frozen=True)
class Figure:
    """One count; `case_terms` filter the case list to the cases it counts (empty: it counts
    something other than cases)."""

    count: int
    case_terms: tuple[tuple[str, str], ...] = ()
    suppressed: bool = False

    @property
    def shown(self) -> int | str:
        return SMALL_CELL if self.suppressed else self.count


@dataclass(frozen=True)
class Row:
    label: str
    figures: tuple[Figure, ...]
    # A village's row also names its district apart (`group`) and itself alone (`name`), so
    # that the PDF can list the villages district by district.
    group: str = ""
    name: str = ""


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[Row]


@dataclass(frozen=True)
class StageTime:
    stage: str
    label: str
    periods: int
    median_days: float
    p90_days: float


@dataclass(frozen=True)
class Deadlines:
    """Steps with a due date finished in the period, on time or reported overdue, and the waits
    whose due date fell in the period and that still wait."""

    met: int
    missed: int
    still_waiting_overdue: int


@dataclass(frozen=True)
class Report:
    period: Period
    totals: dict[str, Figure]
    tables: list[Table]
    stage_times: list[StageTime]
    deadlines: Deadlines
    outreach_attendance: dict[str, int]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def protect(rows: list[Row], *, splits_whole: bool) -> list[Row]:
    """The rows with their small cells suppressed (see the module's docstring)."""
    hidden = {
        (index, column)
        for index, row in enumerate(rows)
        for column, figure in enumerate(row.figures)
        if 0 < figure.count < SMALL_CELL_LIMIT
    }
    if splits_whole:
        for column in {column for _index, column in hidden}:
            if sum(1 for _index, hidden_column in hidden if hidden_column == column) != 1:
                continue
            others = sorted(
                (row.figures[column].count, index)
                for index, row in enumerate(rows)
                if (index, column) not in hidden and row.figures[column].count > 0
            )
            if others:
                hidden.add((others[0][1], column))
    return [
        replace(
            row,
            figures=tuple(
                replace(figure, suppressed=(index, column) in hidden)
                for column, figure in enumerate(row.figures)
            ),
        )
        for index, row in enumerate(rows)
    ]


def periodic_report(period: Period) -> Report:
    """Every figure of the report for the period, in a fixed number of queries."""
    counts = _case_counts(period)
    registered = PeriodMeasure.REGISTERED
    totals = {
        measure.value: Figure(counts[measure.value], period.case_terms(measure))
        for measure in PeriodMeasure
    }
    tables = [
        _services_table(period, counts),
        Table(
            "problem",
            str(_("Problem category")),
            (str(_("Registered")), str(_("Open at some time"))),
            protect(
                [
                    Row(
                        str(category.label),
                        (
                            Figure(
                                counts[f"registered_{category}"],
                                period.case_terms(registered, problem=category),
                            ),
                            Figure(
                                counts[f"active_{category}"],
                                period.case_terms(PeriodMeasure.ACTIVE, problem=category),
                            ),
                        ),
                    )
                    for category in ProblemCategory
                ],
                splits_whole=False,
            ),
        ),
        Table(
            "channel",
            str(_("Intake channel")),
            (str(_("Registered")),),
            [
                Row(
                    str(channel.label),
                    (
                        Figure(
                            counts[f"channel_{channel}"],
                            period.case_terms(registered, channel=channel),
                        ),
                    ),
                )
                for channel in IntakeChannel
            ],
        ),
        Table(
            "sex",
            str(_("Sex of the client")),
            (str(_("Registered")),),
            protect(
                [
                    *(
                        Row(
                            str(sex.label),
                            (Figure(counts[f"sex_{sex}"], period.case_terms(registered, sex=sex)),),
                        )
                        for sex in Sex
                    ),
                    Row(str(_("Not recorded")), (Figure(counts["sex_unrecorded"]),)),
                ],
                splits_whole=True,
            ),
        ),
        Table(
            "age_group",
            str(_("Age group of the client (at the end of the period)")),
            (str(_("Registered")),),
            protect(
                [
                    *(
                        Row(
                            str(group.label),
                            (
                                Figure(
                                    counts[f"age_{group}"],
                                    period.case_terms(registered, age_group=group),
                                ),
                            ),
                        )
                        for group in AgeGroup
                    ),
                    Row(str(_("Not recorded")), (Figure(counts["age_unrecorded"]),)),
                ],
                splits_whole=True,
            ),
        ),
        *_place_tables(period),
        _outcomes_table(period, counts),
        _referrals_table(period),
    ]
    return Report(
        period=period,
        totals=totals,
        tables=tables,
        stage_times=stage_times(period),
        deadlines=deadlines(period),
        outreach_attendance=_outreach_attendance(period),
    )


def _case_counts(period: Period) -> dict[str, int]:
    """The counts over cases that need no grouping, in one pass over the period's cases.

    The pass reads the cases open at some time in the period, which every other measure is
    part of (a case registered, closed or withdrawn in the period was open in it): a count of
    open cases needs no condition of its own, which the database would test on every row."""
    first, last = period.first, period.last
    measured = {measure.value: in_period(measure, first, last) for measure in PeriodMeasure}
    registered = measured[PeriodMeasure.REGISTERED]
    active = measured.pop(PeriodMeasure.ACTIVE)
    counts: dict[str, Any] = {
        PeriodMeasure.ACTIVE.value: Count("pk"),
        **{measure: Count("pk", filter=condition) for measure, condition in measured.items()},
    }
    for category in ProblemCategory:
        problem = names_code("problem_categories", category)
        counts[f"registered_{category}"] = Count("pk", filter=registered & problem)
        counts[f"active_{category}"] = Count("pk", filter=problem)
    for service in Service:
        counts[f"service_{service}"] = Count("pk", filter=names_code("services", service))
    for channel in IntakeChannel:
        counts[f"channel_{channel}"] = Count("pk", filter=registered & Q(channel=channel))
    for sex in Sex:
        counts[f"sex_{sex}"] = Count("pk", filter=registered & Q(client__sex=sex))
    counts["sex_unrecorded"] = Count("pk", filter=registered & ~Q(client__sex__in=Sex.values))
    for group in AgeGroup:
        counts[f"age_{group}"] = Count("pk", filter=registered & in_age_group(group, last))
    counts["age_unrecorded"] = Count("pk", filter=registered & Q(client__birth_date__isnull=True))
    return Case.objects.filter(active).aggregate(**counts)


def _services_table(period: Period, counts: dict[str, int]) -> Table:
    """All seven services: the cases that need each, how often each was given within cases, and
    how often without a case file (consultations and information at the desk, outreach
    events)."""
    first, last = period.first, period.last
    start, end = period.bounds
    consultations = Consultation.objects.filter(held_at__gte=start, held_at__lt=end).aggregate(
        **{kind.value: Count("pk", filter=Q(kind=kind)) for kind in ConsultationKind}
    )
    desk = DeskService.objects.filter(occurred_at__gte=start, occurred_at__lt=end).aggregate(
        **{service: Count("pk", filter=Q(service=service)) for service in ConsultationKind.values}
    )
    given = {
        Service.COUNSELING: CounselingSession.objects.filter(
            held_at__gte=start, held_at__lt=end
        ).count(),
        Service.CONSULTATION: consultations[ConsultationKind.CONSULTATION],
        Service.INFORMATION: consultations[ConsultationKind.INFORMATION],
        Service.OUTREACH: HomeVisit.objects.filter(
            visited_on__gte=first, visited_on__lte=last
        ).count(),
        Service.PROTECTION: Protection.objects.filter(
            review=Review.APPROVED, starts_on__gte=first, starts_on__lte=last
        ).count(),
        Service.ACCOMPANIMENT: Accompaniment.objects.filter(
            accompanied_on__gte=first, accompanied_on__lte=last
        ).count(),
        Service.REFERRAL: Referral.objects.filter(sent_at__gte=start, sent_at__lt=end).count(),
    }
    without_file = {
        Service.CONSULTATION: desk[Service.CONSULTATION],
        Service.INFORMATION: desk[Service.INFORMATION],
        Service.OUTREACH: OutreachEvent.objects.filter(
            held_on__gte=first, held_on__lte=last
        ).count(),
    }
    return Table(
        "services",
        str(_("Services")),
        (
            str(_("Cases needing it, open in the period")),
            str(_("Given within cases")),
            str(_("Given without a case file")),
        ),
        [
            Row(
                str(service.label),
                (
                    Figure(
                        counts[f"service_{service}"],
                        period.case_terms(PeriodMeasure.ACTIVE, service=service),
                    ),
                    Figure(given[service]),
                    Figure(without_file.get(service, 0)),
                ),
            )
            for service in Service
        ],
    )


def _counts_by_place(period: Period) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The registered cases counted by district (each problem category too) and by village,
    in one pass over the cases grouped by the pair of ids; the names are read afterwards for
    the few hundred places found, not joined to every case."""
    registered = Case.objects.filter(
        in_period(PeriodMeasure.REGISTERED, period.first, period.last)
    ).order_by()
    problems = [f"problem_{category}" for category in ProblemCategory]
    pairs = registered.values("client__kecamatan", "client__desa").annotate(
        cases=Count("pk"),
        **{
            f"problem_{category}": Count("pk", filter=names_code("problem_categories", category))
            for category in ProblemCategory
        },
    )
    districts: dict[int | None, dict[str, Any]] = {}
    villages: dict[int | None, dict[str, Any]] = {}
    for pair in pairs:
        district = districts.setdefault(
            pair["client__kecamatan"],
            {"client__kecamatan": pair["client__kecamatan"], "cases": 0}
            | dict.fromkeys(problems, 0),
        )
        for name in ("cases", *problems):
            district[name] += pair[name]
        village = villages.setdefault(
            pair["client__desa"], {"client__desa": pair["client__desa"], "cases": 0}
        )
        village["cases"] += pair["cases"]
    district_names = dict(
        District.objects.filter(pk__in=[pk for pk in districts if pk]).values_list("pk", "name")
    )
    for pk, row in districts.items():
        row["client__kecamatan__name"] = district_names.get(pk, "")
    for pk, district, name in Village.objects.filter(
        pk__in=[pk for pk in villages if pk]
    ).values_list("pk", "district__name", "name"):
        villages[pk] |= {"client__desa__district__name": district, "client__desa__name": name}
    for row in villages.values():
        row.setdefault("client__desa__district__name", "")
        row.setdefault("client__desa__name", "")
    return (
        sorted(districts.values(), key=lambda row: row["client__kecamatan__name"]),
        sorted(
            villages.values(),
            key=lambda row: (row["client__desa__district__name"], row["client__desa__name"]),
        ),
    )


def _place_tables(period: Period) -> list[Table]:
    """Registered cases by district (with each problem category crossed) and by village."""
    by_district, by_village = _counts_by_place(period)
    measure = PeriodMeasure.REGISTERED

    def district_label(row: dict[str, Any]) -> str:
        return row["client__kecamatan__name"] or str(_("Not recorded"))

    def district_terms(row: dict[str, Any], **more: Any) -> tuple[tuple[str, str], ...]:
        district = row["client__kecamatan"]
        return period.case_terms(measure, kecamatan=district, **more) if district else ()

    districts = Table(
        "kecamatan",
        str(_("District (kecamatan) of the client")),
        (str(_("Registered")),),
        protect(
            [
                Row(district_label(row), (Figure(row["cases"], district_terms(row)),))
                for row in _unrecorded_last(by_district, "client__kecamatan")
            ],
            splits_whole=True,
        ),
    )
    crossed = Table(
        "kecamatan_problem",
        str(_("District and problem category")),
        tuple(str(category.label) for category in ProblemCategory),
        protect(
            [
                Row(
                    district_label(row),
                    tuple(
                        Figure(
                            row[f"problem_{category}"],
                            district_terms(row, problem=category),
                        )
                        for category in ProblemCategory
                    ),
                )
                for row in _unrecorded_last(by_district, "client__kecamatan")
            ],
            splits_whole=False,
        ),
    )
    villages = Table(
        "desa",
        str(_("Village (desa/kelurahan) of the client")),
        (str(_("Registered")),),
        protect(
            [
                Row(
                    f"{row['client__desa__name']}, {row['client__desa__district__name']}"
                    if row["client__desa"]
                    else str(_("Not recorded")),
                    (
                        Figure(
                            row["cases"],
                            period.case_terms(measure, desa=row["client__desa"])
                            if row["client__desa"]
                            else (),
                        ),
                    ),
                    group=row["client__desa__district__name"] or "",
                    name=row["client__desa__name"] or str(_("Not recorded")),
                )
                for row in _unrecorded_last(by_village, "client__desa")
            ],
            splits_whole=True,
        ),
    )
    return [districts, villages, crossed]


def _unrecorded_last(rows: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    rows = list(rows)
    return [row for row in rows if row[key]] + [row for row in rows if not row[key]]


def _outcomes_table(period: Period, counts: dict[str, int]) -> Table:
    """How the cases that ended in the period ended: each closure reason, and withdrawal."""
    closed = Case.objects.filter(in_period(PeriodMeasure.CLOSED, period.first, period.last))
    by_reason = dict(
        Closure.objects.filter(review=Review.APPROVED, case__in=closed)
        .values("reason")
        .annotate(cases=Count("case", distinct=True))
        .values_list("reason", "cases")
        .order_by()
    )
    closed_measure = PeriodMeasure.CLOSED
    return Table(
        "outcomes",
        str(_("Outcomes: how cases ended")),
        (str(_("Cases")),),
        [
            *(
                Row(
                    str(_("Closed: %(reason)s") % {"reason": reason.label}),
                    (
                        Figure(
                            by_reason.get(reason.value, 0),
                            period.case_terms(closed_measure, closure_reason=reason),
                        ),
                    ),
                )
                for reason in ClosureReason
            ),
            Row(
                str(_("Withdrawn by the head")),
                (
                    Figure(
                        counts[PeriodMeasure.WITHDRAWN],
                        period.case_terms(PeriodMeasure.WITHDRAWN),
                    ),
                ),
            ),
        ],
    )


def _referrals_table(period: Period) -> Table:
    """Referrals sent in the period, per partner, and the partner's answer as it stands."""
    start, end = period.bounds
    answers = (
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.COMPLETED,
        ReferralStatus.SENT,
    )
    rows = (
        Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
        .values("partner__name")
        .annotate(
            referrals=Count("pk"),
            **{f"answer_{answer}": Count("pk", filter=Q(status=answer)) for answer in answers},
        )
        .order_by("partner__name")
    )
    return Table(
        "referrals",
        str(_("Referrals sent, by partner, and the partners' answers")),
        (
            str(_("Sent")),
            str(_("Accepted")),
            str(_("Declined")),
            str(_("Completed")),
            str(_("No answer yet")),
        ),
        [
            Row(
                row["partner__name"],
                (
                    Figure(row["referrals"]),
                    *(Figure(row[f"answer_{answer}"]) for answer in answers),
                ),
            )
            for row in rows
        ],
    )


def _outreach_attendance(period: Period) -> dict[str, int]:
    totals = OutreachEvent.objects.filter(
        held_on__gte=period.first, held_on__lte=period.last
    ).aggregate(events=Count("pk"), men=Sum("men"), women=Sum("women"))
    return {key: value or 0 for key, value in totals.items()}


def _stage_nodes(stages: Iterable[str]) -> list[Any]:
    return [node for node in CaseFlow.instance.nodes() if node.name in set(stages)]


def _finished_steps(period: Period, stages: Iterable[str]) -> QuerySet:
    """The steps of cases' processes, at the stages, that were done within the period."""
    start, end = period.bounds
    return Task.objects.filter(
        flow_task__in=_stage_nodes(stages),
        status=STATUS.DONE,
        finished__gte=start,
        finished__lt=end,
    ).order_by()


class Percentile(Aggregate):
    """PostgreSQL's continuous percentile of an interval."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, *, fraction: float) -> None:
        super().__init__(expression, fraction=float(fraction), output_field=DurationField())


def stage_times(period: Period) -> list[StageTime]:
    """The median and 90th percentile of the days a case spent at each stage, over the stays
    that ended within the period.

    PostgreSQL computes the percentiles itself; the embedded SQLite has no percentile function,
    so there the stays' lengths are read and computed here (an embedded office's few cases).
    """
    steps = _finished_steps(period, OPEN_STAGES)
    length = ExpressionWrapper(F("finished") - F("created"), output_field=DurationField())
    per_stage: dict[str, tuple[int, float, float]] = {}
    if connection.vendor == "postgresql":
        for row in (
            steps.values("flow_task")
            .annotate(
                periods=Count("pk"),
                median=Percentile(length, fraction=0.5),
                p90=Percentile(length, fraction=0.9),
            )
            .order_by()
        ):
            per_stage[row["flow_task"].name] = (
                row["periods"],
                _days(row["median"]),
                _days(row["p90"]),
            )
    else:
        lengths: dict[str, list[float]] = defaultdict(list)
        for node, span in steps.annotate(span=length).values_list("flow_task", "span"):
            lengths[node.name].append(span.total_seconds() / 86400)
        for stage, days in lengths.items():
            per_stage[stage] = (len(days), _percentile(days, 0.5), _percentile(days, 0.9))
    return [
        StageTime(stage.value, str(stage.label), *per_stage[stage.value])
        for stage in Stage
        if stage.value in per_stage
    ]


def _days(span: datetime.timedelta | None) -> float:
    return round(span.total_seconds() / 86400, 1) if span else 0.0


def _percentile(values: list[float], fraction: float) -> float:
    """As PostgreSQL's percentile_cont: interpolated between the two nearest values."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return round(ordered[0], 1)
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return round(ordered[below] + (ordered[above] - ordered[below]) * (position - below), 1)


def deadlines(period: Period) -> Deadlines:
    """Deadlines met and missed, from what the office recorded when a wait passed its due date.

    A step with a due date that was finished in the period was missed when the escalation timer
    reported it overdue (`notifications.services.fire_due_timers`) while the step waited, and met
    otherwise. The waits whose due date fell in the period and that still wait count apart.
    """
    due_stages = [stage for stage in OPEN_STAGES if step_allowance(stage) is not None]
    reported_late = Notification.objects.filter(
        case__process=OuterRef("process"),
        kind__in=OVERDUE_KINDS,
        created_at__gte=OuterRef("created"),
        created_at__lte=OuterRef("finished"),
    )
    finished = _finished_steps(period, due_stages)
    # Two counts rather than one with a condition per step: as a condition, the database asks
    # the notifications of every step's case; as a filter, it reads the few reports once.
    steps = finished.count()
    missed = finished.filter(Exists(reported_late)).count()
    start, end = period.bounds
    still_waiting = Case.objects.filter(
        status=CaseStatus.OPEN, due_at__gte=start, due_at__lt=min(end, timezone.now())
    ).count()
    return Deadlines(steps - missed, missed, still_waiting)
