"""Stored letter files: names that reveal nothing, private modes, and nothing left by a rollback."""

import hashlib
import os
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.core.signals import request_finished
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client, override_settings
from django.utils import timezone

import lk3_flow.settings as project_settings
from audit.models import Action
from letters import files
from letters import services as letter_services
from letters.models import Letter, LetterKind, LetterNumber, NumberStatus
from letters.numbering import draws_apart
from tests.test_lifecycle_http import START_URL, intake_post

pytestmark = pytest.mark.usefixtures("fresh_storage")


def letters_check() -> None:
    """The management command the issue asks for: raises CommandError on any mismatch."""
    call_command("check_letter_files", stdout=StringIO())


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def project_storage(location: Path) -> dict:
    """The production settings' letter storage, on a temporary folder."""
    default = {**project_settings.STORAGES["default"]}
    default["OPTIONS"] = {**default.get("OPTIONS", {}), "location": str(location)}
    return {**project_settings.STORAGES, "default": default}


def test_file_names_say_nothing_about_the_letter(office):
    letter = letter_services.rendered(Letter.objects.filter(case=office.register()).first())
    assert files.is_private_name(letter.pdf.name)
    for secret in (letter.token, letter.short_code, letter.number.replace("/", "-")):
        assert secret not in letter.pdf.name
    letters_check()


def test_files_are_readable_by_the_service_only(office, tmp_path):
    previous = os.umask(0o022)
    try:
        with override_settings(STORAGES=project_storage(tmp_path)):
            letter = letter_services.rendered(Letter.objects.filter(case=office.register()).first())
            stored = tmp_path / letter.pdf.name
            assert mode_of(stored) == 0o600
            for folder in [stored.parent, stored.parent.parent]:
                assert mode_of(folder) == 0o700
            assert "letters.W001" not in {message.id for message in run_checks(tags=["security"])}
    finally:
        os.umask(previous)


def test_a_storage_that_others_may_read_is_reported(tmp_path):
    world_readable = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
        "staticfiles": project_settings.STORAGES["staticfiles"],
    }
    with override_settings(STORAGES=world_readable):
        assert "letters.W001" in {message.id for message in run_checks(tags=["security"])}


def test_secure_letter_files_renames_and_narrows_older_files(
    office, tmp_path, django_capture_on_commit_callbacks
):
    previous = os.umask(0o022)
    try:
        with override_settings(STORAGES=project_storage(tmp_path)):
            letter = letter_services.rendered(Letter.objects.filter(case=office.register()).first())
            data = (tmp_path / letter.pdf.name).read_bytes()
            # As an older version stored it: named by the token, readable by everyone.
            old_name = f"letters/{letter.issued_on.year}/{letter.token}.pdf"
            (tmp_path / letter.pdf.name).unlink()
            (tmp_path / old_name).write_bytes(data)
            (tmp_path / old_name).chmod(0o644)
            (tmp_path / "letters").chmod(0o755)
            Letter.objects.filter(pk=letter.pk).update(pdf=old_name)

            with django_capture_on_commit_callbacks(execute=True):
                call_command("secure_letter_files", stdout=StringIO())

            letter.refresh_from_db()
            assert files.is_private_name(letter.pdf.name) and letter.token not in letter.pdf.name
            assert not (tmp_path / old_name).exists()
            moved = tmp_path / letter.pdf.name
            assert hashlib.sha256(moved.read_bytes()).hexdigest() == letter.sha256
            assert mode_of(moved) == 0o600 and mode_of(tmp_path / "letters") == 0o700
            letters_check()
            # Nothing left to do the second time.
            call_command("secure_letter_files", stdout=StringIO())
            letter.refresh_from_db()
            assert letter.pdf.name == moved.relative_to(tmp_path).as_posix()
    finally:
        os.umask(previous)


def test_check_letter_files_names_both_kinds_of_mismatch(office):
    letter = letter_services.rendered(Letter.objects.filter(case=office.register()).first())
    storage = files.letter_storage()
    storage.delete(letter.pdf.name)
    storage.save("letters/2026/left-over.pdf", ContentFile(b"%PDF"))
    with pytest.raises(CommandError, match="1 files without a letter, 1 letters without a file"):
        letters_check()


def test_a_failure_inside_issuing_leaves_no_file(office, monkeypatch):
    case = office.register()
    before = set(files.stored_names(files.letter_storage()))
    real_record = letter_services.audit.record

    def failing_record(action, **kwargs):
        if action == Action.LETTER_ISSUED:
            raise RuntimeError("audit unavailable")
        return real_record(action, **kwargs)

    monkeypatch.setattr(letter_services.audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        letter_services.issue_letter(LetterKind.ASSIGNMENT, case, signer=office.head)
    assert set(files.stored_names(files.letter_storage())) == before
    letters_check()


def drop_connection() -> None:
    """What a database restart or a network cut does to the connection serving the request."""
    if connection.vendor == "postgresql":
        pid = connection.connection.info.backend_pid
        killer = connections.create_connection("default")
        try:
            with killer.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            killer.close()
    else:
        connection.connection.close()


def fail_second_letter(monkeypatch, failure) -> None:
    """Registration issues two letters; the second fails after the first one's file is written."""
    real_issue = letter_services.issue_letter

    def issue(kind, case, **kwargs):
        if kind == LetterKind.SERVICE_CONSENT:
            failure()
        return real_issue(kind, case, **kwargs)

    monkeypatch.setattr("flows.flows.issue_letter", issue)


def raise_error() -> None:
    raise RuntimeError("a later step failed")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("failure", "error"),
    [(raise_error, RuntimeError), (drop_connection, DatabaseError)],
    ids=["error", "dropped"],
)
def test_a_rolled_back_registration_leaves_no_file(office, monkeypatch, failure, error):
    browser = Client()
    browser.force_login(office.intake)
    receipts = LetterNumber.objects.filter(
        kind=LetterKind.REGISTRATION_RECEIPT, year=timezone.localdate().year
    )
    first = (receipts.order_by("-sequence").values_list("sequence", flat=True).first() or 0) + 1
    fail_second_letter(monkeypatch, failure)
    with pytest.raises(error):
        browser.post(START_URL, intake_post())
    assert not Letter.objects.exists()
    assert not list(files.stored_names(files.letter_storage()))
    letters_check()

    monkeypatch.undo()
    browser.force_login(office.intake)
    assert browser.post(START_URL, intake_post()).status_code == 302
    receipt = Letter.objects.get(kind=LetterKind.REGISTRATION_RECEIPT)
    if draws_apart():  # the rolled-back receipt's number stays drawn, for the job to void
        assert receipt.sequence == first + 1
        assert receipts.get(sequence=first).status == NumberStatus.DRAWN
    else:
        assert receipt.sequence == first
    letters_check()


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_inside_a_committed_transaction_leaves_no_file(office):
    case = office.register()
    kept = set(files.stored_names(files.letter_storage()))
    with transaction.atomic():
        try:
            with transaction.atomic():
                letter_services.issue_letter(LetterKind.ASSIGNMENT, case, signer=office.head)
                raise RuntimeError("the step changed its mind")
        except RuntimeError:
            pass
    request_finished.send(sender=None)
    assert set(files.stored_names(files.letter_storage())) == kept
    letters_check()
