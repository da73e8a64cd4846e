"""People are told what waits for them, in the app and by e-mail, once per event.

The e-mail tests talk to a real SMTP server (aiosmtpd) through the job queue of the settings:
the database by default, Redis when JOB_QUEUE_URL is set (CI runs this file both ways).
"""

import datetime
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lk3_flow.choices import NextStep, Stage
from lk3_flow.models import Case, StaffProfile
from notifications import services
from notifications.models import Kind, Notification, Preference
from tests.factories import Office, make_user
from tests.mail import work_the_queue

ROOT = Path(__file__).resolve().parent.parent


def with_email(user, address: str):
    user.email = address
    user.save(update_fields=["email"])
    return user


def office_with_mail() -> Office:
    """An office whose head has an e-mail address (transactional tests make their own)."""
    office = Office()
    with_email(office.head, "pimpinan@lk3.example")
    return office


def told(user, kind: str | None = None):
    notifications = Notification.objects.filter(recipient=user)
    return notifications.filter(kind=kind) if kind else notifications


# --- What people are told ----------------------------------------------------------------------


def test_heads_are_told_a_decision_waits_and_the_counselor_of_the_assignment(office):
    case = office.register(full_name="Nur Hasanah")
    assert told(office.head, Kind.DECISION_WAITING).filter(case=case).count() == 1
    assert not told(office.counselor).exists()

    case = office.assign(case)
    assert told(office.counselor, Kind.TASK_ASSIGNED).filter(case=case).count() == 1
    office.assess(case)
    assert told(office.head, Kind.DECISION_WAITING).filter(case=case).count() == 2


def test_a_decision_taken_is_no_longer_news_and_each_names_its_step(office):
    from django.utils import translation

    from notifications.messages import headline

    case = office.register()
    waiting = told(office.head, Kind.DECISION_WAITING).get(case=case)
    with translation.override("en"):
        assert headline(waiting) == (
            f"Case {case.number} is waiting for a head's decision. Step: Counselor assignment."
        )
    office.assign(case)
    waiting.refresh_from_db()
    assert waiting.read_at is not None


def test_the_counselor_is_told_their_work_was_returned_not_of_each_new_session(office):
    case = office.assess(office.assign(office.register()))
    office.review_assessment(case, approved=False, comment="Lengkapi riwayat keluarga.")
    assert told(office.counselor, Kind.WORK_RETURNED).filter(case=case).count() == 1
    case = office.review_assessment(office.assess(case))
    before = told(office.counselor).count()
    office.session(case)
    assert told(office.counselor).count() == before


def test_turning_a_kind_off_keeps_it_out_of_the_bell_and_the_mail(office):
    with_email(office.head, "pimpinan@lk3.example")
    services.save_preferences(user=office.head, choices={Kind.DECISION_WAITING: (False, False)})
    office.register()
    assert not told(office.head, Kind.DECISION_WAITING).exists()

    services.save_preferences(user=office.head, choices={Kind.DECISION_WAITING: (False, True)})
    case = office.register()
    only_mail = told(office.head, Kind.DECISION_WAITING).get(case=case)
    assert (only_mail.in_app, only_mail.by_email) == (False, True)


def test_without_an_address_nothing_is_mailed(office):
    office.register()
    assert not told(office.head).filter(by_email=True).exists()


# --- Timers: work past its due date ------------------------------------------------------------


def make_overdue(case: Case, hours: int = 1) -> Case:
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - datetime.timedelta(hours=hours))
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def responsible(office):
    head = make_user("pj", "head", "Penanggung Jawab Operasional")
    StaffProfile.objects.filter(user=head).update(responsible_head=True)
    return head


def test_a_counselors_overdue_step_is_reported_to_heads_and_counselor_once(office, responsible):
    case = make_overdue(office.assign(office.register()))
    assert services.fire_due_timers() == 1
    assert told(office.head, Kind.OVERDUE).filter(case=case).count() == 1
    assert told(responsible, Kind.OVERDUE).filter(case=case).count() == 1
    assert told(office.counselor, Kind.OVERDUE).filter(case=case).count() == 1
    assert services.fire_due_timers() == 0
    assert Notification.objects.filter(kind=Kind.OVERDUE).count() == 3


