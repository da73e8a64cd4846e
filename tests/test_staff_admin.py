"""Staff administration never leads to the case files, and every change to it is in the chain.

The Pengelola (administrator) works in /admin/; a role that sees every case waits for a second
person; nobody sets another person's password; each change to an account, a membership or a
permission is an audit event that the heads read.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.context import acting_as
from audit.models import Action, AuditEvent
from audit.sealing import seal_pending
from audit.verification import verify_chain
from permissions.models import RoleRequest
from permissions.receivers import PASSWORD_MASK
from permissions.roles import AUDITOR, COUNSELOR, HEAD
from permissions.selectors import role_codes_of, sees_every_case
from permissions.services import change_roles, decide_role_request, request_role
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def administrator(office):
    user = make_user("pengelola", "administrator", "Pengelola Sistem")
    user.is_staff = True
    user.save()
    return user


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(user) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def change_form_data(user, **overrides) -> dict:
    """What the change form would post, plus whatever an attacker adds to it."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "roles": sorted(role_codes_of(user)),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def escalation(office) -> dict:
    """Everything that would open every case file if the form took it."""
    return {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [Group.objects.get(name=HEAD.group_name).pk],
        "user_permissions": [
            Permission.objects.get(content_type__app_label="lk3_flow", codename="manage_case").pk
        ],
        "password": "md5$salt$0123456789abcdef",
        "password1": "Kata-Sandi-Baru-2026!",
        "password2": "Kata-Sandi-Baru-2026!",
    }


def fresh(user):
    return User.objects.get(pk=user.pk)


def assert_no_case_files(user) -> None:
    user = fresh(user)
    assert not user.is_superuser
    assert not sees_every_case(user)
    assert not user.user_permissions.exists()


def test_the_administrator_cannot_escalate_anyone_through_the_user_page(office, administrator):
    client = admin_client(administrator)
    for target in (administrator, office.counselor):
        before = fresh(target).password
        response = client.post(change_url(target), change_form_data(target, **escalation(office)))
        assert response.status_code in (200, 302), response.status_code
        assert_no_case_files(target)
        assert fresh(target).password == before
    assert not RoleRequest.objects.exists()


def test_nobody_changes_their_own_roles(office, administrator):
    client = admin_client(administrator)
    page = client.get(change_url(administrator)).content.decode()
    assert 'name="roles"' not in page and 'name="is_superuser"' not in page
    client.post(change_url(administrator), change_form_data(administrator, roles=["head"]))
    assert_no_case_files(administrator)
    assert not RoleRequest.objects.exists()
    with pytest.raises(PermissionDenied):
        change_roles(actor=administrator, user=administrator, role_codes=["auditor"])
    with pytest.raises(PermissionDenied):
        request_role(actor=administrator, user=administrator, role_code="head")


def test_a_role_that_sees_every_case_is_only_requested(office, administrator):
    client = admin_client(administrator)
    target = office.other_counselor
    page = client.get(change_url(target)).content.decode()
    assert 'name="roles"' in page and 'name="is_superuser"' not in page
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    response = client.post(
        change_url(target), change_form_data(target, roles=["counselor", "head", "auditor"])
    )
    assert response.status_code == 302
    assert_no_case_files(target)
    assert set(
        RoleRequest.objects.filter(user=target, status="pending").values_list("role", flat=True)
    ) == {"head", "auditor"}
    requested = AuditEvent.objects.filter(action=Action.ROLE_REQUESTED)
    assert requested.count() == 2
    assert all(event.actor_id == administrator.pk for event in requested)
    # Asking again keeps the one pending request of each role.
    client.post(change_url(target), change_form_data(target, roles=["counselor", "head"]))
    assert RoleRequest.objects.filter(user=target).count() == 2


def test_a_role_that_sees_only_some_cases_is_given_at_once(office, administrator):
    newcomer = make_user("baru", "intake_officer")
    client = admin_client(administrator)
    client.post(change_url(newcomer), change_form_data(newcomer, roles=["counselor"]))
    assert set(fresh(newcomer).groups.values_list("name", flat=True)) == {COUNSELOR.group_name}
    events = AuditEvent.objects.filter(
        action=Action.ROLE_CHANGED, object_id=str(newcomer.pk), actor=administrator
    ).order_by("pk")
    assert [event.details["changes"]["groups"] for event in events] == [
        [["Petugas Registrasi"], []],
        [[], ["Konselor"]],
    ]


