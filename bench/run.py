"""`make bench`: seed N cases on PostgreSQL, measure, and write docs/benchmarks.md.

Each timing is the median and 95th percentile of repeated runs in this process (server time, no
network), with the number of queries of one run. The load run puts gunicorn with two workers under
50 simulated staff on loopback for 60 seconds.
"""

import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
TARGETS = {
    "page": 100.0,
    "timeline": 150.0,
    "letter_ratio": 1.15,
    "task_ratio": 1.3,
    "verify_rate": 100_000.0,
    "load_p95": 300.0,
}


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
    for _ in range(2):
        action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


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
    pages = [
        ("counselor: inbox", counselor, "/case/inbox/"),
        ("counselor: case list", counselor, "/cases/"),
        ("counselor: case detail", counselor, f"/cases/{own}/"),
        ("head: queue", head, "/case/queue/"),
        ("head: inbox", head, "/case/inbox/"),
        ("head: case list", head, "/cases/"),
        ("head: case detail", head, f"/cases/{own}/"),
    ]
    for label, user, url in pages:
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
            verdict(p95, TARGETS["page"]),
        )
    from bench.seed import PASSWORD

    def log_in(user: object = counselor) -> None:
        response = Client().post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=True
        )
        assert response.status_code == 200 and response.wsgi_request.user.is_authenticated

    median, p95 = timed(log_in)
    report.timing(
        "counselor: log in and follow the redirects to the inbox (4 requests)",
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


def drive_lifecycle(office: Any) -> None:
    """Registration to closure through a referral: the ten steps of a typical case."""
    from lk3_flow.choices import NextStep, PartnerResponse

    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    case = office.review_referral(office.propose_referral(case))
    case = office.session(
        office.partner_response(case, PartnerResponse.ACCEPTED), NextStep.PROPOSE_CLOSURE
    )
    office.review_closure(office.propose_closure(case))


def measure_lifecycle(report: Report) -> None:
    from tests.factories import Office

    office = Office()
    runs = max(5, RUNS // 5)
    with_letters, p95_with = timed(lambda: drive_lifecycle(office), runs)
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
        "full lifecycle via services, with its 7 letters",
        f"{with_letters:.0f} ms",
        f"{p95_with:.0f} ms",
        "",
        "",
    )


def measure_letters(report: Report, seeded: dict) -> None:
    from weasyprint import HTML

    from letters import services as letter_services
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
        letter_services.issue_letter(LetterKind.ASSIGNMENT, case, signer=signer)

    bare_median, bare_p95 = timed(bare)
    issue_median, issue_p95 = timed(issue)
    report.timing(
        "letter: bare WeasyPrint render of the same HTML",
        bare_median,
        bare_p95,
    )
    ratio = issue_median / bare_median
    report.timing(
        "letter: issuing (number, render, store, record)",
        issue_median,
        issue_p95,
        query_count(issue),
        f"ratio {ratio:.2f}: " + verdict(ratio, TARGETS["letter_ratio"]),
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

    def record_session(case: Case) -> None:
        services.record_session(
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

    ours_median, ours_p95 = timed(ours)
    audited_median, audited_p95 = timed(minimal)
    with task_audit_paused():
        minimal_median, minimal_p95 = timed(minimal)
        same_work_median, same_work_p95 = timed(minimal_with_session)
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
    ratio = ours_median / minimal_median
    report.timing(
        "task completion: a counseling session recorded, with its audit events",
        ours_median,
        ours_p95,
        query_count(ours),
        f"ratio {ratio:.2f}: "
        + verdict(ratio, TARGETS["task_ratio"])
        + f"; {ours_median / same_work_median:.2f} against bare viewflow writing the same record",
    )


def query_count_paused(action: Callable[[], object]) -> int:
    with task_audit_paused():
        return query_count(action)


@contextmanager
def task_audit_paused() -> Iterator[None]:
    """Bare viewflow: without the project's receivers that audit every task transition."""
    from django.db.models.signals import post_init, post_save
    from viewflow.workflow.models import Task

    from audit import receivers

    post_init.disconnect(sender=Task, dispatch_uid=receivers.TASK_INIT_UID)
    post_save.disconnect(sender=Task, dispatch_uid=receivers.TASK_SAVE_UID)
    try:
        yield
    finally:
        receivers.connect()


def measure_verification(report: Report) -> None:
    from audit.verification import verify_chain

    start = time.perf_counter()
    checked, problem = verify_chain(workers=os.cpu_count() or 1)
    seconds = time.perf_counter() - start
    assert problem is None, problem
    rate = checked / seconds
    report.add(
        f"verify_audit over {checked} events",
        f"{seconds:.2f} s",
        "",
        "",
        f"{rate:,.0f} events/s: " + verdict(rate, TARGETS["verify_rate"], lower_is_better=False),
    )


def load_run(report: Report, seeded: dict) -> None:
    from lk3_flow.models import Case

    people = []
    for role in ("counselor", "head"):
        for user in seeded["people"][role][:25]:
            cases = Case.objects.all() if role == "head" else Case.objects.filter(counselor=user)
            recent = list(cases.order_by("-id").values_list("pk", "client__full_name")[:50])
            people.append(
                {
                    "username": user.username,
                    "role": role,
                    "cases": [pk for pk, _name in recent],
                    "clients": [name for _pk, name in recent],
                }
            )
    workdir = Path(tempfile.mkdtemp())
    (workdir / "people.json").write_text(json.dumps(people))
    env = {**os.environ, "BENCH_PEOPLE": str(workdir / "people.json")}
    from bench.seed import PASSWORD

    env["BENCH_PASSWORD"] = PASSWORD
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lk3_flow.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{LOAD_PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_serving()
        # A server in service has long compiled its templates and opened its connections.
        _locust(env, workdir / "warmup", users=10, seconds=10)
        for pace, think in LOAD_PACES:
            total = _locust(env, workdir / pace, users=50, seconds=LOAD_SECONDS, think=think)
            p95 = float(total["95%"])
            failures = int(total["Failure Count"])
            against = verdict(p95, TARGETS["load_p95"]) if pace == "office" else "capacity"
            report.add(
                f"load: 50 users at {pace} pace ({think[0]:g} to {think[1]:g} s between pages), "
                f"{LOAD_SECONDS} s, gunicorn 2 workers",
                f"{float(total['Requests/s']):.1f} req/s",
                f"{p95:.0f} ms",
                f"{failures} errors",
                against + ("" if failures == 0 else "; errors!"),
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


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
) -> dict:
    """Run locust headless; the aggregated row of its statistics."""
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
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{LOAD_PORT}",
            "--csv",
            str(prefix),
            "--only-summary",
            # Count from the moment all 50 are in: the first seconds are a rush of logins no
            # office has; logging in is timed on its own with the pages.
            "--reset-stats",
        ],
        cwd=ROOT,
        env={**env, "BENCH_THINK": f"{think[0]},{think[1]}"},
        check=False,
        capture_output=True,
    )
    with open(f"{prefix}_stats.csv") as stats:
        return next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")


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
        "| measurement | median | p95 | queries | against the target |",
        "|---|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in report.rows],
        "",
    ]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines))


def main() -> None:
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from bench.seed import seed

    start = time.perf_counter()
    seeded = seed(CASES)
    with connection.cursor() as cursor:
        # Bulk inserts leave the planner without statistics; autovacuum would have gathered them
        # long before an office had this many cases.
        cursor.execute("VACUUM ANALYZE")
    seeded_in = time.perf_counter() - start
    print(f"seeded {CASES} cases in {seeded_in:.0f} s", flush=True)
    report = Report()
    measure_pages(report, seeded)
    measure_lifecycle(report)
    measure_letters(report, seeded)
    measure_task_completion(report, seeded)
    measure_verification(report)
    if LOAD_SECONDS > 0:
        load_run(report, seeded)
    write(report, seeded, seeded_in)


if __name__ == "__main__":
    main()
