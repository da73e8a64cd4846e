"""Letter numbers: drawn apart from slow rendering, never lost, and every one in the register."""

import datetime
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letters import services as letter_services
from letters.models import Letter, LetterKind, LetterNumber, NumberStatus, VoidReason
from letters.numbering import draws_apart
from letters.services import render_letter_html
from lk3_flow.models import Case
from tests.factories import in_english, make_user

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="numbers are drawn apart on PostgreSQL only"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="numbers roll back with the step on SQLite only"
)
REGISTER = reverse("letter_register")


def next_sequence(kind: str, year: int | None = None) -> int:
    """On PostgreSQL earlier tests' numbers stay committed; every test counts from the register."""
    year = year or timezone.localdate().year
    last = LetterNumber.objects.filter(kind=kind, year=year).order_by("-sequence").first()
    return last.sequence + 1 if last else 1


def entry(kind: str, sequence: int, year: int | None = None) -> LetterNumber:
    year = year or timezone.localdate().year
    return LetterNumber.objects.get(kind=kind, year=year, sequence=sequence)


def broken_renderer(*_letter_draft_profile: object) -> str:
    """A failure while the step composes its letter, after the number was drawn."""
    raise RuntimeError("printer on fire")


class StepFailed(Exception):
    """What a step raises after its letter was issued."""


def register_page(user, **query) -> str:
    client = in_english(Client())
    client.force_login(user)
    response = client.get(REGISTER, query)
    assert response.status_code == 200
    return response.content.decode()


def whole_register(user, **query) -> str:
    """Every page of the register: on PostgreSQL numbers drawn by earlier tests stay in it
    (they are drawn apart from the test's transaction), so this test's may be on a later page."""
    client = in_english(Client())
    client.force_login(user)
    first = client.get(REGISTER, query)
    assert first.status_code == 200
    pages = first.context["paginator"].num_pages
    later = [client.get(REGISTER, {**query, "page": n}) for n in range(2, pages + 1)]
    return "".join(response.content.decode() for response in [first, *later])


def test_numbers_are_drawn_apart_on_postgresql_only():
    assert draws_apart() == (connection.vendor == "postgresql")


def test_an_issued_letter_carries_its_used_register_entry(office):
    sequence = next_sequence(LetterKind.REGISTRATION_RECEIPT)
    case = office.register()
    letter = case.letters.get(kind=LetterKind.REGISTRATION_RECEIPT)
    number = letter.register_entry
    assert (number.sequence, number.number, number.status) == (
        sequence,
        letter.number,
        NumberStatus.USED,
    )
    assert (number.case_id, number.drawn_by_id) == (case.pk, office.intake.pk)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_letters_of_one_kind_are_composed_at_the_same_time(office, monkeypatch):
    """Each composing waits for the other to be composing too: under one lock, neither could."""
    cases = [office.assign(office.register(full_name=f"Klien Paralel {n}")) for n in range(2)]
    first = next_sequence(LetterKind.ASSIGNMENT)
    both_rendering = threading.Barrier(len(cases), timeout=30)

    def composed_together(*letter_draft_profile: Any) -> str:
        both_rendering.wait()
        return render_letter_html(*letter_draft_profile)

    monkeypatch.setattr(letter_services, "render_letter_html", composed_together)
    errors: list[BaseException] = []

    def issue(case: Case) -> None:
        try:
            with transaction.atomic():
                letter_services.issue_letter(LetterKind.ASSIGNMENT, case, signer=office.head)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    issued = Letter.objects.filter(kind=LetterKind.ASSIGNMENT, sequence__gte=first)
    assert sorted(issued.values_list("sequence", flat=True)) == [first, first + 1]
    entries = LetterNumber.objects.filter(kind=LetterKind.ASSIGNMENT, sequence__gte=first)
    in_drawing_order = entries.order_by("drawn_at", "pk").values_list("sequence", "status")
    assert list(in_drawing_order) == [(first, NumberStatus.USED), (first + 1, NumberStatus.USED)]