def test_an_overdue_head_decision_goes_to_the_penanggung_jawab(office, responsible):
    case = make_overdue(office.register())
    services.fire_due_timers()
    assert told(responsible, Kind.OVERDUE).filter(case=case).count() == 1
    assert not told(office.head, Kind.OVERDUE).exists()


def test_a_partners_response_past_due_is_its_own_kind(office):
    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    case = office.propose_referral(case)
    case = make_overdue(office.review_referral(case))
    assert case.stage == Stage.PARTNER_RESPONSE
    services.fire_due_timers()
    assert told(office.counselor, Kind.PARTNER_RESPONSE_DUE).filter(case=case).count() == 1


def test_the_next_step_starts_a_new_timer(office):
    case = make_overdue(office.assign(office.register()))
    services.fire_due_timers()
    case = make_overdue(office.assess(case))
    assert case.overdue_reported_at is None
    assert services.fire_due_timers() == 1


def test_a_case_not_yet_due_or_closed_fires_nothing(office):
    office.assign(office.register())
    closed = office.to_closed(office.register())
    Case.objects.filter(pk=closed.pk).update(due_at=timezone.now() - datetime.timedelta(days=3))
    assert services.fire_due_timers() == 0


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_fire_each_timer_once():
    office = Office()
    cases = [make_overdue(office.assign(office.register())) for _ in range(6)]
    start = threading.Barrier(2)
    fired: list[int] = []
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            start.wait()
            fired.append(services.fire_due_timers())
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(fired) == len(cases)
    for case in cases:
        assert told(office.head, Kind.OVERDUE).filter(case=case).count() == 1
        assert told(office.counselor, Kind.OVERDUE).filter(case=case).count() == 1


def test_the_daily_digest_goes_to_heads_once_a_working_day_with_counts_only(office):
    office.register(full_name="Dewi Lestari")
    morning = timezone.make_aware(datetime.datetime(2026, 12, 8, 8, 0))  # a Tuesday
    assert services.send_daily_digest(now=morning) == 1
    assert services.send_daily_digest(now=morning + datetime.timedelta(hours=3)) == 0
    digest = told(office.head, Kind.DAILY_DIGEST).get()
    assert digest.figures["decisions"] == 1
    assert digest.case is None
    saturday = timezone.make_aware(datetime.datetime(2026, 12, 12, 8, 0))
    assert services.send_daily_digest(now=saturday) == 0
    too_early = timezone.make_aware(datetime.datetime(2026, 12, 9, 6, 0))
    assert services.send_daily_digest(now=too_early) == 0
    christmas = timezone.make_aware(datetime.datetime(2026, 12, 25, 8, 0))  # a Friday
    assert services.send_daily_digest(now=christmas) == 0


# --- The bell and its pages --------------------------------------------------------------------


def test_the_unread_count_costs_one_query_per_page(client, office):
    office.register()
    office.register()
    client.force_login(office.head)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    counted = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert len(counted) == 1
    assert 'class="lk3-bell__count">2<' in page.content.decode()


def test_opening_a_notification_marks_it_read_and_leads_to_its_case(client, office):
    case = office.register()
    notification = told(office.head).get()
    client.force_login(office.head)
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(reverse("index")).content.decode().count("lk3-bell__count") == 0