def test_a_second_person_confirms_and_the_role_takes_effect(office, administrator):
    target = office.other_counselor
    role_request = request_role(actor=administrator, user=target, role_code="auditor")
    # Neither the requester, the person concerned, nor anyone without a head's rights decides.
    for nobody in (administrator, target, office.counselor, office.auditor):
        with pytest.raises(PermissionDenied):
            decide_role_request(actor=nobody, role_request=role_request, confirm=True)
    url = reverse("staff:decide_role_request", args=[role_request.pk])
    for nobody in (administrator, target, office.auditor):
        assert admin_client(nobody).post(url, {"decision": "confirm"}).status_code == 403
    assert not sees_every_case(fresh(target))

    client = admin_client(office.head)
    assert client.get(url).status_code == 405
    assert client.post(url, {"decision": "maybe"}).status_code == 302
    assert not sees_every_case(fresh(target))
    assert client.post(url, {"decision": "confirm"}).status_code == 302
    assert sees_every_case(fresh(target))
    assert fresh(target).groups.filter(name=AUDITOR.group_name).exists()
    role_request.refresh_from_db()
    assert (role_request.status, role_request.decided_by) == ("confirmed", office.head)
    confirmed = AuditEvent.objects.get(action=Action.ROLE_CONFIRMED)
    changed = AuditEvent.objects.filter(action=Action.ROLE_CHANGED).latest("pk")
    assert confirmed.actor_id == changed.actor_id == office.head.pk
    assert changed.details["changes"]["groups"][1] == ["Auditor", "Konselor"]
    # Decided once: a second decision changes nothing.
    client.post(url, {"decision": "decline"})
    role_request.refresh_from_db()
    assert role_request.status == "confirmed"


def test_a_declined_request_gives_nothing(office, administrator):
    role_request = request_role(actor=administrator, user=office.counselor, role_code="head")
    response = admin_client(office.head).post(
        reverse("staff:decide_role_request", args=[role_request.pk]), {"decision": "decline"}
    )
    assert response.status_code == 302
    assert not sees_every_case(fresh(office.counselor))
    role_request.refresh_from_db()
    assert role_request.status == "declined"
    assert AuditEvent.objects.filter(action=Action.ROLE_DECLINED).count() == 1


def test_nobody_sets_another_persons_password_in_the_admin(office, administrator):
    url = reverse("admin:auth_user_password_change", args=[office.counselor.pk])
    before = fresh(office.counselor).password
    client = admin_client(administrator)
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {"password1": "Kata-Sandi-Baru-2026!", "password2": "Kata-Sandi-Baru-2026!"},
    )
    assert response.status_code == 403
    assert fresh(office.counselor).password == before
    assert 'href="../password/"' not in client.get(change_url(office.counselor)).content.decode()


def test_a_reset_link_goes_to_the_persons_own_address(office, administrator):
    counselor = office.counselor
    counselor.email = "konselor@lk3.example"
    counselor.save()
    client = admin_client(administrator)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_reset_links", "_selected_action": [counselor.pk, office.head.pk]},
    )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["konselor@lk3.example"]]
    event = AuditEvent.objects.get(action=Action.PASSWORD_RESET_SENT)
    assert (event.actor_id, event.details["user_id"]) == (administrator.pk, counselor.pk)
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
    assert fresh(counselor).check_password(new_password)


def test_a_new_account_has_no_password_and_gets_an_invitation(office, administrator):
    client = admin_client(administrator)
    page = client.get(reverse("admin:auth_user_add")).content.decode()
    assert 'name="password1"' not in page
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "konselor.baru",
            "first_name": "Dewi",
            "last_name": "Lestari",
            "email": "dewi@lk3.example",
            "roles": ["counselor", "head"],
            "password1": "Kata-Sandi-Baru-2026!",
            "password2": "Kata-Sandi-Baru-2026!",
        },
    )
    assert response.status_code == 302
    newcomer = User.objects.get(username="konselor.baru")
    assert not newcomer.has_usable_password()
    assert set(newcomer.groups.values_list("name", flat=True)) == {COUNSELOR.group_name}
    assert RoleRequest.objects.get(user=newcomer).role == "head"
    assert [message.to for message in mail.outbox] == [["dewi@lk3.example"]]


def test_an_account_in_use_keeps_its_address_and_a_superuser_is_read_only(office, administrator):
    counselor = office.counselor
    counselor.email = "konselor@lk3.example"
    counselor.save()
    client = admin_client(administrator)
    client.post(
        change_url(counselor),
        change_form_data(counselor, email="pengelola@lk3.example", first_name="Siti"),
    )
    assert fresh(counselor).first_name == "Siti"
    assert fresh(counselor).email == "konselor@lk3.example"
    root = User.objects.create_superuser("root", "root@lk3.example", PASSWORD)
    client.post(change_url(root), change_form_data(root, email="pengelola@lk3.example"))
    assert fresh(root).email == "root@lk3.example"


