"""Reminding a client of the next session, by WhatsApp or by e-mail: what the message says, who
may send it, and what the case file and the audit log keep of it."""

import contextlib
import datetime
import email
import email.policy
import re
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from casenotes.models import ContactEntry, ContactKind
from flows import services as flow_services
from lk3_flow import services
from lk3_flow.choices import ClientKind, Sex
from lk3_flow.models import Case, Client
from reminders import messages, selectors
from reminders import services as reminders
from reminders.models import Channel, Reminder
from tests.factories import Office, in_english, registration, session_data
from tests.mail import queue_state, work_the_queue
from tests.test_personal_data import raw_audit_text

JAKARTA = ZoneInfo("Asia/Jakarta")
# A Monday morning, a year ahead of the tests' clock (`_clock`).
NEXT_SESSION = datetime.datetime(2027, 12, 13, 10, 0, tzinfo=JAKARTA)
PHONE = "0812-3456-7890"
EMAIL = "siti.aminah@contoh.id"
COMPLAINT = "Sering bertengkar dengan suami soal nafkah."
MESSAGE = (
    "Yth. Ibu Siti, kami dari LK3 Kabupaten Lebak mengingatkan jadwal sesi konseling Anda pada "
    "Senin, 13 Desember 2027 pukul 10.00 WIB di Jl. Abdi Negara No. 3, Rangkasbitung, "
    "Kabupaten Lebak, Banten 42312. Mohon konfirmasi kehadiran Anda dengan membalas pesan ini. "
    "Terima kasih."
)


@pytest.fixture(autouse=True)
def _clock():
    """The tests' today is 7 December 2026 whatever the machine's date, so the session above
    stays ahead of it."""
    with time_machine.travel(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=JAKARTA)):
        yield


@contextlib.contextmanager
def refused(message: str):
    """The service refuses with this message, read as written (in English)."""
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        yield


def register(office: Office, **client_data) -> Case:
    entry = registration(full_name="Siti Aminah", complaint=COMPLAINT)
    entry.client_data |= {"phone": PHONE, "email": EMAIL, **client_data}
    return flow_services.start_case(actor=office.intake, registration=entry)


def scheduled(office: Office, case: Case, when: datetime.datetime | None = NEXT_SESSION) -> Case:
    """The case after a session that scheduled the next one at `when` (None: none scheduled)."""
    data = session_data() | {"next_session_at": when}
    return office.step(
        case,
        "counseling",
        office.counselor,
        lambda c: services.record_session(case=c, counselor=office.counselor, data=data),
    )


def in_counseling(office: Office, **client_data) -> Case:
    return scheduled(office, office.to_counseling(register(office, **client_data)))


def remind_url(case: Case) -> str:
    return reverse("cases:remind", args=[case.pk])


# --- The message ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_whatsapp_link_opens_a_chat_with_the_prepared_message(office):
    case = in_counseling(office)
    reminder = reminders.remind_client(case=case, actor=office.counselor, channel=Channel.WHATSAPP)

    link = selectors.prepared_whatsapp(reminder).link
    number, text = re.fullmatch(r"https://wa\.me/(\d+)\?text=([^&#\s]+)", link).groups()
    assert number == "6281234567890"
    assert unquote(text) == MESSAGE
    # Nothing of the case: a phone is read by whoever holds it.
    for secret in (case.number, COMPLAINT, "bertengkar", "Aminah", "marital"):
        assert secret not in unquote(text)
    assert reminder.session.next_session_at == NEXT_SESSION


def test_a_number_is_put_in_international_form():
    assert messages.whatsapp_number("0812-3456-7890") == "6281234567890"
    assert messages.whatsapp_number("+62 812 3456 7890") == "6281234567890"
    assert messages.whatsapp_number("62 812 3456 7890") == "6281234567890"
    assert messages.whatsapp_number("(0252) 201012") == "62252201012"
    assert messages.whatsapp_number("0812") == ""
    assert messages.whatsapp_number("") == ""


