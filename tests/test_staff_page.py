"""The administrator's staff page: a person's account, roles, position and NIP in one form.

No password is ever typed by the administrator: a new colleague gets a link by e-mail, and the
login page's reset link works for anyone who forgot theirs.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from lk3_flow.models import StaffProfile
from permissions.models import RoleRequest, UserSession
from permissions.roles import COUNSELOR, INTAKE_OFFICER
from permissions.selectors import role_codes_of
from tests.factories import PASSWORD, make_user
from tests.test_task_conflicts import english_client

pytestmark = pytest.mark.django_db
User = get_user_model()
NEWCOMER = {
    "username": "konselor.dewi",
    "full_name": "Dewi Lestari, S.Sos.",
    "email": "dewi@lk3.example",
    "role_counselor": "on",
    "position": "Pekerja Sosial",
    "nip": "19840612 200903 2 004",
}


@pytest.fixture
def administrator(office):
    return make_user("pengelola", "administrator", "Pengelola Sistem")


def last_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def change_data(user, **overrides) -> dict:
    profile = StaffProfile.objects.get(user=user)
    roles = overrides.pop("roles", role_codes_of(user))
    data = {
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "position": profile.position,
        "nip": profile.nip,
        **({"responsible_head": "on"} if profile.responsible_head else {}),
        **{f"role_{code}": "on" for code in roles},
    }
    data.update(overrides)
    return data


def test_the_administrator_lands_on_a_home_that_leads_to_the_staff_page(administrator):
    client = english_client(administrator)
    home = client.get("/")
    assert home.status_code == 200
    assert reverse("people:add") in home.content.decode()
    page = client.get(reverse("people:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pekerja Sosial" in text and "Konselor" in text


def test_one_form_adds_a_colleague_with_role_profile_and_an_e_mailed_link(administrator):
    client = english_client(administrator)
    before = last_pk()

    response = client.post(reverse("people:add"), NEWCOMER)

    assert response.status_code == 302
    newcomer = User.objects.get(username="konselor.dewi")
    assert response.url == reverse("people:change", args=[newcomer.pk])
    assert newcomer.get_full_name() == "Dewi Lestari, S.Sos." and not newcomer.has_usable_password()
    assert set(newcomer.groups.values_list("name", flat=True)) == {COUNSELOR.group_name}
    profile = StaffProfile.objects.get(user=newcomer)
    assert (profile.position, profile.nip) == ("Pekerja Sosial", "198406122009032004")
    assert [message.to for message in mail.outbox] == [["dewi@lk3.example"]]
    added = AuditEvent.objects.filter(pk__gt=before).values_list("action", "actor_id")
    assert list(added) == [(Action.STAFF_CHANGED, administrator.pk)]
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[0].body).group(1)
    person = Client()
    form_page = person.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "Rangkasbitung-Lebak-2026!"
    done = person.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert User.objects.get(pk=newcomer.pk).check_password(new_password)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nip", "1984", "NIP"),
        ("email", "not-an-address", "Enter a valid email address."),
        ("username", "pimpinan", "Another account already has this login name."),
        ("username", "Pimpinan", "Another account already has this login name."),
        ("username", "dewi lestari", "Enter a valid username"),
    ],
)
def test_a_bad_value_is_explained_and_nothing_is_added(administrator, field, value, message):
    client = english_client(administrator)
    people, events = User.objects.count(), AuditEvent.objects.count()

    response = client.post(reverse("people:add"), {**NEWCOMER, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert (User.objects.count(), AuditEvent.objects.count()) == (people, events)
    assert mail.outbox == []


def test_a_refused_mail_leaves_no_account_behind(administrator, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    client = english_client(administrator)
    people = User.objects.count()

    response = client.post(reverse("people:add"), NEWCOMER)

    assert response.status_code == 200
    assert "The mail server did not accept the link" in response.content.decode()
    assert User.objects.count() == people
    assert not StaffProfile.objects.filter(nip="198406122009032004").exists()


def test_a_change_of_role_position_and_nip_is_one_event_and_roles_that_see_all_wait(
    office, administrator
):
    counselor = office.counselor
    client = english_client(administrator)
    before = last_pk()

    response = client.post(
        reverse("people:change", args=[counselor.pk]),
        change_data(
            counselor,
            roles=["counselor", "intake_officer", "head"],
            position="Koordinator Pekerja Sosial",
            nip="198406122009032004",
        ),
    )

    assert response.status_code == 302
    assert {INTAKE_OFFICER.code, COUNSELOR.code} == role_codes_of(counselor)
    assert RoleRequest.objects.get(user=counselor).role == "head"
    assert StaffProfile.objects.get(user=counselor).position == "Koordinator Pekerja Sosial"
    outer = AuditEvent.objects.filter(pk__gt=before, action=Action.STAFF_CHANGED)
    assert outer.filter(object_type="auth.User").count() == 1
    page = client.get(response.url).content.decode()
    assert "awaits a head's confirmation" in page


def test_the_administrator_names_the_penanggung_jawab_as_a_staff_change(office, administrator):
    client = english_client(administrator)
    before = last_pk()

    response = client.post(
        reverse("people:change", args=[office.head.pk]),
        change_data(office.head, responsible_head="on"),
    )

    assert response.status_code == 302
    assert StaffProfile.objects.get(user=office.head).responsible_head
    change = AuditEvent.objects.get(pk__gt=before, action=Action.STAFF_CHANGED)
    [effect] = change.details["effects"]
    assert effect["object_type"] == "lk3_flow.StaffProfile"
    assert effect["details"]["changes"] == {"responsible_head": [False, True]}


def test_saving_an_unchanged_form_writes_nothing(office, administrator):
    client = english_client(administrator)
    events = AuditEvent.objects.count()

    response = client.post(
        reverse("people:change", args=[office.counselor.pk]), change_data(office.counselor)
    )

    assert response.status_code == 302
    assert AuditEvent.objects.count() == events
    assert "Nothing was changed." in client.get(response.url).content.decode()


def test_the_address_of_an_account_in_use_stays(office, administrator):
    counselor = office.counselor
    counselor.email = "konselor@lk3.example"
    counselor.save()
    client = english_client(administrator)

    client.post(
        reverse("people:change", args=[counselor.pk]),
        change_data(counselor, email="pengelola@lk3.example", full_name="Siti Rahma"),
    )

    counselor = User.objects.get(pk=counselor.pk)
    assert counselor.email == "konselor@lk3.example" and counselor.get_full_name() == "Siti Rahma"


def test_nobody_opens_their_own_account_or_a_superusers_here(administrator):
    root = User.objects.create_superuser("root", "root@lk3.example", PASSWORD)
    client = english_client(administrator)
    for person in (administrator, root):
        for name in ("change", "status"):
            assert client.get(reverse(f"people:{name}", args=[person.pk])).status_code == 403
        assert client.post(reverse("people:reset_link", args=[person.pk])).status_code == 403


def test_deactivation_asks_first_then_logs_out_everywhere_and_warns_of_open_work(
    office, administrator
):
    counselor = office.counselor
    office.assign(office.register())
    session_holder = Client()
    session_holder.force_login(counselor)
    assert UserSession.objects.filter(user=counselor).exists()
    client = english_client(administrator)
    url = reverse("people:status", args=[counselor.pk])

    unconfirmed = client.post(url, {"to": "deactivate"})
    assert unconfirmed.status_code == 200
    assert "Tick the box to confirm." in unconfirmed.content.decode()
    assert User.objects.get(pk=counselor.pk).is_active

    response = client.post(url, {"to": "deactivate", "confirm": "on"}, follow=True)
    assert not User.objects.get(pk=counselor.pk).is_active
    assert not UserSession.objects.filter(user=counselor).exists()
    text = response.content.decode()
    assert "1 open session was ended" in text and "still carries" in text
    assert session_holder.get("/").status_code == 302

    events = AuditEvent.objects.count()
    again = client.post(url, {"to": "deactivate", "confirm": "on"}, follow=True)
    assert "already deactivated" in again.content.decode()
    assert AuditEvent.objects.count() == events

    client.post(url, {"to": "reactivate", "confirm": "on"})
    assert User.objects.get(pk=counselor.pk).is_active


def test_the_login_page_link_sends_a_reset_link_only_to_a_known_address(office):
    office.counselor.email = "konselor@lk3.example"
    office.counselor.save()
    login = Client().get(reverse("login")).content.decode()
    assert reverse("password_reset") in login
    for address in ("KONSELOR@lk3.example", "nobody@lk3.example"):
        response = Client().post(reverse("password_reset"), {"email": address})
        assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["konselor@lk3.example"]]


@pytest.mark.parametrize("role", ["intake", "counselor", "head", "auditor"])
def test_the_staff_page_is_the_administrators_only(office, role):
    client = english_client(getattr(office, role))
    people = User.objects.count()
    for url in (reverse("people:index"), reverse("people:add")):
        assert client.get(url).status_code == 403
    assert client.post(reverse("people:add"), NEWCOMER).status_code == 403
    assert User.objects.count() == people