def test_nobody_opens_or_reads_anothers_notifications(client, office):
    office.register(full_name="Sri Wahyuni")
    notification = told(office.head).get()
    client.force_login(office.counselor)
    assert client.post(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 405
    listing = client.get(reverse("notifications:index")).content.decode()
    assert notification.case.number not in listing
    client.post(reverse("notifications:read_all"))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_list_names_case_numbers_never_clients(client, office):
    case = office.register(full_name="Yuyun Yuningsih")
    client.force_login(office.head)
    page = client.get(reverse("notifications:index")).content.decode()
    assert case.number in page
    assert "Yuyun" not in page


def test_preferences_are_saved_from_the_page(client, office):
    client.force_login(office.counselor)
    response = client.post(
        reverse("notifications:preferences"),
        {f"{kind}__app": "on" for kind in Kind.values if kind != Kind.OVERDUE},
    )
    assert response.status_code == 302
    overdue = Preference.objects.get(user=office.counselor, kind=Kind.OVERDUE)
    assert (overdue.in_app, overdue.by_email) == (False, False)
    assert Preference.objects.get(user=office.counselor, kind=Kind.TASK_ASSIGNED).in_app


def test_the_pages_need_a_login(client, db):
    response = client.get(reverse("notifications:index"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- E-mail through the queue, against a real SMTP server --------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_email_is_sent_once_with_the_case_number_and_no_client_name(inbox):
    office = office_with_mail()
    case = office.register(full_name="Nining Kurniasih", complaint="Suami pergi tanpa kabar.")
    work_the_queue()
    assert len(inbox.accepted) == 1
    message = inbox.accepted[0]
    assert case.number in message
    assert "Nining" not in message and "Suami" not in message
    assert reverse("cases:detail", args=[case.pk]) in message
    assert told(office.head).get().emailed_at is not None

    # The same jobs again, and a sweep that finds nothing lost: still one message.
    services.requeue_lost_emails()
    work_the_queue()
    assert len(inbox.accepted) == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_email_is_retried_later_and_sent_once(inbox, settings):
    settings.NOTIFICATION_EMAIL_RETRY_SECONDS = 0
    office = office_with_mail()
    inbox.refuse = 1
    office.register()
    work_the_queue()
    notification = told(office.head).get()
    assert notification.email_attempts >= 1
    if notification.emailed_at is None:  # the retry waits for its time, then runs
        work_the_queue()
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert len(inbox.accepted) == 1


@pytest.mark.django_db(transaction=True)
def test_an_email_that_keeps_failing_is_given_up_and_said_so(inbox, settings):
    settings.NOTIFICATION_EMAIL_ATTEMPTS = 1
    office = office_with_mail()
    inbox.refuse = 5
    office.register()
    work_the_queue()
    notification = told(office.head).get()
    assert notification.email_failed_at is not None and notification.emailed_at is None
    assert services.requeue_lost_emails(now=timezone.now() + datetime.timedelta(hours=1)) == 0


def _database_url() -> str:
    """The test database, for a worker in a process of its own."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    host = database.get("HOST") or "127.0.0.1"
    return f"postgres://{database['USER']}@{host}:{database.get('PORT') or 5432}/{database['NAME']}"


def _worker_command() -> list[str]:
    if settings.JOB_QUEUE_URL:
        return [
            "rqworker",
            "default",
            "--worker-class",
            "rq.SimpleWorker",
            "--job-class",
            "django_tasks_rq.Job",
        ]
    # Without the reloader that DEBUG turns on: it would run the worker in a child process,
    # which outlives the killing of its parent and takes later tests' jobs from the queue.
    return ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]


def _end_its_connection() -> None:
    """PostgreSQL notices a killed client only a moment later, and drops the test database only
    once it has: end the killed worker's session now."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_loses_nothing_and_sends_nothing_twice(inbox, settings):
    settings.NOTIFICATION_EMAIL_LEASE = 1
    office = office_with_mail()
    inbox.hold = True
    office.register()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", *_worker_command()],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": _database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{settings.EMAIL_PORT}",
            "DEBUG": "true",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert inbox.entered.wait(timeout=60), "the worker never reached the SMTP server"
    finally:
        worker.kill()
        worker.wait()
        _end_its_connection()
    # Nothing of the worker lives on to take later tests' jobs: its session holds no process.
    with pytest.raises(ProcessLookupError):
        os.killpg(worker.pid, 0)
    inbox.released.set()
    notification = told(office.head).get()
    assert notification.email_claimed_at is not None and notification.emailed_at is None
    assert inbox.accepted == []

    # The worker's claim outlives it by the lease; then the sweep hands the e-mail on again.
    time.sleep(1.2)
    assert services.requeue_lost_emails() == 1
    work_the_queue()
    services.requeue_lost_emails()
    work_the_queue()
    assert len(inbox.accepted) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_demo_heads_have_addresses_and_a_penanggung_jawab(db):
    """`make run` prints e-mail on the console: the demo's people must have somewhere to send
    it, and the demo's Penanggung Jawab is told of late decisions."""
    call_command("seed_demo", verbosity=0)
    profiles = StaffProfile.objects.select_related("user")
    assert all(profile.user.email.endswith("@lk3.example") for profile in profiles)
    assert [p.user.username for p in profiles.filter(responsible_head=True)] == ["pj.dadang"]