@postgresql_only
def test_a_failing_letter_voids_its_number_with_the_reason(office, monkeypatch):
    case = office.register(full_name="Klien Gagal Cetak")
    sequence = next_sequence(LetterKind.ASSIGNMENT)
    monkeypatch.setattr(letter_services, "render_letter_html", broken_renderer)
    with pytest.raises(RuntimeError):
        office.assign(case)
    void = entry(LetterKind.ASSIGNMENT, sequence)
    assert (void.status, void.void_reason, void.void_error) == (
        NumberStatus.VOID,
        VoidReason.ISSUE_FAILED,
        "RuntimeError",
    )
    assert void.voided_at is not None
    assert not Letter.objects.filter(register_entry=void).exists()
    html = whole_register(office.head, kind=LetterKind.ASSIGNMENT)
    assert void.number in html
    assert "Void" in html and "Issuing the letter failed" in html
    assert "printer on fire" not in html and "Klien Gagal Cetak" not in html

    monkeypatch.undo()
    assigned = office.assign(case).letters.get(kind=LetterKind.ASSIGNMENT)
    assert assigned.sequence == sequence + 1


@postgresql_only
def test_a_step_failing_after_its_letter_leaves_a_number_that_the_job_voids(office):
    case = office.register()
    sequence = next_sequence(LetterKind.ASSIGNMENT)
    with pytest.raises(StepFailed), transaction.atomic():
        letter_services.issue_letter(LetterKind.ASSIGNMENT, case, signer=office.head)
        raise StepFailed
    drawn = entry(LetterKind.ASSIGNMENT, sequence)
    assert drawn.status == NumberStatus.DRAWN
    assert not Letter.objects.filter(register_entry=drawn).exists()

    letter_services.void_unused_numbers()  # too recent: its step might still be running
    drawn.refresh_from_db()
    assert drawn.status == NumberStatus.DRAWN

    used = office.assign(case).letters.get(kind=LetterKind.ASSIGNMENT).register_entry
    letter_services.void_unused_numbers(older_than=datetime.timedelta(0))
    drawn.refresh_from_db()
    used.refresh_from_db()
    assert (drawn.status, drawn.void_reason) == (NumberStatus.VOID, VoidReason.STEP_NOT_COMPLETED)
    assert used.status == NumberStatus.USED
    html = whole_register(office.auditor, kind=LetterKind.ASSIGNMENT)
    assert "The step that drew this number did not complete; no letter carries it" in html


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_job_skips_the_number_of_a_step_still_running(office):
    """Not voided, and not waited for: the running step holds its number's row."""
    case = office.register()
    sequence = next_sequence(LetterKind.ASSIGNMENT)
    issued, finish = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow_step() -> None:
        try:
            with transaction.atomic():
                letter_services.issue_letter(LetterKind.ASSIGNMENT, case, signer=office.head)
                issued.set()
                assert finish.wait(30)
        except BaseException as error:
            errors.append(error)
            issued.set()
        finally:
            connections.close_all()

    step = threading.Thread(target=slow_step)
    step.start()
    assert issued.wait(30)
    try:
        assert letter_services.void_unused_numbers(older_than=datetime.timedelta(0)) == 0
    finally:
        finish.set()
        step.join()
    assert errors == []
    assert entry(LetterKind.ASSIGNMENT, sequence).status == NumberStatus.USED


@sqlite_only
def test_on_sqlite_a_failed_step_consumes_no_number(office, monkeypatch):
    case = office.register()
    sequence = next_sequence(LetterKind.ASSIGNMENT)
    monkeypatch.setattr(letter_services, "render_letter_html", broken_renderer)
    with pytest.raises(RuntimeError):
        office.assign(case)
    monkeypatch.undo()
    with pytest.raises(StepFailed), transaction.atomic():
        letter_services.issue_letter(LetterKind.ASSIGNMENT, case, signer=office.head)
        raise StepFailed
    assert not LetterNumber.objects.filter(kind=LetterKind.ASSIGNMENT).exists()
    assigned = office.assign(case).letters.get(kind=LetterKind.ASSIGNMENT)
    assert assigned.sequence == sequence
    assert letter_services.void_unused_numbers(older_than=datetime.timedelta(0)) == 0


def test_the_command_voids_unused_numbers(db):
    stale = LetterNumber.objects.create(
        kind=LetterKind.REFERRAL,
        year=2030,
        sequence=1,
        number="001/RJK/2030",
        drawn_at=timezone.now() - datetime.timedelta(hours=1),
    )
    out = StringIO()
    call_command("void_unused_numbers", stdout=out)
    stale.refresh_from_db()
    assert stale.status == NumberStatus.VOID
    assert "unused letter numbers recorded as void" in out.getvalue()