@pytest.mark.parametrize(
    ("kind", "name", "sex", "greeting"),
    [
        (ClientKind.INDIVIDUAL, "Siti Aminah", Sex.FEMALE, "Ibu Siti"),
        (ClientKind.INDIVIDUAL, "Ahmad Fauzi", Sex.MALE, "Bapak Ahmad"),
        (ClientKind.INDIVIDUAL, "Hj. Euis Komariah", Sex.FEMALE, "Ibu Euis"),
        (ClientKind.INDIVIDUAL, "Rudi Hartono", "", "Bapak/Ibu Rudi"),
        (
            ClientKind.GROUP,
            "Kelompok Ibu Sejahtera",
            "",
            "Bapak/Ibu perwakilan Kelompok Ibu Sejahtera",
        ),
    ],
)
def test_the_client_is_greeted_by_sex(kind, name, sex, greeting):
    assert messages.addressee(Client(kind=kind, full_name=name, sex=sex)) == greeting


# --- Refusals ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reminder_needs_a_next_session_still_to_come(office):
    case = office.to_counseling(register(office))
    with refused("No next session"):
        reminders.remind_client(case=case, actor=office.counselor, channel=Channel.WHATSAPP)
    case = scheduled(office, case, when=None)
    with refused("No next session"):
        reminders.remind_client(case=case, actor=office.counselor, channel=Channel.WHATSAPP)
    case = scheduled(office, case, when=timezone.now() - datetime.timedelta(hours=1))
    with refused("No next session"):
        reminders.remind_client(case=case, actor=office.counselor, channel=Channel.EMAIL)
    assert not Reminder.objects.exists() and not ContactEntry.objects.exists()


@pytest.mark.django_db
def test_a_closed_case_is_refused(office):
    case = in_counseling(office)
    flow_services.withdraw_case(case, actor=office.head, reason="Klien pindah ke Serang.")
    case = Case.objects.get(pk=case.pk)
    with refused("no longer open"):
        reminders.remind_client(case=case, actor=office.head, channel=Channel.WHATSAPP)
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_each_channel_needs_its_address(office):
    case = in_counseling(office, phone="", email="")
    with refused("no phone number"):
        reminders.remind_client(case=case, actor=office.counselor, channel=Channel.WHATSAPP)
    with refused("no e-mail address"):
        reminders.remind_client(case=case, actor=office.counselor, channel=Channel.EMAIL)
    with refused("Choose WhatsApp or e-mail"):
        reminders.remind_client(case=case, actor=office.counselor, channel="sms")


@pytest.mark.django_db
def test_only_a_head_or_the_cases_counselor_reminds(office):
    case = in_counseling(office)
    for person in (office.other_counselor, office.intake, office.auditor):
        with pytest.raises(PermissionDenied):
            reminders.remind_client(case=case, actor=person, channel=Channel.WHATSAPP)
    reminders.remind_client(case=case, actor=office.head, channel=Channel.WHATSAPP)
    assert Reminder.objects.get().prepared_by == office.head


@pytest.mark.django_db
def test_the_pages_refuse_who_may_not_remind(client, office):
    case = in_counseling(office)
    expected = {office.other_counselor: 404, office.intake: 404, office.auditor: 403}
    for person, status in expected.items():
        client.force_login(person)
        assert client.post(remind_url(case), {"channel": "whatsapp"}).status_code == status
        assert client.get(remind_url(case)).status_code in (status, 405)
        html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert remind_url(case) not in html
    assert not Reminder.objects.exists() and not ContactEntry.objects.exists()


# --- The pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_case_page_shows_the_message_and_a_button_per_channel(client, office):
    case = in_counseling(office, email="")
    client.force_login(office.counselor)
    html = in_english(client).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Remind the client" in html and MESSAGE in html
    assert 'value="whatsapp"' in html and 'value="email"' not in html
    assert "No reminder yet." in html