def test_a_superuser_gives_superuser_rights_to_others_only_and_roles_still_wait(office):
    root = User.objects.create_superuser("root", "root@lk3.example", PASSWORD)
    client = admin_client(root)
    target = office.counselor
    page = client.get(change_url(target)).content.decode()
    assert 'name="is_superuser"' in page and 'name="user_permissions"' in page
    own_page = client.get(change_url(root)).content.decode()
    assert 'name="is_superuser"' not in own_page and 'name="roles"' not in own_page
    client.post(
        change_url(target),
        change_form_data(target, is_staff="on", roles=["counselor", "head"]),
    )
    target = fresh(target)
    assert target.is_staff and not target.groups.filter(name=HEAD.group_name).exists()
    assert RoleRequest.objects.filter(user=target, status="pending").count() == 1


def test_every_change_to_accounts_memberships_and_permissions_is_a_chained_event(office):
    """Whatever the entry point: here the ORM itself, as a shell or a script would use it."""
    head_group = Group.objects.get(name=HEAD.group_name)
    manage_case = Permission.objects.get(codename="manage_case")
    person = office.counselor
    start = AuditEvent.objects.count()
    with acting_as(office.head):
        person.first_name, person.is_active = "Siti", False
        person.save()
        person.set_password("Kata-Sandi-Baru-2026!")
        person.save()
        head_group.user_set.add(person)
        person.groups.remove(head_group)
        person.user_permissions.add(manage_case)
        person.user_permissions.clear()
        counselor_group = Group.objects.get(name=COUNSELOR.group_name)
        counselor_group.permissions.add(manage_case)
    events = list(AuditEvent.objects.order_by("pk")[start:])
    changes = [(event.action, event.details["changes"]) for event in events]
    assert changes == [
        (
            Action.STAFF_CHANGED,
            {"first_name": ["Konselor", "Siti"], "is_active": [True, False]},
        ),
        (Action.STAFF_CHANGED, {"password": [PASSWORD_MASK, PASSWORD_MASK]}),
        (Action.ROLE_CHANGED, {"groups": [["Konselor"], ["Konselor", "Pimpinan"]]}),
        (Action.ROLE_CHANGED, {"groups": [["Konselor", "Pimpinan"], ["Konselor"]]}),
        (Action.ROLE_CHANGED, {"user_permissions": [[], ["lk3_flow.manage_case"]]}),
        (Action.ROLE_CHANGED, {"user_permissions": [["lk3_flow.manage_case"], []]}),
        (
            Action.ROLE_CHANGED,
            {
                "permissions": [
                    ["flows.view_caseprocess"],
                    ["flows.view_caseprocess", "lk3_flow.manage_case"],
                ]
            },
        ),
    ]
    assert all(event.actor_id == office.head.pk for event in events)
    assert [event.object_label for event in events[:6]] == ["konselor"] * 6
    assert events[6].details["role"] == COUNSELOR.group_name
    password_hash = User.objects.get(pk=person.pk).password
    assert all(password_hash not in str(event.details) for event in events)
    seal_pending()
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_a_login_or_a_stronger_hash_of_the_same_password_is_no_staff_change(office, settings):
    start = AuditEvent.objects.count()
    assert (
        Client().post(reverse("login"), {"username": "konselor", "password": PASSWORD}).status_code
        == 302
    )
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert fresh(office.counselor).check_password(PASSWORD)
    assert fresh(office.counselor).password.startswith("pbkdf2_")
    actions = set(AuditEvent.objects.order_by("pk")[start:].values_list("action", flat=True))
    assert actions == {Action.LOGGED_IN}


def test_heads_read_the_staff_changes_from_their_navigation(office, administrator):
    client = admin_client(administrator)
    client.post(change_url(office.counselor), change_form_data(office.counselor, first_name="Siti"))
    request_role(actor=administrator, user=office.other_counselor, role_code="head")
    head = admin_client(office.head)
    with translation.override("en"):
        home = head.get(reverse("cases:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("staff:index") in home
    page = head.get(reverse("staff:index")).content.decode()
    assert "Siti" in page and "konselor2" in page
    assert reverse("staff:decide_role_request", args=[RoleRequest.objects.get().pk]) in page
    for role in ("intake", "counselor", "auditor"):
        assert admin_client(getattr(office, role)).get(reverse("staff:index")).status_code == 403
        assert (
            reverse("staff:index")
            not in admin_client(getattr(office, role)).get(reverse("cases:index")).content.decode()
        )
    assert admin_client(administrator).get(reverse("staff:index")).status_code == 403