@pytest.mark.parametrize(
    "role,status",
    [("intake", 403), ("counselor", 403), ("head", 200), ("auditor", 200), ("administrator", 200)],
)
def test_register_is_for_heads_auditors_and_the_pengelola(office, role, status):
    office.administrator = make_user("pengelola", "administrator", "Pengelola Sistem")
    client = Client()
    client.force_login(getattr(office, role))
    assert client.get(REGISTER).status_code == status


def test_register_sends_strangers_to_login(client):
    response = client.get(REGISTER)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_register_lists_numbers_in_order_without_client_names(office):
    sequence = next_sequence(LetterKind.REGISTRATION_RECEIPT)
    cases = [office.register(full_name=name) for name in ("Siti Rahasia", "Dewi Tersembunyi")]
    html = whole_register(office.head, kind=LetterKind.REGISTRATION_RECEIPT)
    receipts = [case.letters.get(kind=LetterKind.REGISTRATION_RECEIPT) for case in cases]
    assert [letter.sequence for letter in receipts] == [sequence, sequence + 1]
    assert html.index(receipts[0].number) < html.index(receipts[1].number)
    for case in cases:
        assert reverse("cases:detail", args=[case.pk]) in html
        assert case.client.full_name not in html
    assert "Valid" in html and "Tanda Bukti Pendaftaran" in html


def test_register_links_only_cases_the_reader_may_open(office):
    case = office.register(full_name="Klien Pengelola")
    administrator = make_user("pengelola", "administrator", "Pengelola Sistem")
    html = whole_register(administrator, kind=LetterKind.REGISTRATION_RECEIPT)
    assert case.letters.get(kind=LetterKind.REGISTRATION_RECEIPT).number in html
    assert case.number not in html and reverse("cases:detail", args=[case.pk]) not in html


def test_register_shows_revoked_letters(office):
    case = office.assign(office.register())
    old = case.letters.get(kind=LetterKind.ASSIGNMENT)
    new = letter_services.correct_letter(old, signer=office.head, reason="Salah tanggal.")
    html = whole_register(office.auditor, kind=LetterKind.ASSIGNMENT)
    assert old.number in html and new.number in html and "Revoked" in html


def test_register_is_paginated_and_shows_the_chosen_year(office):
    LetterNumber.objects.bulk_create(
        LetterNumber(
            kind=LetterKind.REFERRAL,
            year=2031,
            sequence=n,
            number=f"{n:03d}/RJK/LK3-LBK/I/2031",
            drawn_at=timezone.now(),
            status=NumberStatus.VOID,
            voided_at=timezone.now(),
            void_reason=VoidReason.STEP_NOT_COMPLETED,
        )
        for n in range(1, 61)
    )
    first = register_page(office.head, year=2031)
    assert "050/RJK/LK3-LBK/I/2031" in first and "051/RJK/LK3-LBK/I/2031" not in first
    second = register_page(office.head, year=2031, page=2)
    assert "051/RJK/LK3-LBK/I/2031" in second and "060/RJK/LK3-LBK/I/2031" in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize(
    "query", [{"year": "abc"}, {"year": "1999"}, {"kind": "nope"}, {"year": "2031'--"}]
)
def test_register_refuses_bad_filters_with_a_message(office, query):
    office.register()
    html = register_page(office.head, **query)
    assert "errorlist" in html


def test_register_refuses_a_page_that_does_not_exist(office):
    client = Client()
    client.force_login(office.head)
    assert client.get(REGISTER, {"page": "999"}).status_code == 404


def test_the_menu_links_the_register_for_those_who_may_read_it(office):
    client = in_english(Client())
    client.force_login(office.head)
    assert REGISTER in client.get(reverse("cases:index")).content.decode()
    client.force_login(office.counselor)
    assert REGISTER not in client.get(reverse("cases:index")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_existing_letters_migrate_into_the_register(office):
    case = office.assign(office.register())
    letters = list(case.letters.order_by("pk").values_list("pk", "number", "sequence"))
    executor = MigrationExecutor(connection)
    executor.migrate([("letters", "0003_text_length_limits")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    entries = LetterNumber.objects.filter(letter__case=case).order_by("letter__pk")
    assert [(e.letter.pk, e.number, e.sequence, e.status) for e in entries] == [
        (pk, number, sequence, NumberStatus.USED) for pk, number, sequence in letters
    ]
