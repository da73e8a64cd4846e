"""The periodic report as the social office receives it: a numbered, signed PDF with its figures
and charts, carrying the audit chain's checkpoint, verifiable by anyone like a letter."""

import datetime
import hashlib
import re
import subprocess

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent, AuditSeal
from audit.verification import Checkpoint, holds_checkpoint
from letters import services as letter_services
from letters.models import PERIODIC_REPORT, IssuedReport, LetterNumber, NumberStatus
from letters.signing import Verdict, check_signature
from reports.selectors import SMALL_CELL, Period, periodic_report
from tests.pdf import extract_text
from tests.test_reports import this_month


def layout_text(pdf: bytes) -> str:
    """Poppler's extraction keeping the page's layout: a table's row stays on one line."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def period_query(period: Period) -> dict[str, str]:
    return {"kind": "range", "first": period.first.isoformat(), "last": period.last.isoformat()}


def issue(client: Client, period: Period):
    return client.post(reverse("reports:issue"), period_query(period))


def stored(report: IssuedReport) -> bytes:
    with report.pdf.open("rb") as file:
        return file.read()


def files_in(folder: str) -> list[str]:
    storage = storages["default"]
    if not storage.exists(folder):
        return []
    found, pending = [], [folder]
    while pending:
        current = pending.pop()
        folders, names = storage.listdir(current)
        found += [f"{current}/{name}" for name in names]
        pending += [f"{current}/{sub}" for sub in folders]
    return found


@pytest.fixture
def head_client(office) -> Client:
    client = Client()
    client.force_login(office.head)
    return client


def test_the_head_confirms_then_issues_a_numbered_signed_report(
    office, seeded, head_client, fresh_storage
):
    period = this_month()
    confirm = head_client.get(reverse("reports:issue"), period_query(period))
    assert confirm.status_code == 200
    assert IssuedReport.objects.count() == 0, "the confirmation page issues nothing"

    response = issue(head_client, period)

    assert response.status_code == 302 and response.url == reverse("reports:issued")
    report = IssuedReport.objects.get()
    today = timezone.localdate()
    assert re.fullmatch(rf"\d{{3}}/LAP/LK3-LBK/[IVX]+/{today.year}", report.number)
    entry = LetterNumber.objects.get(number=report.number)
    assert (entry.kind, entry.status) == (PERIODIC_REPORT, NumberStatus.USED)
    assert (report.period_first, report.period_last) == (period.first, period.last)
    assert report.signer == office.head
    data = stored(report)
    assert hashlib.sha256(data).hexdigest() == report.sha256
    assert check_signature(data).verdict == Verdict.TRUSTED
    event = AuditEvent.objects.get(action=Action.REPORT_ISSUED)
    assert event.details["number"] == report.number
    assert event.details["sha256"] == report.sha256
    listed = head_client.get(reverse("reports:issued")).content.decode()
    assert report.number in listed


def test_the_pdf_holds_every_figure_of_the_period_and_names_no_client(
    office, seeded, head_client, fresh_storage
):
    period = this_month()
    issue(head_client, period)
    data = stored(IssuedReport.objects.get())
    text = extract_text(data)

    assert "LAPORAN BERKALA" in text
    expected = periodic_report(period)
    for measure, figure in expected.totals.items():
        assert figure.count > 0 or measure == "withdrawn"
    registered = expected.totals["registered"].count
    assert f"Kasus terdaftar {registered}" in text
    # Laid out, each row of a table is one line: its number, its label, then its cells.
    lines = [" ".join(line.split()) for line in layout_text(data).splitlines()]
    for table in expected.tables:
        assert table.title in text
        if table.key == "desa":
            # Villages are listed district by district: "Rangkasbitung: Muara Ciujung Timur <5."
            for row in table.rows:
                assert f"{row.name} {row.figures[0].shown}" in text, row.label
                assert row.group in text
            continue
        for number, row in enumerate(table.rows, start=1):
            cells = " ".join(str(figure.shown) for figure in row.figures)
            assert f"{number}. {row.label} {cells}" in lines, (table.key, row.label)
    assert SMALL_CELL in text
    for case in seeded.values():
        assert case.client.full_name not in text
    # The charts are drawn: their bars' labels appear a second time, beside the bars.
    assert text.count("Konseling") >= 2


def test_the_report_carries_the_chain_checkpoint_of_the_moment_it_was_made(
    office, seeded, head_client, fresh_storage
):
    issue(head_client, this_month())
    report = IssuedReport.objects.get()
    issued = AuditEvent.objects.get(action=Action.REPORT_ISSUED)

    # Everything recorded before the report was sealed for it, and the report's own event after.
    last = AuditSeal.objects.get(position=report.audit_events)
    assert last.hash == report.audit_head
    assert last.event_id < issued.pk
    assert holds_checkpoint(Checkpoint(report.audit_events, report.audit_head))
    assert not holds_checkpoint(Checkpoint(report.audit_events, "0" * 64))
    text = extract_text(stored(report))
    assert report.audit_head in text
    assert f"memuat {report.audit_events} peristiwa tersegel" in text


def test_anyone_verifies_the_report_by_its_address_or_its_code(
    office, seeded, head_client, fresh_storage
):
    issue(head_client, this_month())
    report = IssuedReport.objects.get()
    public = Client()
    page = public.get(reverse("verify_report", args=[report.token]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-verdict="valid"' in body and 'data-checkpoint="held"' in body
    assert report.number in body and report.audit_head in body
    for case in seeded.values():
        assert case.client.full_name not in body

    found = public.post(
        reverse("verify_letter_by_code"), {"code": report.short_code.replace("-", "").lower()}
    )
    assert found.status_code == 302
    assert found.url == reverse("verify_report", args=[report.token])

    identical = public.post(
        reverse("verify_report", args=[report.token]),
        {"pdf": SimpleUploadedFile("laporan.pdf", stored(report))},
    ).content.decode()
    assert 'data-verdict="match"' in identical and 'data-signature-check="trusted"' in identical
    changed = stored(report).replace(report.number.encode(), b"X" * len(report.number), 1)
    altered = public.post(
        reverse("verify_report", args=[report.token]),
        {"pdf": SimpleUploadedFile("laporan.pdf", changed + b"\n% changed")},
    ).content.decode()
    assert 'data-verdict="mismatch"' in altered

    unknown = public.get(reverse("verify_report", args=["no-such-token"]))
    assert unknown.status_code == 404 and 'data-verdict="unknown"' in unknown.content.decode()


def test_the_verification_page_says_when_the_chain_no_longer_holds_the_checkpoint(
    office, seeded, head_client, fresh_storage
):
    issue(head_client, this_month())
    # As if the chain had been rebuilt after the report left: its head at that count differs.
    IssuedReport.objects.update(audit_head="f" * 64)
    report = IssuedReport.objects.get()

    body = Client().get(reverse("verify_report", args=[report.token])).content.decode()

    assert 'data-checkpoint="broken"' in body


def test_a_second_click_gets_the_report_just_issued_not_another_number(
    office, seeded, head_client, fresh_storage
):
    period = this_month()
    # On PostgreSQL numbers are drawn and committed apart: earlier tests' numbers remain.
    drawn = LetterNumber.objects.filter(kind=PERIODIC_REPORT).count()
    issue(head_client, period)
    issue(head_client, period)

    assert IssuedReport.objects.count() == 1
    assert LetterNumber.objects.filter(kind=PERIODIC_REPORT).count() == drawn + 1


def test_without_a_signing_key_nothing_is_issued_and_the_head_is_told(
    office, seeded, head_client, fresh_storage
):
    drawn = LetterNumber.objects.filter(kind=PERIODIC_REPORT).count()
    with override_settings(LK3_SIGNING_KEY=""):
        response = issue(head_client, this_month())
        page = head_client.get(response.url)

    assert "Kunci tanda tangan elektronik belum diatur" in page.content.decode()
    assert IssuedReport.objects.count() == 0
    assert LetterNumber.objects.filter(kind=PERIODIC_REPORT).count() == drawn
    assert not AuditEvent.objects.filter(action=Action.REPORT_ISSUED).exists()
    assert files_in("reports") == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failing", ["render_letter", "record"])
def test_a_failure_midway_leaves_no_report_no_file_and_no_used_number(
    office, monkeypatch, fresh_storage, failing
):
    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    target = letter_services if failing == "render_letter" else letter_services.audit
    monkeypatch.setattr(target, failing, broken)
    period = this_month()
    earlier = set(LetterNumber.objects.values_list("pk", flat=True))

    with pytest.raises(RuntimeError):
        letter_services.issue_report(
            subject="Laporan",
            period_first=period.first,
            period_last=period.last,
            signer=office.head,
            page=lambda context: "<p>Laporan</p>",
        )

    assert IssuedReport.objects.count() == 0
    assert files_in("reports") == []
    numbers = LetterNumber.objects.filter(kind=PERIODIC_REPORT).exclude(pk__in=earlier)
    if connection.vendor == "postgresql":
        # Drawn apart and committed: the register keeps it, void, as an agenda book would.
        assert [entry.status for entry in numbers] == [NumberStatus.VOID]
    else:
        assert not numbers.exists()


def test_the_auditor_downloads_issued_reports_but_issues_none(
    office, seeded, head_client, fresh_storage
):
    issue(head_client, this_month())
    report = IssuedReport.objects.get()
    auditor = Client()
    auditor.force_login(office.auditor)

    assert auditor.get(reverse("reports:issue"), period_query(this_month())).status_code == 403
    assert issue(auditor, this_month()).status_code == 403
    download = auditor.get(reverse("reports:issued_pdf", args=[report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored(report)
    assert IssuedReport.objects.count() == 1


def test_a_period_the_form_refuses_issues_nothing(office, head_client, fresh_storage):
    drawn = LetterNumber.objects.count()
    response = head_client.post(reverse("reports:issue"), {"kind": "month", "year": "2026"})

    assert response.status_code == 302
    assert IssuedReport.objects.count() == 0
    assert LetterNumber.objects.count() == drawn


def test_the_register_lists_the_reports_number(office, seeded, head_client, fresh_storage):
    issue(head_client, this_month())
    report = IssuedReport.objects.get()

    page = head_client.get(
        reverse("letter_register"), {"year": report.issued_on.year, "kind": PERIODIC_REPORT}
    ).content.decode()

    assert report.number in page and report.subject in page


@pytest.mark.parametrize(
    ("first", "last", "title"),
    [
        ("2026-11-01", "2026-11-30", "bulan November 2026"),
        ("2026-10-01", "2026-12-31", "triwulan IV tahun 2026"),
        ("2026-01-01", "2026-12-31", "tahun 2026"),
        ("2026-01-15", "2026-03-14", "15 Januari 2026 sampai dengan 14 Maret 2026"),
        ("2026-02-01", "2026-04-30", "1 Februari 2026 sampai dengan 30 April 2026"),
    ],
)
def test_a_period_is_named_as_a_report_title_names_it(first, last, title):
    from django.utils import translation

    period = Period(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
    with translation.override("id"):
        assert period.title() == title


def test_a_report_that_cannot_be_made_is_said_so_and_nothing_is_issued(
    office, head_client, monkeypatch, fresh_storage
):
    def broken(html):
        raise ValueError("broken layout")

    monkeypatch.setattr(letter_services, "render_letter", broken)

    response = issue(head_client, this_month())
    page = head_client.get(response.url).content.decode()

    assert "tidak dapat dibuat" in page
    assert IssuedReport.objects.count() == 0
    assert files_in("reports") == []
