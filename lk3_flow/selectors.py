"""Reads of the case domain."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from regions.models import District, Village

from .choices import (
    AGE_GROUP_YEARS,
    CaseStatus,
    NextStep,
    PeriodMeasure,
    ReferralStatus,
    Review,
)
from .models import (
    Accompaniment,
    Assessment,
    Case,
    Client,
    Closure,
    Consultation,
    CounselingSession,
    HomeVisit,
    HouseholdMember,
    Partner,
    Protection,
    Referral,
)
from .names import name_key, phone_key, word_keys
from .nik import NIK_LENGTH

# Under this age a person is a child (UU 35/2014 on child protection): a letter about them goes
# to their parent or guardian.
ADULT_AGE = 18


def overdue(case_path: str = "") -> Q:
    """An open case whose due time has passed."""
    return Q(**{f"{case_path}status": CaseStatus.OPEN, f"{case_path}due_at__lt": timezone.now()})


def with_overdue_flag(queryset: QuerySet, case_path: str = "") -> QuerySet:
    """Each row with `is_overdue`, for lists to flag."""
    return queryset.annotate(
        is_overdue=ExpressionWrapper(overdue(case_path), output_field=BooleanField())
    )


def period_bounds(
    first: datetime.date, last: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The moments a period of office days starts and ends (exclusive), in the office's time
    zone: a report for November counts what happened in Rangkasbitung's November."""
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    day_after = last + datetime.timedelta(days=1)
    return start, timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))


def in_period(measure: str, first: datetime.date, last: datetime.date, case_path: str = "") -> Q:
    """The cases that did `measure` (a `PeriodMeasure`) between the two days, both included.

    A case ends when its process does (closed or withdrawn); an open case has not ended, so it
    is open at some time in every period from its registration on.
    """
    start, end = period_bounds(first, last)
    registered = f"{case_path}created_at"
    ended = f"{case_path}process__finished"
    status = f"{case_path}status"
    if measure == PeriodMeasure.REGISTERED:
        return Q(**{f"{registered}__gte": start, f"{registered}__lt": end})
    if measure == PeriodMeasure.ACTIVE:
        still_open = Q(**{status: CaseStatus.OPEN}) | Q(**{f"{ended}__gte": start})
        return Q(**{f"{registered}__lt": end}) & still_open
    ending = {
        PeriodMeasure.CLOSED: CaseStatus.CLOSED,
        PeriodMeasure.WITHDRAWN: CaseStatus.WITHDRAWN,
    }
    return Q(**{status: ending[measure], f"{ended}__gte": start, f"{ended}__lt": end})


def in_age_group(group: str, on: datetime.date, client_path: str = "client__") -> Q:
    """Clients whose age on `on` falls in the `AgeGroup`; a client without a birth date is in
    none. Comparing birth dates with fixed days keeps the test in the database's index order."""
    lower, upper = AGE_GROUP_YEARS[group]
    born = f"{client_path}birth_date"
    condition = Q(**{f"{born}__isnull": False})
    if lower is not None:
        condition &= Q(**{f"{born}__lte": _years_before(on, lower)})
    if upper is not None:
        condition &= Q(**{f"{born}__gt": _years_before(on, upper)})
    return condition