@pytest.mark.django_db
def test_whatsapp_is_recorded_then_opened_from_a_page_without_the_number_in_its_url(client, office):
    case = in_counseling(office)
    client.force_login(office.counselor)
    response = in_english(client).post(remind_url(case), {"channel": "whatsapp"})
    reminder = Reminder.objects.get()
    assert response.status_code == 303
    assert response.url == reverse("cases:reminder", args=[case.pk, reminder.pk])
    assert "3456" not in response.url

    page = client.get(response.url).content.decode()
    assert 'href="https://wa.me/6281234567890?text=Yth.%20Ibu%20Siti' in page
    assert 'rel="noopener noreferrer"' in page

    entry = ContactEntry.objects.get(case=case)
    assert entry.kind == ContactKind.MESSAGE and entry.author == office.counselor
    assert entry.with_whom == "Klien"
    assert entry.summary == (
        "Pengingat sesi konseling Senin, 13 Desember 2027 pukul 10.00 WIB disiapkan untuk "
        "dikirim lewat WhatsApp."
    )
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "prepared" in detail and reverse("cases:reminder", args=[case.pk, reminder.pk]) in detail


@pytest.mark.django_db
def test_a_refusal_comes_back_to_the_case_page_with_its_reason(client, office):
    case = office.to_counseling(register(office))
    client.force_login(office.counselor)
    response = in_english(client).post(remind_url(case), {"channel": "whatsapp"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#pengingat")
    assert "No next session is scheduled" in response.content.decode()
    response = client.post(remind_url(case), {"channel": "<script>"}, follow=True)
    assert "Choose WhatsApp or e-mail." in response.content.decode()
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_another_cases_reminder_is_not_found(client, office):
    case = in_counseling(office)
    other = in_counseling(office)
    reminder = reminders.remind_client(case=other, actor=office.head, channel=Channel.WHATSAPP)
    client.force_login(office.counselor)
    assert client.get(reverse("cases:reminder", args=[case.pk, reminder.pk])).status_code == 404


# --- E-mail through the queue, against a real SMTP server ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_email_goes_once_through_the_queue_and_into_the_contact_log(inbox):
    office = Office()
    case = in_counseling(office)
    reminder = reminders.remind_client(case=case, actor=office.counselor, channel=Channel.EMAIL)
    with refused("already waiting"):
        reminders.remind_client(case=case, actor=office.head, channel=Channel.EMAIL)

    work_the_queue()
    reminder.refresh_from_db()
    delivery = (reminder.email_claimed_at, reminder.email_attempts, reminder.emailed_at)
    assert len(inbox.accepted) == 1, (delivery, timezone.now(), queue_state())
    message = email.message_from_string(inbox.accepted[0], policy=email.policy.default)
    assert message["To"] == EMAIL
    assert message["Message-ID"].startswith(f"<reminder-{reminder.pk}@")
    assert message["Reply-To"] == "lk3@lebakkab.go.id"
    assert message["Subject"] == "Pengingat sesi konseling \N{EN DASH} LK3 Kabupaten Lebak"
    assert message.get_content().strip() == MESSAGE
    reminder.refresh_from_db()
    assert reminder.emailed_at is not None and reminder.email_attempts == 1

    # The same job again, and a sweep that finds nothing lost: still one message.
    reminders.requeue_lost_emails()
    work_the_queue()
    assert len(inbox.accepted) == 1

    entry = ContactEntry.objects.get(case=case)
    assert entry.kind == ContactKind.EMAIL
    assert entry.summary.startswith("Pengingat sesi konseling Senin, 13 Desember 2027")


@pytest.mark.django_db
def test_a_lost_email_is_handed_to_the_queue_again(office, settings):
    case = in_counseling(office)
    reminders.remind_client(case=case, actor=office.counselor, channel=Channel.EMAIL)
    later = timezone.now() + datetime.timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE + 1)
    assert reminders.requeue_lost_emails(now=later) == 1
    # A client whose address was taken away is not written to.
    Client.objects.filter(pk=case.client_id).update(email="")
    assert reminders.requeue_lost_emails(now=later) == 0


# --- Personal data -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_email_address_is_personal_data(office):
    case = in_counseling(office)
    reminders.remind_client(case=case, actor=office.counselor, channel=Channel.EMAIL)
    text = raw_audit_text()
    assert EMAIL not in text and PHONE not in text and "Pengingat" not in text

    flow_services.withdraw_case(case, actor=office.head, reason="Klien pindah ke Serang.")
    services.erase_client_personal_data(case.client, actor=office.head, reason="Permintaan klien.")
    assert Client.objects.values_list("email", "phone").get(pk=case.client_id) == ("", "")
    assert ContactEntry.objects.get(case=case).summary == ""
