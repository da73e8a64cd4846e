"""Reopening a closed case is the head's decision, and a page links only to cases one may open."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from flows import services as flow_services
from lk3_flow import services
from lk3_flow.models import Case
from permissions.selectors import openable_case_ids

REASON = {"reason": "Masalah yang sama muncul lagi.", "confirm": "on"}


@pytest.fixture
def closed(office) -> Case:
    return office.to_closed(office.register())


def links_to(page: str, case: Case) -> bool:
    return (
        re.search(rf'href="{re.escape(reverse("cases:detail", args=[case.pk]))}"', page) is not None
    )


def test_the_intake_officer_cannot_reopen(client, office, closed):
    client.force_login(office.intake)
    url = reverse("cases:reopen", args=[closed.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, REASON).status_code == 403
    assert Case.objects.count() == 1
    page = client.get(reverse("cases:detail", args=[closed.pk])).content.decode()
    assert url not in page
    with pytest.raises(PermissionDenied):
        flow_services.reopen_case(closed, actor=office.intake, reason="Muncul lagi.")
    assert Case.objects.count() == 1


@pytest.mark.parametrize("role", ["counselor", "auditor"])
def test_other_roles_cannot_reopen(client, office, closed, role):
    client.force_login(getattr(office, role))
    assert client.post(reverse("cases:reopen", args=[closed.pk]), REASON).status_code in (403, 404)
    assert Case.objects.count() == 1


def test_a_head_reopens(client, office, closed):
    client.force_login(office.head)
    detail = client.get(reverse("cases:detail", args=[closed.pk])).content.decode()
    assert reverse("cases:reopen", args=[closed.pk]) in detail
    assert client.post(reverse("cases:reopen", args=[closed.pk]), REASON).status_code == 302
    assert Case.objects.get(reopened_from=closed).registered_by == office.head


@pytest.fixture
def reopened_for_another_counselor(office, closed) -> Case:
    """The closed case of `office.counselor`, reopened and given to `office.other_counselor`."""
    later = flow_services.reopen_case(closed, actor=office.head, reason="Muncul lagi.")
    return office.step(
        later,
        "assign_counselor",
        office.head,
        lambda c: services.assign_counselor(
            case=c, counselor=office.other_counselor, actor=office.head
        ),
    )


def test_the_former_counselor_sees_no_link_to_the_reopened_case(
    client, office, closed, reopened_for_another_counselor
):
    later = reopened_for_another_counselor
    client.force_login(office.counselor)
    page = client.get(reverse("cases:detail", args=[closed.pk])).content.decode()
    assert later.number in page
    assert not links_to(page, later)
    assert client.get(reverse("cases:detail", args=[later.pk])).status_code == 404


def test_the_new_counselor_sees_no_link_to_the_earlier_case(
    client, office, closed, reopened_for_another_counselor
):
    later = reopened_for_another_counselor
    client.force_login(office.other_counselor)
    page = client.get(reverse("cases:detail", args=[later.pk])).content.decode()
    assert closed.number in page
    assert not links_to(page, closed)


def test_a_head_is_linked_both_ways(client, office, closed, reopened_for_another_counselor):
    later = reopened_for_another_counselor
    client.force_login(office.head)
    assert links_to(client.get(reverse("cases:detail", args=[closed.pk])).content.decode(), later)
    assert links_to(client.get(reverse("cases:detail", args=[later.pk])).content.decode(), closed)


def test_openable_case_ids(office, closed, reopened_for_another_counselor):
    later = reopened_for_another_counselor
    ids = [closed.pk, later.pk, None]
    assert openable_case_ids(office.head, ids) == {closed.pk, later.pk}
    assert openable_case_ids(office.auditor, ids) == {closed.pk, later.pk}
    assert openable_case_ids(office.counselor, ids) == {closed.pk}
    assert openable_case_ids(office.other_counselor, ids) == {later.pk}
    assert openable_case_ids(office.intake, ids) == {closed.pk}  # they registered only the first
    assert openable_case_ids(office.counselor, []) == set()