def _years_before(day: datetime.date, years: int) -> datetime.date:
    """The birthday on which someone is `years` old on `day` (28 February for a leap day)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def names_code(field: str, code: str) -> Q:
    """Rows whose JSON list `field` holds `code` (a problem category, a service).

    PostgreSQL asks the list itself whether it holds the string (jsonb's `?`, which the
    periodic report asks of every case of a year, for each code: a quarter cheaper than
    containment, `@>`, and several times cheaper than matching the list's text). SQLite has
    neither; there a code appears in the list's text only as a quoted element, which a match
    of the text finds.
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__has_key": code})
    return Q(**{f"{field}__icontains": f'"{code}"'})


def closed_for(reason: str, case_path: str = "") -> Q:
    """Cases whose approved closure gave the `ClosureReason`."""
    approved = Closure.objects.filter(
        case=OuterRef(f"{case_path}pk"), review=Review.APPROVED, reason=reason
    )
    return Q(Exists(approved))


def address_of(client: Client) -> str:
    """The client's address as letters and the case file print it, leaving out what is empty:
    "Jl. Multatuli No. 7, Kel. Muara Ciujung Timur, Kec. Rangkasbitung"; "Kec. Cibadak"."""
    parts = [
        client.address.strip(),
        client.desa.designation if client.desa else "",
        f"Kec. {client.kecamatan.name}" if client.kecamatan else "",
    ]
    return ", ".join(part for part in parts if part)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Full years of age on `day`; someone born on 29 February turns a year older on 1 March."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_minor(member: HouseholdMember, day: datetime.date) -> bool:
    return member.birth_date is not None and age_on(member.birth_date, day) < ADULT_AGE


def household_of(case: Case) -> QuerySet:
    """The members of the case's client's household, whom a session or referral can be about."""
    return HouseholdMember.objects.filter(client_id=case.client_id).order_by("pk")


def latest_assessment(case: Case) -> Assessment | None:
    return case.assessments.order_by("-id").first()


def latest_session(case: Case) -> CounselingSession | None:
    return case.sessions.order_by("-id").first()


def last_session_time(case: Case) -> datetime.datetime | None:
    """When the case's latest session took place: held, or else scheduled."""
    return case.sessions.aggregate(last=Max(Coalesce("held_at", "scheduled_at")))["last"]


def latest_referral(case: Case) -> Referral | None:
    return case.referrals.order_by("-id").first()


def latest_closure(case: Case) -> Closure | None:
    return case.closures.order_by("-id").first()


def assessment_approved(case: Case) -> bool:
    assessment = latest_assessment(case)
    return assessment is not None and assessment.review == Review.APPROVED


def plan_approver(case: Case) -> AbstractBaseUser | None:
    """The head who approved the case's latest approved assessment and its intervention plan."""
    assessment = (
        case.assessments.filter(review=Review.APPROVED)
        .select_related("reviewed_by__lk3_profile")
        .order_by("-id")
        .first()
    )
    return assessment.reviewed_by if assessment else None


def referral_approved(case: Case) -> bool:
    referral = latest_referral(case)
    return referral is not None and referral.status == ReferralStatus.SENT


def latest_protection(case: Case) -> Protection | None:
    return case.protections.order_by("-id").first()


def protection_approved(case: Case) -> bool:
    protection = latest_protection(case)
    return protection is not None and protection.review == Review.APPROVED


def awaiting_report(case: Case, kind: str) -> Any:
    """The case's latest activity of `kind` (a `HISTORY_SOURCES` key) still without its report."""
    model = HISTORY_SOURCES[kind][0]
    return (
        model.objects.filter(case=case, next_step="")
        .select_related("person_concerned", "counselor")
        .order_by("-id")
        .first()
    )


def closure_approved(case: Case) -> bool:
    closure = latest_closure(case)
    return closure is not None and closure.review == Review.APPROVED


def counselor_wants(case: Case, step: NextStep) -> bool:
    session = latest_session(case)
    return session is not None and session.next_step == step


def returned_assessment(case: Case) -> Assessment | None:
    """The head's last returned assessment, when it is the latest one: the counselor revises it."""
    assessment = latest_assessment(case)
    return assessment if assessment and assessment.review == Review.RETURNED else None


Proposal = Assessment | Referral | Closure | Protection

# What a head can send back to the counselor, by the name a returned task's data keeps.
RETURNABLE: dict[str, type[Proposal]] = {
    "assessment": Assessment,
    "referral": Referral,
    "closure": Closure,
    "protection": Protection,
}


@dataclass(frozen=True)
class Return:
    """A proposal the head sent back, and why: what the counselor reads before revising."""

    note: str
    kind: str = ""
    record: Proposal | None = None

    @property
    def reviewer(self) -> AbstractBaseUser | None:
        return self.record.reviewed_by if self.record else None

    @property
    def returned_at(self) -> datetime.datetime | None:
        return self.record.reviewed_at if self.record else None


def return_note(returned: Proposal) -> dict[str, object]:
    """The task data that carries a return to the counselor's next task: the note, and which
    record it is about (by kind and id, never its content)."""
    return {
        "returned_comment": returned.review_comment,
        "returned_record": [returned._meta.model_name, returned.pk],
    }


def returned_to_counselor(case: Case, task_data: dict) -> Return | None:
    """The return a counselor's task was created by, if any.

    Tasks created before the record was kept in their data carry the note alone.
    """
    note = task_data.get("returned_comment")
    if not note:
        return None
    kind, pk = (task_data.get("returned_record") or ["", None])[:2]
    model = RETURNABLE.get(kind)
    if model is None:
        return Return(note=note)
    related = ["reviewed_by", "partner"] if model is Referral else ["reviewed_by"]
    record = model.objects.select_related(*related).filter(case=case, pk=pk).first()
    return Return(note=note, kind=kind if record else "", record=record)


def returns_of(case: Case) -> list[Return]:
    """Every proposal of the case that the head returned, oldest first.

    Read from the case's prefetched records (`case_with_records`), so it costs no query.
    """
    returned = [
        Return(note=record.review_comment, kind=kind, record=record)
        for kind, records in (
            ("assessment", case.assessments.all()),
            ("referral", case.referrals.all()),
            ("closure", case.closures.all()),
            ("protection", case.protections.all()),
        )
        for record in records
        if _was_returned(record)
    ]
    return sorted(returned, key=lambda item: item.returned_at or item.record.created_at)


def _was_returned(record: Proposal) -> bool:
    if isinstance(record, Referral):
        return record.status == ReferralStatus.RETURNED
    return record.review == Review.RETURNED


def active_partners() -> QuerySet:
    return Partner.objects.filter(active=True).order_by("category", "name")


# Fewer digits than this are a case number's, not a phone number's or a NIK's beginning.
MIN_SEARCH_DIGITS = 6
# Fewer letters than this name too many villages to narrow a search.
MIN_PLACE_LETTERS = 3
# The duplicate check names at most this many clients: more means the name says too little.
MAX_DUPLICATES = 10


def _spelled_alike(text: str) -> Q | None:
    """Rows whose name key has, for each word of `text`, a word starting like it: " ded" finds
    "Dedi" and "Dedy" (`lk3_flow.names`). None when the text has no word to search by."""
    keys = word_keys(text)
    if not keys:
        return None
    match = Q()
    for key in keys:
        match &= Q(name_key__contains=f" {key}")
    return match


def _a_typo_away(text: str) -> Q:
    """Rows whose name key holds the text's words a typo away (PostgreSQL trigram word
    similarity). Much looser than `_spelled_alike` ("Dedi Kurniawan" finds every Kurniawan), so
    asked only when nothing else finds anybody."""
    return Q(TrigramWordSimilar(F("name_key"), " ".join(word_keys(text))))


def clients_matching(text: str) -> QuerySet:
    """Clients found by a search's text: name or household member spelled alike, NIK, phone, place.

    Callers narrow the result to the clients the searcher may know (`cases_named_for`): this
    says only who matches. Each way of matching is its own query, joined by UNION, so that each
    is served by its own index; ORed in one WHERE, they would test every client in turn.
    """
    text = text.strip()
    clients = Client.objects.values("pk")
    members = HouseholdMember.objects.values("client")
    ways = []
    by_name = _spelled_alike(text)
    if by_name is not None:
        ways += [clients.filter(by_name), members.filter(by_name)]
    digits = "".join(char for char in text if char.isascii() and char.isdigit())
    if len(digits) >= MIN_SEARCH_DIGITS and len(digits) * 2 > len(text):
        ways.append(clients.filter(nik__startswith=digits))
        ways.append(clients.filter(phone_key__contains=phone_key(text)))
    if len(text) >= MIN_PLACE_LETTERS and not digits:
        villages = Village.objects.filter(name__icontains=text).values("pk")
        districts = District.objects.filter(name__icontains=text).values("pk")
        ways.append(clients.filter(desa__in=villages))
        ways.append(clients.filter(kecamatan__in=districts))
    if not ways:
        return Client.objects.none()
    found = ways[0].union(*ways[1:])
    if by_name is not None and connection.vendor == "postgresql" and not found.exists():
        # Clients only: the planner scans the members for a trigram test, row by row.
        found = clients.filter(_a_typo_away(text))
    return Client.objects.filter(pk__in=found)


def registered_niks(niks: Iterable[str], *, other_than: Client | None = None) -> set[str]:
    """Which of these NIKs a client (other than `other_than`) is registered with. A record
    merged into another keeps no NIK, so every NIK found is a person's."""
    clients = Client.objects.filter(nik__in=list(niks))
    if other_than is not None:
        clients = clients.exclude(pk=other_than.pk)
    return set(clients.values_list("nik", flat=True))


def possible_duplicate_clients(
    *, nik: str, full_name: str, birth_date: datetime.date | None
) -> QuerySet:
    """Clients that may be the person at the desk: the same NIK, the same name however spelled,
    or the same birth date and a name sharing a word with theirs."""
    match = Q(pk__in=[])
    if len(nik) == NIK_LENGTH:
        match |= Q(nik=nik)
    key = name_key(full_name)
    if key:
        match |= Q(name_key=key)
    if birth_date:
        shares_a_word = Q(pk__in=[])
        for word in word_keys(full_name):
            shares_a_word |= Q(name_key__contains=f" {word} ")
        match |= Q(birth_date=birth_date) & shares_a_word
    return (
        Client.objects.filter(match, merged_into__isnull=True)
        .select_related("kecamatan")
        .order_by("full_name", "pk")[:MAX_DUPLICATES]
    )


@dataclass(frozen=True)
class MergePlan:
    """What joining `merged` into `kept` moves: every record is listed before it happens."""

    kept: Client
    merged: Client
    cases: list[Case]
    members: list[HouseholdMember]
    filled: dict[str, Any]  # the kept client's empty fields, and the merged one's values for them

    @property
    def filled_for_reading(self) -> list[tuple[str, str]]:
        """The data filled in as a person reads them: field label, value."""
        readable = []
        for name, value in self.filled.items():
            field = Client._meta.get_field(name)
            if field.choices:
                value = dict(field.flatchoices).get(value, value)
            elif isinstance(value, datetime.date):
                value = date_format(value, "j F Y")
            readable.append((str(field.verbose_name), str(value)))
        return readable


# The identity a merge fills in where the kept record has nothing.
MERGED_FIELDS = (
    "nik",
    "family_card_number",
    "sex",
    "birth_date",
    "address",
    "kecamatan",
    "desa",
    "phone",
    "email",
)


def merge_plan(*, kept: Client, merged: Client) -> MergePlan:
    filled = {
        name: getattr(merged, name)
        for name in MERGED_FIELDS
        if getattr(kept, name) in ("", None) and getattr(merged, name) not in ("", None)
    }
    return MergePlan(
        kept=kept,
        merged=merged,
        cases=list(merged.cases.order_by("created_at", "pk")),
        members=list(merged.members.order_by("pk")),
        filled=filled,
    )


def merge_candidates(client: Client) -> list[Client]:
    """Other clients that may be this one, found as the registration's check finds them."""
    similar = possible_duplicate_clients(
        nik=client.nik, full_name=client.full_name, birth_date=client.birth_date
    )
    return [other for other in similar if other.pk != client.pk]


def case_with_records(case_id: int) -> Case:
    """A case with everything its detail page shows, in a fixed number of queries."""
    return (
        Case.objects.select_related(
            "client__kecamatan",
            "client__desa",
            "counselor",
            "registered_by",
            "reopened_from",
        )
        .prefetch_related(
            "client__members",
            "assessments__author",
            "assessments__reviewed_by",
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related(
                    "partner", "proposed_by", "reviewed_by", "person_concerned"
                ),
            ),
            "closures__proposed_by",
            "closures__reviewed_by",
            "protections__reviewed_by",
            "reopenings",
            "counselor_changes__previous",
            "counselor_changes__new",
            "counselor_changes__changed_by",
        )
        .get(pk=case_id)
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One service given in a case, as its history lists it."""

    kind: str
    when: datetime.datetime
    record: Any


# Each kind of service the history lists: its records, the moment that orders it (held or else
# planned), and what its row shows beside it.
HISTORY_SOURCES: dict[str, tuple[type, Any, tuple[str, ...]]] = {
    "session": (CounselingSession, Coalesce("held_at", "scheduled_at"), ("counselor",)),
    "home_visit": (HomeVisit, Coalesce("visited_on", "planned_on"), ("counselor",)),
    "accompaniment": (Accompaniment, Coalesce("accompanied_on", "planned_on"), ("counselor",)),
    "protection": (Protection, F("starts_on"), ("counselor", "reviewed_by")),
    "consultation": (Consultation, F("held_at"), ("counselor",)),
}
HISTORY_PAGE_SIZE = 10


def service_history(case: Case, page_number: Any = 1) -> Page:
    """The services given in the case, newest first, one page of them.

    A case followed for years gathers hundreds of sessions and visits: the page reads the kinds,
    ids and dates of all of them in one indexed union, and the records of only the page's ten.
    """
    moments = [
        model.objects.filter(case=case)
        .annotate(
            history_kind=Value(kind, output_field=CharField()),
            moment=Cast(moment, DateTimeField()),
        )
        .values_list("history_kind", "pk", "moment", "created_at")
        .order_by()
        for kind, (model, moment, _related) in HISTORY_SOURCES.items()
    ]
    # Two services of one day in the order they were recorded.
    history = moments[0].union(*moments[1:], all=True).order_by("-moment", "-created_at")
    page = Paginator(history, HISTORY_PAGE_SIZE).get_page(page_number)
    wanted: dict[str, list[int]] = {}
    for kind, pk, _moment, _recorded in page.object_list:
        wanted.setdefault(kind, []).append(pk)
    records = {
        kind: HISTORY_SOURCES[kind][0]
        .objects.select_related("person_concerned", *HISTORY_SOURCES[kind][2])
        .in_bulk(pks)
        for kind, pks in wanted.items()
    }
    page.object_list = [
        HistoryEntry(kind=kind, when=moment, record=records[kind][pk])
        for kind, pk, moment, _recorded in page.object_list
    ]
    return page
