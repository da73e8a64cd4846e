"""Letter files are made after the step commits, by the worker or by the first reader."""

import hashlib
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from letters import files
from letters import services as letter_services
from letters.models import RENDER_ATTEMPTS, Letter, LetterKind, PendingRendering
from letters.rendering import RenderedLetter
from lk3_flow.management.commands import run_worker
from lk3_flow.models import Client as ClientRecord
from tests.factories import in_english
from tests.pdf import extract_text

pytestmark = pytest.mark.django_db


def refuse_to_render(html: str) -> RenderedLetter:
    raise AssertionError("a step must not wait for WeasyPrint")


def stored_bytes(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as stored:
        return stored.read()


def test_a_step_issues_its_letter_without_rendering_it(office, monkeypatch):
    monkeypatch.setattr(letter_services, "render_letter", refuse_to_render)
    case = office.register(full_name="Klien Tanpa Tunggu")
    receipt = Letter.objects.get(case=case, kind=LetterKind.REGISTRATION_RECEIPT)
    assert (receipt.pdf.name, receipt.sha256, receipt.rendered_at) == ("", "", None)
    assert receipt.number in receipt.pending_rendering.html
    issued = AuditEvent.objects.get(action=Action.CASE_CREATED, case=case)
    effects = {effect["action"] for effect in issued.details["effects"]}
    assert Action.LETTER_ISSUED in effects and Action.LETTER_FILED not in effects


@pytest.mark.usefixtures("fresh_storage")
def test_the_worker_makes_every_file_and_records_its_hash(office):
    case = office.register()
    letters = list(Letter.objects.filter(case=case))
    assert len(letters) == 2
    assert letter_services.render_pending_letters() == 2
    assert not PendingRendering.objects.exists()
    for letter in letters:
        letter.refresh_from_db()
        data = stored_bytes(letter)
        assert data.startswith(b"%PDF") and letter.rendered_at is not None
        assert hashlib.sha256(data).hexdigest() == letter.sha256
        assert files.is_private_name(letter.pdf.name)
        filed = AuditEvent.objects.get(action=Action.LETTER_FILED, object_id=str(letter.pk))
        assert filed.details == {"number": letter.number, "sha256": letter.sha256}
        assert filed.actor_id is None and filed.actor_name == letter_services.WORKER_NAME
    assert letter_services.render_pending_letters() == 0
    call_command("check_letter_files", stdout=StringIO())


def test_the_file_says_what_the_records_said_when_the_letter_was_issued(office):
    case = office.register(full_name="Nama Saat Terbit")
    ClientRecord.objects.filter(pk=case.client_id).update(full_name="Nama Sesudahnya")
    receipt = Letter.objects.get(case=case, kind=LetterKind.REGISTRATION_RECEIPT)
    text = extract_text(stored_bytes(letter_services.rendered(receipt)))
    assert "Nama Saat Terbit" in text and "Nama Sesudahnya" not in text


def test_a_failed_rendering_leaves_no_file_and_does_not_hold_up_the_others(office, monkeypatch):
    case = office.register()
    broken, other = Letter.objects.filter(case=case).order_by("id")
    real_record = letter_services.audit.record
    kept = set(files.stored_names(files.letter_storage()))

    def failing_record(action, **kwargs):
        # After the file is written: what fails last must take the file with it.
        if action == Action.LETTER_FILED and kwargs["obj"].pk == broken.pk:
            raise RuntimeError("audit unavailable")
        return real_record(action, **kwargs)

    monkeypatch.setattr(letter_services.audit, "record", failing_record)
    assert letter_services.render_pending_letters() == 1
    other.refresh_from_db()
    broken.refresh_from_db()
    assert other.rendered_at is not None and broken.rendered_at is None
    assert set(files.stored_names(files.letter_storage())) == kept | {other.pdf.name}
    pending = PendingRendering.objects.get(letter=broken)
    assert (pending.attempts, pending.last_error) == (1, "RuntimeError")

    for _ in range(RENDER_ATTEMPTS):
        letter_services.render_pending_letters()
    assert PendingRendering.objects.get(letter=broken).attempts == RENDER_ATTEMPTS
    assert set(files.stored_names(files.letter_storage())) == kept | {other.pdf.name}
    printed = StringIO()
    with pytest.raises(CommandError, match="1 letters whose file could not be made"):
        call_command("check_letter_files", stdout=printed)
    assert f"letter whose file could not be made: {broken.number}" in printed.getvalue()

    # Once the fault is mended, a reader still gets the letter: the download makes it.
    monkeypatch.undo()
    browser = Client()
    browser.force_login(office.head)
    response = browser.get(reverse("letter_download", args=[broken.pk]))
    assert response.status_code == 200
    broken.refresh_from_db()
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == broken.sha256


def test_a_download_that_cannot_make_the_file_says_so(office, monkeypatch):
    case = office.register()
    receipt = Letter.objects.get(case=case, kind=LetterKind.REGISTRATION_RECEIPT)

    def broken_renderer(html: str) -> RenderedLetter:
        raise OSError("disk full")

    monkeypatch.setattr(letter_services, "render_letter", broken_renderer)
    browser = Client()
    browser.force_login(office.head)
    response = browser.get(reverse("letter_download", args=[receipt.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    assert receipt.number in response.content.decode()
    receipt.refresh_from_db()
    assert receipt.rendered_at is None and PendingRendering.objects.filter(letter=receipt).exists()
    assert not AuditEvent.objects.filter(action=Action.LETTER_DOWNLOADED).exists()


def test_a_copy_cannot_be_compared_before_the_file_is_made(office):
    case = office.register()
    receipt = Letter.objects.get(case=case, kind=LetterKind.REGISTRATION_RECEIPT)
    url = reverse("verify_letter", args=[receipt.token])
    page = in_english(Client()).post(url, {"pdf": SimpleUploadedFile("a.pdf", b"%PDF-1.7")})
    html = page.content.decode()
    assert page.status_code == 200 and "still being made" in html
    assert 'data-verdict="match"' not in html and 'data-verdict="mismatch"' not in html
    assert not receipt.verification_tallies.filter(matches__gt=0).exists()
    assert not receipt.verification_tallies.filter(mismatches__gt=0).exists()


def test_the_worker_gives_the_cores_to_the_pages(monkeypatch):
    asked = []
    monkeypatch.setattr(run_worker.os, "getpriority", lambda which, who: 0)
    monkeypatch.setattr(run_worker.os, "setpriority", lambda *args: asked.append(args))
    monkeypatch.setattr(run_worker.Command, "jobs", [])
    call_command("run_worker", once=True, niceness=7)
    assert asked == [(run_worker.os.PRIO_PROCESS, 0, 7)]
    call_command("run_worker", once=True, niceness=0)
    assert len(asked) == 1


@pytest.mark.django_db(transaction=True)
def test_letters_issued_before_this_change_migrate_as_made(office):
    case = office.register()
    letter_services.render_pending_letters()
    made = dict(case.letters.values_list("pk", "sha256"))
    executor = MigrationExecutor(connection)
    executor.migrate([("letters", "0006_every_letter_in_the_register")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    for letter in Letter.objects.filter(case=case):
        assert letter.rendered_at == letter.issued_at
        assert letter.sha256 == made[letter.pk]


def test_a_backlog_of_letters_is_made_over_several_rounds(office):
    """A round stops beginning letters when its time is up, so that sealing and stopping the
    worker never wait for a whole backlog."""
    office.register()
    assert letter_services.render_pending_letters(for_seconds=0) == 0
    assert PendingRendering.objects.count() == 2
    assert run_worker.render_letters_for_a_while in run_worker.Command.jobs
    assert run_worker.render_letters_for_a_while() == 2
    assert not PendingRendering.objects.exists()
