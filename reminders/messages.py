"""The message a client is reminded with, and where a WhatsApp one is opened.

The message is addressed to the client, who reads Indonesian, so it is written in Indonesian
whatever the interface language of the person who sends it (as the letters are), in
templates/reminders/message.txt rather than in the translation catalog. It names the
institution, its address and the session's time, and nothing of the case: no number, no
problem, since a phone or a mailbox may be read by someone other than the client.
"""

import datetime
from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation

from letters.models import InstitutionProfile
from lk3_flow.choices import ClientKind, Sex
from lk3_flow.models import Client
from lk3_flow.names import phone_key

# Fewer digits than this (with the country code) cannot be a phone number WhatsApp knows.
SHORTEST_NUMBER = 9
SALUTATIONS = {Sex.FEMALE: "Ibu", Sex.MALE: "Bapak"}


def session_time(when: datetime.datetime) -> tuple[str, str]:
    """The day ("Senin, 14 Desember 2026") and the time ("10.00") as Indonesians write them."""
    local = timezone.localtime(when)
    with translation.override("id"):
        return dateformat.format(local, "l, j F Y"), dateformat.format(local, "H.i")


def addressee(client: Client) -> str:
    """ "Ibu Siti", "Bapak Ahmad"; "Bapak/Ibu" before the name of a group or an institution, or
    of a client whose sex was not recorded."""
    if client.kind != ClientKind.INDIVIDUAL:
        return f"Bapak/Ibu perwakilan {client.full_name}"
    words = client.full_name.split()
    # "Hj. Siti Aminah" is greeted as Siti: a title is not the name people are called by.
    name = next((word for word in words if not word.endswith(".")), words[0] if words else "")
    return f"{SALUTATIONS.get(client.sex, 'Bapak/Ibu')} {name}".strip()


def reminder_text(*, client: Client, when: datetime.datetime, profile: InstitutionProfile) -> str:
    day, time = session_time(when)
    text = render_to_string(
        "reminders/message.txt",
        {"addressee": addressee(client), "day": day, "time": time, "profile": profile},
    )
    return " ".join(text.split())


def email_subject(profile: InstitutionProfile) -> str:
    return f"Pengingat sesi konseling \N{EN DASH} {profile.short_name}"


def contact_summary(*, when: datetime.datetime, by_email: bool) -> str:
    """What the contact log says of a reminder: the session's time and the channel, no more.
    In Indonesian, as the office writes its contact log."""
    day, time = session_time(when)
    how = "dikirim lewat e-mail" if by_email else "disiapkan untuk dikirim lewat WhatsApp"
    return f"Pengingat sesi konseling {day} pukul {time} WIB {how}."


def whatsapp_number(phone: str) -> str:
    """The number as wa.me wants it: digits in international form ("0812-…" → "62812…");
    empty when the phone number cannot be one."""
    home = phone_key(phone)
    number = f"62{home[1:]}" if home.startswith("0") else home
    return number if len(number) >= SHORTEST_NUMBER else ""


def whatsapp_link(number: str, text: str) -> str:
    """WhatsApp's click-to-chat link: it opens a chat with the number, the text typed in, for
    the person to send from their own WhatsApp."""
    return f"https://wa.me/{number}?text={quote(text, safe='')}"
