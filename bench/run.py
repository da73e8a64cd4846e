"""`make bench`: seed N cases on PostgreSQL, measure, and write docs/benchmarks.md.

Each timing is the median and 95th percentile of repeated runs in this process (server time, no
network), with the number of queries of one run. Beside them, side by side in the same run, what
issue 13 asks of the audit log: 50 letters of mixed kinds issued at once by 50 processes against
the same 50 one at a time; an auditor's read of one case while another process approves an
assessment whose report fills many pages; a counseling completion against bare viewflow writing
the same record; and `verify_audit`'s rate. The load run puts gunicorn with two workers under 50
simulated staff on loopback for 60 seconds, counselors recording sessions and heads approving
among their page reads, each write named on its own in locust's statistics.
"""

import contextlib
import csv
import datetime
import json
import multiprocessing
import os
import platform
import queue
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CASES = int(os.environ.get("BENCH_CASES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
LOAD_PORT = 8765
# Seconds each simulated person spends on a page before the next. "office" is a brisk working
# pace and is held to the target; "rush" is far beyond what 50 people click and shows capacity.
LOAD_PACES = [("office", (1.0, 5.0)), ("rush", (0.5, 2.0))]
# Who the 50 simulated users are: counselors, most in two browser tabs, and the two heads.
LOAD_USERS = 50
LOAD_COUNSELORS = 25
HEAD_SLOTS = 4
# Locust's names of the write requests, reported on their own beside the run as a whole.
WRITES = {
    "write: session recorded": "counselors recording a session (POST)",
    "write: approval recorded": "heads approving (POST)",
}
PDF_REPORT_NOTE = "each of its views is an action of its own: the longest report a case makes"
TARGETS = {
    "page": 100.0,
    "home_page": 150.0,
    "timeline": 150.0,
    "search": 100.0,
    "report_pdf": 2000.0,
    "letter_ratio": 1.15,
    # Issuing a letter whose file is signed against issuing one whose file is not, as before.
    "signed_letter_ratio": 1.5,
    "task_ratio": 1.3,
    "verify_rate": 150_000.0,
    "load_p95": 300.0,
    # 50 letters at once on two cores: their rendering overlaps, nothing makes them take turns.
    "parallel_letters_ratio": 0.8,
    # A read of one case while another case's long letter renders: at most this much slower.
    "read_during_letter": 50.0,
    "due_timers_seconds": 10.0,
    # The page of a case followed for years: 200 services given, its history paginated.
    "long_case_page": 150.0,
    # Recording a service activity against recording a counseling session, both through the flow.
    "activity_ratio": 1.0,
    # A year's periodic report for the Dinas Sosial, on screen for the head.
    "periodic_report": 1000.0,
    # The same year issued as the signed PDF the Dinas receives: counted, drawn, signed, stored.
    "periodic_report_pdf": 5000.0,
}
REPORT_PDF_RUNS = 5
LONG_CASE_SERVICES = 200
DUE_TIMERS = 10_000
PARALLEL_LETTERS = 50
# The two cores are shared with whatever the database still does after the seed; the median of
# a few rounds, each timing one at a time and then at once, keeps one unlucky round from deciding.
PARALLEL_ROUNDS = 3
# verify_audit reads the whole chain; the first run after the load also competes with the
# database's own catching up (autovacuum, checkpoints), so it is timed several times.
VERIFY_RUNS = 5


def recreate_database() -> None:
    import environ
    import psycopg

    url = environ.Env().db_url_config(
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lk3_bench")
    )
    with psycopg.connect(
        host=url["HOST"],
        port=url["PORT"] or 5432,
        user=url["USER"],
        dbname="postgres",
        password=url["PASSWORD"] or None,
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url["NAME"]}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{url["NAME"]}"')


def timed(action: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Median and p95 in milliseconds, after two warm-up runs."""
    [(median, p95)] = timed_in_turn([action], runs)
    return median, p95


def timed_in_turn(
    actions: list[Callable[[], object]],
    runs: int = RUNS,
    within: list[Callable[[], Any]] | None = None,
) -> list[tuple[float, float]]:
    """Median and p95 of each action, the actions run in turn, so that whatever else the machine
    does in the meantime weighs on each alike; after two warm-up rounds. `within` gives each
    action a context to run in, entered and left outside its timing."""
    contexts = within or [contextlib.nullcontext for _ in actions]
    samples: list[list[float]] = [[] for _ in actions]
    for round_number in range(runs + 2):
        for action, context, times in zip(actions, contexts, samples, strict=True):
            with context():
                start = time.perf_counter()
                action()
                seconds = time.perf_counter() - start
            if round_number >= 2:
                times.append(seconds * 1000)
    results = []
    for times in samples:
        times.sort()
        results.append((statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]))
    return results


def query_count(action: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, what: str, median: str, p95: str, queries: str, verdict: str) -> None:
        self.rows.append((what, median, p95, queries, verdict))
        print(f"{what:60} {median:>12} {p95:>12} {queries:>8}  {verdict}", flush=True)

    def timing(
        self, what: str, median: float, p95: float, queries: int | None = None, verdict: str = ""
    ) -> None:
        """A row of milliseconds, as `timed` measures them."""
        self.add(
            what,
            f"{median:.1f} ms",
            f"{p95:.1f} ms",
            "" if queries is None else str(queries),
            verdict,
        )


def verdict(value: float, target: float, lower_is_better: bool = True) -> str:
    met = value <= target if lower_is_better else value >= target
    comparison = "≤" if lower_is_better else "≥"
    return f"{'met' if met else 'MISSED'} (target {comparison} {target:g})"


def measure_pages(report: Report, seeded: dict) -> None:
    from django.test import Client

    from lk3_flow.models import Case

    people = seeded["people"]
    counselor, head, auditor = people["counselor"][0], people["head"][0], people["auditor"][0]
    own = Case.objects.filter(counselor=counselor).order_by("-id").values_list("pk", flat=True)[0]
    homes = [
        ("head: home page", head),
        ("counselor: home page", counselor),
        # The one who registered every seeded case.
        ("intake officer: home page", people["intake_officer"][0]),
        ("auditor: home page", auditor),
        ("administrator: home page", people["administrator"][0]),
    ]
    pages = [(label, user, "/", "home_page") for label, user in homes] + [
        (label, user, url, "page")
        for label, user, url in [
            ("counselor: inbox", counselor, "/case/inbox/"),
            ("counselor: case list", counselor, "/cases/"),
            ("counselor: case detail", counselor, f"/cases/{own}/"),
            ("head: queue", head, "/case/queue/"),
            ("head: inbox", head, "/case/inbox/"),
            ("head: case list", head, "/cases/"),
            ("head: case detail", head, f"/cases/{own}/"),
        ]
    ]
    for label, user, url, target in pages:
        client = Client()
        client.force_login(user)

        def get(client: Client = client, url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        median, p95 = timed(get)
        report.timing(
            label,
            median,
            p95,
            query_count(get),
            verdict(p95, TARGETS[target]),
        )
    measure_searches(report, head, people["intake_officer"][0])
    # The head's home page keeps its office-wide counts for LK3_OFFICE_COUNTS_SECONDS (home.office);
    # the rows above are the views within that minute, this one the view that counts again.
    from django.core.cache import caches

    client = Client()
    client.force_login(head)

    def home_counted_anew() -> None:
        caches["shared"].clear()
        assert client.get("/").status_code == 200

    median, p95 = timed(home_counted_anew)
    report.timing(
        "head: home page, the view that counts the office again (once a minute)",
        median,
        p95,
        query_count(home_counted_anew),
    )
    from bench.seed import PASSWORD

    def log_in(user: object = counselor) -> None:
        response = Client().post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=True
        )
        assert response.status_code == 200 and response.wsgi_request.user.is_authenticated

    median, p95 = timed(log_in)
    report.timing(
        "counselor: log in and land on the home page (2 requests)",
        median,
        p95,
        query_count(log_in),
    )
    client = Client()
    client.force_login(auditor)
    url = f"/audit/kasus/{seeded['long_case'].pk}/"

    def timeline() -> None:
        assert client.get(url).status_code == 200

    median, p95 = timed(timeline)
    report.timing(
        f"auditor: timeline of a case with {seeded['long_case'].audit_events.count()} events",
        median,
        p95,
        query_count(timeline),
        verdict(p95, TARGETS["timeline"]),
    )

    def report_pdf() -> None:
        response = client.get(f"{url}pdf/")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")

    median, p95 = timed(report_pdf, runs=min(RUNS, 5))
    report.timing(
        f"auditor: PDF report of the same case, one line per action ({PDF_REPORT_NOTE})",
        median,
        p95,
        query_count(report_pdf),
        verdict(p95, TARGETS["report_pdf"]),
    )


def measure_periodic_report(report: Report, seeded: dict) -> None:
    """The head's periodic report over this year, every figure counted afresh on each view."""
    from django.test import Client
    from django.utils import timezone

    client = Client()
    client.force_login(seeded["people"]["head"][0])
    query = {"kind": "year", "year": str(timezone.localdate().year)}

    def year_report() -> None:
        response = client.get("/reports/", query)
        assert response.status_code == 200 and b"lk3-report-period" in response.content

    median, p95 = timed(year_report)
    report.timing(
        "head: a year's periodic report on screen",
        median,
        p95,
        query_count(year_report),
        verdict(p95, TARGETS["periodic_report"]),
    )


def measure_periodic_report_pdf(report: Report, seeded: dict) -> None:
    """The head issues a year's report as its signed PDF, from the confirmation's POST to the
    stored file. A second request for the same period within minutes is taken as a repeated
    click and answered with the report just issued, so each run asks for another year: 365
    days from a different first day."""
    from django.test import Client
    from django.utils import timezone

    client = Client()
    client.force_login(seeded["people"]["head"][0])
    first_days = iter(
        timezone.localdate().replace(month=1, day=1) - datetime.timedelta(days=run)
        for run in range(REPORT_PDF_RUNS + 2)
    )

    def issue_year() -> None:
        first = next(first_days)
        last = first + datetime.timedelta(days=364)
        response = client.post(
            "/reports/terbitkan/",
            {"kind": "range", "first": first.isoformat(), "last": last.isoformat()},
        )
        assert response.status_code == 302 and response.url == "/reports/terbit/"

    median, p95 = timed(issue_year, runs=REPORT_PDF_RUNS)
    report.timing(
        "head: a year's periodic report issued as its signed PDF",
        median,
        p95,
        None,
        verdict(p95, TARGETS["periodic_report_pdf"]),
    )


def measure_searches(report: Report, head: Any, intake: Any) -> None:
    """The case list searched as people search it, and the check registration makes."""
    import datetime

    from django.test import Client as PageClient

    from lk3_flow.models import Client
    from lk3_flow.services import check_duplicate_clients

    with_nik = Client.objects.exclude(nik="").exclude(phone="").order_by("pk")[1000]
    client = PageClient()
    client.force_login(head)
    for label, text in [
        ("a name spelled otherwise", "Dedy Kurniawan"),
        ("a NIK", with_nik.nik),
        ("a phone number, written otherwise", "+62 " + with_nik.phone[1:]),
        ("a village", "Muara Ciujung"),
    ]:
        url = client.post("/cases/", {"q": text}).url

        def search(url: str = url) -> None:
            assert client.get(url).status_code == 200

        median, p95 = timed(search)
        report.timing(
            f"head: case list searched by {label}",
            median,
            p95,
            query_count(search),
            verdict(p95, TARGETS["search"]),
        )

    def check() -> None:
        check_duplicate_clients(
            actor=intake,
            nik="3602011203850001",
            full_name="Siti Aminah",
            birth_date=datetime.date(1985, 3, 12),
        )

    median, p95 = timed(check)
    report.timing(
        "intake officer: duplicate check (NIK, name however spelled, birth date)",
        median,
        p95,
        query_count(check),
        verdict(p95, TARGETS["search"]),
    )


def drive_lifecycle(office: Any) -> None:
    """Registration to closure through a referral: the ten steps of a typical case."""
    from lk3_flow.choices import NextStep, PartnerResponse

    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    case = office.review_referral(office.propose_referral(case))
    case = office.session(
        office.partner_response(case, PartnerResponse.ACCEPTED), NextStep.PROPOSE_CLOSURE
    )
    office.review_closure(office.propose_closure(case))


def drive_lifecycle_and_make_files(office: Any) -> None:
    """The lifecycle, then its letters' files made, as the worker makes them after each step."""
    from letters.services import render_pending_letters

    drive_lifecycle(office)
    render_pending_letters()


def measure_lifecycle(report: Report) -> None:
    from tests.factories import Office

    office = Office()
    runs = max(5, RUNS // 5)
    with_letters, p95_with = timed(lambda: drive_lifecycle_and_make_files(office), runs)
    with mock.patch("flows.flows.issue_letter"):
        without, p95_without = timed(lambda: drive_lifecycle(office), runs)
    report.add(
        "full lifecycle via services, without letters",
        f"{without:.0f} ms",
        f"{p95_without:.0f} ms",
        "",
        "",
    )
    report.add(
        "full lifecycle via services, with its 7 letters and their files",
        f"{with_letters:.0f} ms",
        f"{p95_with:.0f} ms",
        "",
        "",
    )


class UnsignedLetters:
    """Stands in for the signing key where letters are measured as they were made before they
    were signed: the key's certificate is recorded, the file is stored as WeasyPrint wrote it."""

    def __init__(self, signer: Any) -> None:
        self.certificate = signer.certificate

    def sign(self, pdf: bytes, **_place_and_text: Any) -> bytes:
        return pdf


def measure_letters(report: Report, seeded: dict) -> None:
    from weasyprint import HTML

    from letters import services as letter_services
    from letters import signing
    from letters.content import draft
    from letters.models import LetterKind
    from letters.rendering import ASSET_SCHEME, AssetFetcher
    from letters.selectors import institution_profile
    from lk3_flow.models import Case

    case = Case.objects.exclude(counselor=None).select_related("client", "counselor").first()
    signer = seeded["people"]["head"][0]
    letter = letter_services.issue_letter(LetterKind.ASSIGNMENT, case, signer=signer)
    profile = institution_profile()
    html = letter_services.render_letter_html(letter, draft(letter.kind, case, profile), profile)

    def bare() -> None:
        HTML(string=html, base_url=ASSET_SCHEME, url_fetcher=AssetFetcher()).write_pdf()

    def issue() -> None:
        letter_services.rendered(
            letter_services.issue_letter(LetterKind.ASSIGNMENT, case, signer=signer)
        )

    unsigned_letters = UnsignedLetters(signing.letter_signer())

    def unsigned() -> contextlib.AbstractContextManager:
        return mock.patch.object(signing, "letter_signer", return_value=unsigned_letters)

    # In turn: each ratio is against its baseline of the same minutes, the unsigned letter's
    # against the bare render, the signed letter's against the unsigned one.
    (bare_median, bare_p95), (unsigned_median, unsigned_p95), (signed_median, signed_p95) = (
        timed_in_turn(
            [bare, issue, issue], within=[contextlib.nullcontext, unsigned, contextlib.nullcontext]
        )
    )
    report.timing(
        "letter: bare WeasyPrint render of the same HTML",
        bare_median,
        bare_p95,
    )
    ratio = unsigned_median / bare_median
    with unsigned():
        unsigned_queries = query_count(issue)
    report.timing(
        "letter: issuing (number, compose, record) and making its file (render, store, record), "
        "the file unsigned as before",
        unsigned_median,
        unsigned_p95,
        unsigned_queries,
        f"ratio {ratio:.2f}: " + verdict(ratio, TARGETS["letter_ratio"]),
    )
    signed_ratio = signed_median / unsigned_median
    report.timing(
        "letter: the same, the file signed (PAdES, the institution's key)",
        signed_median,
        signed_p95,
        query_count(issue),
        f"ratio {signed_ratio:.2f} against unsigned: "
        + verdict(signed_ratio, TARGETS["signed_letter_ratio"]),
    )


def seal_pending() -> None:
    """Seal what committed transactions appended: whatever reads or verifies the whole chain
    waits for the sealer here rather than for the background worker's next round."""
    from audit.sealing import seal_pending as seal

    seal()


def letter_mix(keep_out: set[int]) -> list[tuple[str, Any, dict[str, Any]]]:
    """`PARALLEL_LETTERS` letters, every kind in turn, each on its own case with its records."""
    from letters.models import LetterKind
    from lk3_flow.choices import ReferralStatus, Stage
    from lk3_flow.models import (
        Accompaniment,
        Assessment,
        Case,
        Closure,
        CounselingSession,
        HomeVisit,
        Protection,
        Referral,
    )

    per_kind = -(-PARALLEL_LETTERS // len(LetterKind))
    cases = Case.objects.select_related("client", "counselor").order_by("-id")
    with_counselor = list(cases.exclude(counselor=None).filter(stage=Stage.CLOSED)[: 3 * per_kind])
    sources: dict[str, list[tuple[Any, dict[str, Any]]]] = {
        LetterKind.REGISTRATION_RECEIPT: [(case, {}) for case in with_counselor[:per_kind]],
        LetterKind.SERVICE_CONSENT: [
            (case, {}) for case in with_counselor[per_kind : 2 * per_kind]
        ],
        LetterKind.ASSIGNMENT: [(case, {}) for case in with_counselor[2 * per_kind :]],
        LetterKind.ASSESSMENT_REPORT: [
            (assessment.case, {})
            for assessment in Assessment.objects.select_related("case")
            .exclude(case__in=keep_out)
            .order_by("id")[:per_kind]
        ],
        LetterKind.COUNSELING_INVITATION: [
            (session.case, {"session": session})
            for session in CounselingSession.objects.select_related("case").order_by("-id")[
                :per_kind
            ]
        ],
        LetterKind.REFERRAL: [
            (referral.case, {"referral": referral})
            for referral in Referral.objects.select_related("case", "partner")
            .filter(status=ReferralStatus.SENT)
            .order_by("-id")[:per_kind]
        ],
        LetterKind.SERVICE_COMPLETION: [
            (closure.case, {"closure": closure})
            for closure in Closure.objects.select_related("case").order_by("-id")[:per_kind]
        ],
        **{
            kind: [
                (activity.case, {"activity": activity})
                for activity in model.objects.select_related("case", "counselor").order_by("id")[
                    :per_kind
                ]
            ]
            for kind, model in [
                (LetterKind.HOME_VISIT_ASSIGNMENT, HomeVisit),
                (LetterKind.ACCOMPANIMENT_ASSIGNMENT, Accompaniment),
                (LetterKind.ACCOMPANIMENT_CERTIFICATE, Accompaniment),
                (LetterKind.PROTECTION_PLACEMENT, Protection),
            ]
        },
    }
    mix = []
    for n in range(per_kind):
        for kind in LetterKind:
            if len(mix) < PARALLEL_LETTERS and n < len(sources[kind]):
                case, records = sources[kind][n]
                mix.append((kind, case, records))
    assert len(mix) == PARALLEL_LETTERS, f"only {len(mix)} letters could be prepared"
    return mix


def issue_one(kind: str, case: Any, signer: Any, records: dict[str, Any]) -> None:
    """One letter in its own transaction, as one request issues it; then its file made, as the
    worker (or the first reader) makes it after commit."""
    from django.db import transaction

    from letters.services import issue_letter, rendered

    with transaction.atomic():
        letter = issue_letter(kind, case, signer=signer, **records)
    rendered(letter)


def _issue_apart(
    letter: tuple[str, Any, dict[str, Any]], signer: Any, start: Any, results: Any
) -> None:
    """A forked process's letter: its own connection, started with the others at once."""
    from django.db import connections

    try:
        start.wait(timeout=120)
        began = time.perf_counter()
        kind, case, records = letter
        issue_one(kind, case, signer, records)
        results.put((time.perf_counter() - began, None))
    except Exception as error:  # reported by the parent, which then fails
        results.put((0.0, f"{letter[0]} on case {letter[1].pk}: {error!r}"))
    finally:
        connections.close_all()


def measure_parallel_letters(report: Report, seeded: dict, *, keep_out: set[int]) -> None:
    """50 letters issued at once, each by its own process as by its own gunicorn worker.

    Processes, not threads: a thread rendering a PDF holds the interpreter lock, so threads
    would take turns whatever the database does, and an office's app servers are processes.
    The letters are issued from a fresh interpreter, as a gunicorn worker is: children forked
    from this process would each copy the pages of what seeding and measuring left in it.
    """
    from django.db import connections

    signer = seeded["people"]["head"][0]
    letters = letter_mix(keep_out)
    connections.close_all()
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    # By reference: the fresh interpreter reads the rows once Django is set up there.
    references = [
        (
            str(kind),
            case.pk,
            {name: (record._meta.label, record.pk) for name, record in records.items()},
        )
        for kind, case, records in letters
    ]
    issuer = context.Process(target=_issue_rounds_apart, args=(references, signer.pk, results))
    issuer.start()
    while True:
        try:
            rounds, error = results.get(timeout=5)
            break
        except queue.Empty:
            assert issuer.is_alive(), f"the letters' issuer stopped (exit code {issuer.exitcode})"
    issuer.join()
    assert error is None, error
    rounds.sort(key=lambda measured: measured[0])
    ratio, one_at_a_time, at_once, latencies = rounds[len(rounds) // 2]
    kinds = len({kind for kind, _case, _records in letters})
    report.add(
        f"letters: {len(letters)} of {kinds} kinds, one at a time, each in its own transaction",
        f"{one_at_a_time:.1f} s",
        "",
        "",
        f"wall time; the round of the median ratio of {PARALLEL_ROUNDS}",
    )
    report.add(
        f"letters: the same {len(letters)} at once by {len(letters)} processes (latency of each)",
        f"{statistics.median(latencies):.1f} s",
        f"max {latencies[-1]:.1f} s",
        "",
        f"wall {at_once:.1f} s, ratio {ratio:.2f}: "
        + verdict(ratio, TARGETS["parallel_letters_ratio"])
        + f" (ratios {', '.join(f'{measured[0]:.2f}' for measured in rounds)})",
    )


def _issue_rounds_apart(
    references: list[tuple[str, int, dict[str, tuple[str, int]]]], signer_id: int, results: Any
) -> None:
    """In a fresh interpreter: each kind issued once to warm up, as in a server that has been
    up a while (templates compiled, fonts loaded), then `PARALLEL_ROUNDS` rounds of the letters
    one at a time and then all at once. Puts ([(ratio, one at a time, at once, latencies)],
    error) on `results`."""
    try:
        import django

        django.setup()
        from django.apps import apps
        from django.contrib.auth import get_user_model

        from lk3_flow.models import Case

        signer = get_user_model().objects.get(pk=signer_id)
        letters = [
            (
                kind,
                Case.objects.get(pk=case_id),
                {
                    name: apps.get_model(label).objects.get(pk=pk)
                    for name, (label, pk) in records.items()
                },
            )
            for kind, case_id, records in references
        ]
        for kind, case, records in {
            kind: (kind, case, records) for kind, case, records in letters
        }.values():
            issue_one(kind, case, signer, records)
        rounds = []
        for _ in range(PARALLEL_ROUNDS):
            start = time.perf_counter()
            for kind, case, records in letters:
                issue_one(kind, case, signer, records)
            one_at_a_time = time.perf_counter() - start
            at_once, latencies = _issue_all_at_once(letters, signer)
            rounds.append((at_once / one_at_a_time, one_at_a_time, at_once, latencies))
        results.put((rounds, None))
    except Exception as error:  # reported by the parent, which then fails
        results.put(([], repr(error)))


def _issue_all_at_once(
    letters: list[tuple[str, Any, dict[str, Any]]], signer: Any
) -> tuple[float, list[float]]:
    """Each letter issued by a process of its own, all let go together: the wall time and each
    one's latency."""
    from django.db import connections

    context = multiprocessing.get_context("fork")
    # Forked children must not share the parent's database socket; each opens its own.
    connections.close_all()
    gate = context.Barrier(len(letters) + 1)
    results = context.Queue()
    workers = [
        context.Process(target=_issue_apart, args=(letter, signer, gate, results))
        for letter in letters
    ]
    for worker in workers:
        worker.start()
    gate.wait(timeout=120)
    start = time.perf_counter()
    outcomes = [results.get(timeout=600) for _ in workers]
    at_once = time.perf_counter() - start
    for worker in workers:
        worker.join()
    errors = [error for _seconds, error in outcomes if error]
    assert not errors, errors
    return at_once, sorted(seconds for seconds, _error in outcomes)


def _approve_apart(case: Any, head: Any, started: Any, finished: Any) -> None:
    """The head's approval of the case's assessment, in a process of its own, as a request."""
    from django.db import connections

    from flows import services as flow_services
    from letters.services import render_pending_letters
    from lk3_flow import services

    def approve(case: Any) -> None:
        services.review_assessment(case=case, reviewer=head, approved=True)

    try:
        started.set()
        began = time.perf_counter()
        flow_services.complete_task(case, actor=head, task_name="approve_assessment", step=approve)
        # As the worker does next: the report's many pages rendered, stored and recorded.
        render_pending_letters()
        finished.put((time.perf_counter() - began, None))
    except Exception as error:  # reported by the parent, which then fails
        finished.put((0.0, repr(error)))
    finally:
        connections.close_all()


def measure_read_during_long_letter(report: Report, seeded: dict, scenarios: Any) -> None:
    """The auditor reads case A while the head approves case B and its long report is made.

    The approval runs in a process of its own (as another gunicorn worker would), in its own
    transaction, and then makes the file of its many-page report as the worker would. The
    auditor's timeline records that it was viewed, which must wait for neither.
    """
    from django.db import connections
    from django.test import Client

    from letters.models import Letter, LetterKind
    from lk3_flow.choices import Stage
    from lk3_flow.models import Case

    auditor, head = seeded["people"]["auditor"][0], seeded["people"]["head"][0]
    long_case = scenarios.long_report_case
    case_a = (
        Case.objects.filter(stage=Stage.COUNSELING)
        .exclude(pk=seeded["long_case"].pk)
        .order_by("id")
        .first()
    )
    client = Client()
    client.force_login(auditor)
    url = f"/audit/kasus/{case_a.pk}/"

    def timeline() -> float:
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        return (time.perf_counter() - began) * 1000

    alone_median, alone_p95 = timed(timeline)
    context = multiprocessing.get_context("fork")
    connections.close_all()
    started, finished = context.Event(), context.Queue()
    writer = context.Process(target=_approve_apart, args=(long_case, head, started, finished))
    writer.start()
    started.wait(timeout=60)
    during = []
    # Each read starts while the approval is still under way; the first may begin before the
    # approval has written anything, the others cannot.
    while writer.is_alive() and finished.empty():
        during.append(timeline())
    writer_seconds, error = finished.get(timeout=600)
    writer.join()
    assert error is None, error
    assert during, "the long letter was issued before a single read could start"
    # The letter is real: issued, stored and numbered like any other.
    assert Letter.objects.filter(case=long_case, kind=LetterKind.ASSESSMENT_REPORT).exists()
    report.timing(f"auditor: timeline of case A ({url}) alone", alone_median, alone_p95)
    during.sort()
    extra = statistics.median(during) - alone_median
    report.add(
        f"auditor: the same, {len(during)} reads while case B's assessment is approved and the "
        f"file of its report of {scenarios.long_report_characters:,} characters is made "
        f"({writer_seconds:.1f} s)",
        f"{statistics.median(during):.1f} ms",
        f"max {during[-1]:.1f} ms",
        "",
        f"{extra:+.1f} ms: " + verdict(extra, TARGETS["read_during_letter"]),
    )


def measure_task_completion(report: Report, seeded: dict) -> None:
    from viewflow.workflow.models import Process, Task
    from viewflow.workflow.status import STATUS

    from bench.flows import MinimalFlow
    from flows import services as flow_services
    from lk3_flow import services
    from lk3_flow.choices import NextStep
    from lk3_flow.models import Case
    from tests.factories import session_data

    people = seeded["people"]
    counselor = people["counselor"][2]
    cases = iter(
        Case.objects.filter(counselor=counselor, stage="counseling").order_by("id")[: RUNS + 5]
    )

    def record_session(case: Case) -> object:
        return services.record_session(
            case=case, counselor=counselor, data=session_data(NextStep.ANOTHER_SESSION)
        )

    def ours() -> None:
        flow_services.complete_task(
            next(cases), actor=counselor, task_name="counseling", step=record_session
        )

    def start_minimal() -> Process:
        return MinimalFlow.start.run(_process_data={"owner": counselor.pk})

    processes = iter([start_minimal() for _ in range(3 * RUNS + 15)])
    session_case = next(cases)

    def minimal(step: Callable[[], object] = lambda: None) -> None:
        process = next(processes)
        with MinimalFlow.lock(process.pk):
            task = Task.objects.get(
                process=process, flow_task=MinimalFlow.work, status=STATUS.ASSIGNED
            )
            activation = task.flow_task.activation_class(task)
            activation.start(flow_services.request_for(counselor))
            step()
            activation.execute()

    def minimal_with_session() -> None:
        minimal(lambda: record_session(session_case))

    # In turn: this measurement varies from minute to minute on a busy machine, and its ratio
    # is only fair when both sides see the same minutes.
    (ours_median, ours_p95), (same_work_median, same_work_p95) = timed_in_turn(
        [ours, minimal_with_session], within=[contextlib.nullcontext, task_audit_paused]
    )
    audited_median, audited_p95 = timed(minimal)
    [(minimal_median, minimal_p95)] = timed_in_turn([minimal], within=[task_audit_paused])
    report.timing(
        "task completion: bare viewflow (View, If, Function, View)",
        minimal_median,
        minimal_p95,
        query_count_paused(minimal),
    )
    report.timing(
        "task completion: bare viewflow, also writing the same session record",
        same_work_median,
        same_work_p95,
        query_count_paused(minimal_with_session),
    )
    report.timing(
        "task completion: the same minimal flow, its task transitions audited",
        audited_median,
        audited_p95,
        query_count(minimal),
    )
    ratio = ours_median / same_work_median
    report.timing(
        "task completion: a counseling session recorded, with its audit events",
        ours_median,
        ours_p95,
        query_count(ours),
        f"ratio {ratio:.2f} against bare viewflow writing the same record: "
        + verdict(ratio, TARGETS["task_ratio"])
        + f"; {ours_median / minimal_median:.2f} against bare viewflow",
    )


def measure_activities(report: Report, seeded: dict) -> None:
    """The page of a case with many services given, and what recording one of them costs."""
    from django.test import Client
    from django.utils import timezone

    from flows import services as flow_services
    from lk3_flow import services
    from lk3_flow.choices import ConsultationKind, ContactChannel, NextStep
    from lk3_flow.models import Accompaniment, Case, Consultation, CounselingSession, HomeVisit
    from tests.factories import session_data

    counselor, head = seeded["people"]["counselor"][3], seeded["people"]["head"][0]
    # One case for the page; then, for each side of the comparison, one per timed round (two
    # warm-up rounds and one counted).
    long_case, *cases = Case.objects.filter(counselor=counselor, stage="counseling").order_by("id")[
        : 2 * (RUNS + 3) + 1
    ]
    now, today = timezone.now(), timezone.localdate()
    each = {"case": long_case, "counselor": counselor, "next_step": NextStep.ANOTHER_SESSION}
    per_kind = LONG_CASE_SERVICES // 4
    CounselingSession.objects.bulk_create(
        CounselingSession(scheduled_at=now, session_type="individual", notes="Sesi.", **each)
        for _ in range(per_kind)
    )
    HomeVisit.objects.bulk_create(
        HomeVisit(planned_on=today, place="Rumah klien", purpose="Kunjungan.", **each)
        for _ in range(per_kind)
    )
    Accompaniment.objects.bulk_create(
        Accompaniment(
            institution_kind="police",
            institution_name="Polsek",
            purpose="Laporan.",
            planned_on=today,
            **each,
        )
        for _ in range(per_kind)
    )
    Consultation.objects.bulk_create(
        Consultation(
            kind="consultation", held_at=now, channel="phone", topic="Topik", given="Saran.", **each
        )
        for _ in range(per_kind)
    )
    for label, user in [("counselor", counselor), ("head", head)]:
        client = Client()
        client.force_login(user)

        def get(client: Client = client, url: str = f"/cases/{long_case.pk}/") -> None:
            assert client.get(url).status_code == 200

        median, p95 = timed(get)
        report.timing(
            f"{label}: case detail of a case with {LONG_CASE_SERVICES} services given",
            median,
            p95,
            query_count(get),
            verdict(p95, TARGETS["long_case_page"]),
        )

    consultations, sessions = cases[: RUNS + 3], cases[RUNS + 3 :]
    for case in consultations:
        flow_services.complete_task(
            case,
            actor=counselor,
            task_name="counseling",
            step=lambda c: services.record_session(
                case=c, counselor=counselor, data=session_data(NextStep.CONSULTATION)
            ),
        )
    by_kind = {"counseling": iter(sessions), "consultation": iter(consultations)}

    def session() -> None:
        flow_services.complete_task(
            next(by_kind["counseling"]),
            actor=counselor,
            task_name="counseling",
            step=lambda c: services.record_session(
                case=c, counselor=counselor, data=session_data(NextStep.ANOTHER_SESSION)
            ),
        )

    def consultation() -> None:
        data = {
            "kind": ConsultationKind.CONSULTATION,
            "held_at": timezone.now(),
            "channel": ContactChannel.PHONE,
            "topic": "Hak asuh anak",
            "given": "Dijelaskan.",
            "next_step": NextStep.ANOTHER_SESSION,
        }
        flow_services.complete_task(
            next(by_kind["consultation"]),
            actor=counselor,
            task_name="consultation",
            step=lambda c: services.record_consultation(case=c, counselor=counselor, data=data),
        )

    (session_median, session_p95), (activity_median, activity_p95) = timed_in_turn(
        [session, consultation]
    )
    report.timing(
        "service activity: a counseling session recorded (for comparison)",
        session_median,
        session_p95,
        query_count(session),
    )
    ratio = activity_median / session_median
    report.timing(
        "service activity: a consultation recorded within a case",
        activity_median,
        activity_p95,
        query_count(consultation),
        f"ratio {ratio:.2f} against a counseling session: "
        + verdict(ratio, TARGETS["activity_ratio"]),
    )


def query_count_paused(action: Callable[[], object]) -> int:
    with task_audit_paused():
        return query_count(action)


@contextlib.contextmanager
def task_audit_paused() -> Iterator[None]:
    """Bare viewflow: without the receivers that record every task transition into the audit."""
    from django.db.models.signals import post_init, post_save
    from viewflow.workflow.models import Task

    from flows import receivers

    post_init.disconnect(sender=Task, dispatch_uid=receivers.TASK_INIT_UID)
    post_save.disconnect(sender=Task, dispatch_uid=receivers.TASK_SAVE_UID)
    try:
        yield
    finally:
        receivers.connect()


def measure_due_timers(report: Report, seeded: dict) -> None:
    """10,000 waits past their due date reported at once, as the worker's round after a long
    weekend finds them, with the heads' e-mail queued; then the bell's count for a head who was
    told of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lk3_flow.choices import CaseStatus
    from lk3_flow.models import Case
    from notifications import selectors, services
    from notifications.models import Notification

    heads = seeded["people"]["head"]
    for head in heads:
        head.email = f"{head.username}@lk3.example"
        head.save(update_fields=["email"])
    now = timezone.now()
    open_cases = Case.objects.filter(status=CaseStatus.OPEN)
    Case.objects.filter(overdue_reported_at=None).update(overdue_reported_at=now)
    due = list(open_cases.order_by("pk").values_list("pk", flat=True)[:DUE_TIMERS])
    Case.objects.filter(pk__in=due).update(
        due_at=now - datetime.timedelta(hours=1), overdue_reported_at=None
    )
    start = time.perf_counter()
    fired = services.fire_due_timers()
    seconds = time.perf_counter() - start
    made = Notification.objects.filter(kind="overdue").count()
    report.add(
        f"{fired:,} due timers fired ({made:,} notifications, e-mail queued)",
        f"{seconds:.2f} s",
        "",
        "",
        verdict(seconds, TARGETS["due_timers_seconds"]),
    )
    head = heads[0]
    median, p95 = timed(lambda: selectors.unread_count(head))
    with CaptureQueriesContext(connection) as queries:
        selectors.unread_count(head)
    report.timing(
        f"bell's unread count of a head told of {made // max(1, len(heads)):,}",
        median,
        p95,
        len(queries),
        verdict(p95, TARGETS["page"]),
    )


def measure_verification(report: Report) -> None:
    """`verify_audit` as an auditor runs it, over every event the bench has appended."""
    from io import StringIO

    from django.core.management import call_command

    from audit.models import AuditEvent

    seal_pending()
    events = AuditEvent.objects.count()
    runs = []
    for _ in range(VERIFY_RUNS):
        start = time.perf_counter()
        call_command("verify_audit", stdout=StringIO())
        runs.append(time.perf_counter() - start)
    seconds = statistics.median(runs)
    rate = events / seconds
    report.add(
        f"verify_audit over {events} events, median of {VERIFY_RUNS} runs",
        f"{seconds:.2f} s",
        f"max {max(runs):.2f} s",
        "",
        f"{rate:,.0f} events/s: " + verdict(rate, TARGETS["verify_rate"], lower_is_better=False),
    )


def load_slots(seeded: dict, keep_out: set[int]) -> list[dict]:
    """One entry per simulated user: who logs in, what they read, the open tasks they may do.

    Read again before each locust run, since the one before completed some tasks. A person in
    two slots has their tasks dealt between them, and the heads deal out the queue, so no two
    users ever race for the same task.
    """
    from bench.scenarios import open_tasks_of
    from flows.flows import CaseFlow
    from lk3_flow.models import Case

    counselors = seeded["people"]["counselor"][:LOAD_COUNSELORS]
    heads = seeded["people"]["head"]
    people = [counselors[n % len(counselors)] for n in range(LOAD_USERS - HEAD_SLOTS)] + [
        heads[n % len(heads)] for n in range(HEAD_SLOTS)
    ]
    queue = [
        (task.name, *ids)
        for task in (
            CaseFlow.approve_assessment,
            CaseFlow.approve_referral,
            CaseFlow.approve_closure,
        )
        for ids in open_tasks_of(None, task, exclude_cases=keep_out)[:500]
    ]
    reads: dict[int, tuple[list, list]] = {}
    slots = []
    for n, user in enumerate(people):
        is_head = n >= LOAD_USERS - HEAD_SLOTS
        if user.pk not in reads:
            cases = Case.objects.all() if is_head else Case.objects.filter(counselor=user)
            recent = list(cases.order_by("-id").values_list("pk", "client__full_name")[:50])
            reads[user.pk] = ([pk for pk, _name in recent], [name for _pk, name in recent])
        if is_head:
            work = queue[n - (LOAD_USERS - HEAD_SLOTS) :: HEAD_SLOTS]
        else:
            tabs = [m for m, other in enumerate(people) if other.pk == user.pk]
            own = open_tasks_of(user, CaseFlow.counseling, exclude_cases=keep_out)
            work = [("counseling", *ids) for ids in own[tabs.index(n) :: len(tabs)]]
        slots.append(
            {
                "username": user.username,
                "role": "head" if is_head else "counselor",
                "cases": reads[user.pk][0],
                "clients": reads[user.pk][1],
                "work": work[:200],
            }
        )
    return slots


def load_run(report: Report, seeded: dict, *, keep_out: set[int]) -> None:
    workdir = Path(tempfile.mkdtemp())
    from bench.seed import PASSWORD

    env = {**os.environ, "BENCH_PASSWORD": PASSWORD}

    def locust(name: str, **options: Any) -> dict[str, dict]:
        people = workdir / f"{name}-people.json"
        people.write_text(json.dumps(load_slots(seeded, keep_out)))
        return _locust({**env, "BENCH_PEOPLE": str(people)}, workdir / name, **options)

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lk3_flow.wsgi",
            "--bind",
            f"127.0.0.1:{LOAD_PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    # The background worker seals the audit log beside the servers, as in production.
    worker = subprocess.Popen([sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=env)
    try:
        _wait_until_serving()
        # A server in service has long compiled its templates and opened its connections.
        locust("warmup", users=10, seconds=10)
        for pace, think in LOAD_PACES:
            rows = locust(pace, users=LOAD_USERS, seconds=LOAD_SECONDS, think=think)
            total = rows["Aggregated"]
            p95 = float(total["95%"])
            failures = int(total["Failure Count"])
            against = verdict(p95, TARGETS["load_p95"]) if pace == "office" else "capacity"
            report.add(
                f"load: {LOAD_USERS} users at {pace} pace ({think[0]:g} to {think[1]:g} s "
                f"between pages), {LOAD_SECONDS} s, gunicorn {gunicorn_workers()} processes, "
                "with writes",
                f"{float(total['Requests/s']):.1f} req/s",
                f"{p95:.0f} ms",
                f"{failures} errors",
                against + ("" if failures == 0 else "; errors!"),
            )
            for name, what in WRITES.items():
                row = rows.get(name)
                if row is None:
                    report.add(f"load: {pace} pace, {what}: none", "", "", "", "")
                    continue
                report.add(
                    f"load: {pace} pace, {what}: {row['Request Count']}",
                    f"{float(row['Median Response Time']):.0f} ms",
                    f"{float(row['95%']):.0f} ms",
                    f"{row['Failure Count']} errors",
                    "",
                )
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)


def gunicorn_workers() -> int:
    """How many processes gunicorn.conf.py gives this machine."""
    import runpy

    return int(runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"])


def _wait_until_serving() -> None:
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{LOAD_PORT}/accounts/login/", timeout=1)
            return
        except OSError:
            time.sleep(0.2)


def _locust(
    env: dict, prefix: Path, *, users: int, seconds: int, think: tuple[float, float] = (1, 5)
) -> dict[str, dict]:
    """Run locust headless; the rows of its statistics by name, "Aggregated" for all."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            "10",
            "-t",
            # A limit only: the locustfile stops `seconds` after the last user has logged in.
            f"{seconds + 120}s",
            "--host",
            f"http://127.0.0.1:{LOAD_PORT}",
            "--csv",
            str(prefix),
            "--only-summary",
        ],
        cwd=ROOT,
        env={**env, "BENCH_THINK": f"{think[0]},{think[1]}", "BENCH_MEASURE_SECONDS": str(seconds)},
        check=False,
        capture_output=True,
    )
    with open(f"{prefix}_stats.csv") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def write(report: Report, seeded: dict, seconds: float) -> None:
    import django
    import viewflow
    import weasyprint
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` on {time.strftime('%Y-%m-%d %H:%M %Z')}: {CASES:,} cases "
        f"seeded in {seconds:.0f} s with bulk inserts, {seeded['events']:,} audit events.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; "
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"django-viewflow {viewflow.__version__ if hasattr(viewflow, '__version__') else '2.4'}, "
        f"WeasyPrint {weasyprint.__version__}, PostgreSQL {postgres}.",
        "",
        "Server time in this process, median and 95th percentile of repeated runs; the query "
        "count is that of one run.",
        "",
        "A step issues its letter (number, content) and commits; the background worker makes "
        "the PDF after commit, at a lower CPU priority than the pages, and signs it with the "
        "local certificate authority's key (ECDSA P-256, from a PKCS#12 file). The signed "
        "letter's ratio is against the same letter made unsigned, as before letters were "
        "signed, the two timed in turn. "
        f"Letters at once: {PARALLEL_LETTERS} letters of every kind, each on its own case with "
        "the records it quotes, issued and their files made one at a time and then by as many "
        "forked processes let go together, each with its own connection and transaction; the "
        "median and max are the latencies of the parallel ones, the ratio their wall time "
        "against one at a time. A read during a long letter: an auditor's timeline of one case "
        "(which records that it was viewed) read again and again while another process "
        "approves the assessment of another case and makes the file of its report, every "
        "section as long as the form allows. Task completion: its ratio is against bare "
        "viewflow writing the same session record, the two timed in turn. The load runs start "
        "gunicorn as gunicorn.conf.py sets it, beside the background worker, and count for "
        f"{LOAD_SECONDS} s from the moment the last of the {LOAD_USERS} users has logged in; they "
        "mix writes into the page reads: counselors record sessions through the task page (half "
        "schedule the next one, which issues an invitation) and heads take assessment, referral "
        "and closure approvals from the queue and approve them, each issuing its letter; the "
        "write rows are those POSTs alone. The bare WeasyPrint render is the yardstick of the "
        "machine's speed when two runs are compared.",
        "",
        "| measurement | median | p95 | queries | against the target |",
        "|---|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in report.rows],
        "",
    ]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines))


def require_connections(connection: Any) -> None:
    """Stop before the long seed when the server could not take the letters issued at once.

    Each issuer holds two sessions while it draws its number (its transaction, and the short one
    the number is drawn in), so 50 of them need about 100 besides the bench's own.
    """
    needed = 2 * PARALLEL_LETTERS + 20
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        available = int(cursor.fetchone()[0])
    if available < needed:
        raise SystemExit(
            f"PostgreSQL allows {available} connections; the bench needs {needed}. Raise it with "
            f"ALTER SYSTEM SET max_connections = {needed} and restart the server."
        )


def main() -> None:
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    require_connections(connection)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from bench.scenarios import prepare
    from bench.seed import seed

    start = time.perf_counter()
    seeded = seed(CASES)
    scenarios = prepare()
    with connection.cursor() as cursor:
        # Bulk inserts leave the planner without statistics; autovacuum would have gathered them
        # long before an office had this many cases.
        cursor.execute("VACUUM ANALYZE")
    seeded_in = time.perf_counter() - start
    print(f"seeded {CASES} cases in {seeded_in:.0f} s", flush=True)
    report = Report()
    measure_pages(report, seeded)
    measure_periodic_report(report, seeded)
    measure_periodic_report_pdf(report, seeded)
    measure_lifecycle(report)
    measure_letters(report, seeded)
    keep_out = {scenarios.long_report_case.pk}
    measure_parallel_letters(report, seeded, keep_out=keep_out)
    measure_read_during_long_letter(report, seeded, scenarios)
    measure_task_completion(report, seeded)
    measure_activities(report, seeded)
    if LOAD_SECONDS > 0:
        load_run(report, seeded, keep_out=keep_out)
    measure_due_timers(report, seeded)
    # Last, so that it checks the chain every measurement before it appended to, in parallel too.
    measure_verification(report)
    write(report, seeded, seeded_in)


if __name__ == "__main__":
    main()
