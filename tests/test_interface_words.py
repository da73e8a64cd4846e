"""What the interface says, in Indonesian, where viewflow's or Django's own words were wrong."""

import re
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse

from flows import services as flow_services
from flows.flows import CaseFlow
from tests.factories import PASSWORD, make_user
from tests.test_task_conflicts import task_url

CATALOG = Path(__file__).resolve().parent.parent / "lk3_flow/locale/id/LC_MESSAGES/django.po"

pytestmark = pytest.mark.django_db


def test_the_login_page_names_the_application_not_a_demo(office):
    page = Client().get(reverse("login")).content.decode()
    assert "Pengelolaan Kasus Kesejahteraan Keluarga" in page
    assert "Demo" not in page and "Django Material" not in page


def test_a_failed_login_says_so_once_in_plain_indonesian(office):
    response = Client().post(
        reverse("login"), {"username": office.counselor.username, "password": PASSWORD + "x"}
    )
    page = response.content.decode()
    assert "Nama login atau kata sandi salah." in page
    assert "nama pengguna nama pengguna" not in page


def test_the_intake_officer_is_not_told_a_counselor_has_a_case_that_waits_for_one(office):
    case = office.register()
    client = Client()
    client.force_login(office.intake)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "menunggu Pimpinan menunjuk konselor" in page
    assert "sudah ditangani konselor" not in page


def test_pages_outside_the_site_have_its_title_and_menu(office):
    client = Client()
    client.force_login(office.head)
    page = client.get(reverse("letter_register")).content.decode()
    assert "Django Material" not in page
    assert reverse("cases:index") in page  # the menu of the site's applications


# viewflow's own pages: what they said in English or by row id, and now say in Indonesian.


def visible_text(html: str) -> str:
    """The words a person reads on the page: no tags, scripts, styles or attribute values."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"(?s)<[^>]+>", " ", html))


# viewflow's "1-6 of 6" under a list, with a hyphen or an en dash.
ENGLISH_COUNT = r"\d+\s*[-\u2013]\s*\d+\s+of\s+\d+"


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def task_detail_url(task) -> str:
    return reverse(f"case:{task.flow_task.name}:detail", args=[task.process_id, task.pk])


def test_an_empty_viewflow_list_says_so_instead_of_0_0_of_0(office):
    page = as_user(office.other_counselor).get(reverse("case:archive")).content.decode()
    assert "Belum ada yang dapat ditampilkan di sini." in page
    assert not re.search(ENGLISH_COUNT, page)
    assert "vf-list__pagination-summary" not in page


def test_viewflow_lists_count_in_indonesian_and_name_steps_and_people(office):
    office.head.first_name, office.head.last_name = "Euis", "Sumarni"
    office.head.save()
    case = office.assign(office.register())
    client = as_user(office.head)
    for name in ("case:archive", "case:task_list", "case:process_list"):
        page = client.get(reverse(name)).content.decode()
        text = visible_text(page)
        assert re.search(r"\b1\u2013\d+ dari \d+\b", text), name
        assert not re.search(ENGLISH_COUNT, text), name
        assert case.number in text, name
        assert f"#{case.process_id}/" not in text, name
    tasks = visible_text(client.get(reverse("case:task_list")).content.decode())
    assert "Penunjukan konselor" in tasks and "Assign Counselor" not in tasks
    assert "Euis Sumarni" in tasks and f" {office.head.username} " not in tasks
    processes = visible_text(client.get(reverse("case:process_list")).content.decode())
    assert "Process id" not in processes and "Active tasks" not in processes
    assert "Tugas terbuka" in processes


def test_the_flow_chart_is_a_page_of_the_site_with_its_menu_and_a_way_back(office):
    client = as_user(office.counselor)
    response = client.get(reverse("case:chart"))
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "vf-page__menu" in page and reverse("cases:index") in page  # the site's menu
    assert f'href="{reverse("case:inbox")}"' in page  # the breadcrumb back to the case services
    assert "BPMN" not in page and "download" not in visible_text(page)
    assert f'src="{reverse("case:chart")}?format=svg"' in page


def test_the_flow_chart_says_yes_and_no_in_indonesian(office):
    svg = as_user(office.counselor).get(reverse("case:chart") + "?format=svg")
    assert svg["Content-Type"] == "image/svg+xml"
    drawing = svg.content.decode()
    assert ">ya</text>" in drawing and ">tidak</text>" in drawing
    assert ">yes</text>" not in drawing and ">no</text>" not in drawing
    assert "Persetujuan asesmen" in drawing  # a step's title as written, not title-cased


def test_a_case_s_chart_names_the_case_and_leads_back_to_it(office):
    case = office.assign(office.register())
    page = as_user(office.counselor).get(reverse("case:process_chart", args=[case.process_id]))
    html = page.content.decode()
    assert case.number in html
    assert reverse("cases:detail", args=[case.pk]) in html
    assert reverse("cases:index") in html
    assert re.search(rf"#{case.process_id}\b", visible_text(html)) is None


def test_the_process_page_names_the_case_and_people_not_row_ids(office, full_case):
    office.head.first_name, office.head.last_name = "Euis", "Sumarni"
    office.head.save()
    tasks = list(full_case.process.task_set.order_by("id"))
    html = as_user(office.auditor).get(reverse("case:process_detail", args=[full_case.process_id]))
    page = html.content.decode()
    text = visible_text(page)
    assert full_case.number in text
    assert re.search(rf"#{full_case.process_id}\b", text) is None
    assert not any(f"{full_case.process_id}/{task.pk}" in text for task in tasks)
    assert "Euis Sumarni" in text and f" {office.head.username} " not in text
    assert "BPMN" not in page and "download" not in text and "flow graph" not in page
    assert reverse("case:process_chart", args=[full_case.process_id]) in page


def test_a_task_page_names_the_case_the_person_and_the_head_s_note(office, full_case):
    office.head.first_name, office.head.last_name = "Euis", "Sumarni"
    office.head.save()
    decided = full_case.process.task_set.filter(flow_task=CaseFlow.approve_closure).get()
    returned = next(
        task
        for task in full_case.process.task_set.order_by("id")
        if task.data.get("returned_comment")
    )
    client = as_user(office.auditor)
    for task in (decided, returned):
        page = client.get(task_detail_url(task)).content.decode()
        text = visible_text(page)
        assert full_case.number in text
        assert f"#{task.pk}" not in text and re.search(rf"#{full_case.process_id}\b", text) is None
        for english in ("Brief", "Owner", "Permission", "Created", "Assigned", "Finished"):
            assert f'label="{english}"' not in page, english
        assert "Comment" not in text and "returned_comment" not in page
    owner = client.get(task_detail_url(decided)).content.decode()
    assert 'label="Penanggung jawab"' in owner and 'value="Euis Sumarni"' in owner
    assert "lk3_flow.manage_case" not in owner  # viewflow showed the permission's code
    note = visible_text(client.get(task_detail_url(returned)).content.decode())
    assert "Catatan pimpinan" in note and "Ganti." in note


def test_the_menu_offers_no_dashboard_that_only_redirects(office):
    client = as_user(office.head)
    page = client.get(reverse("case:archive")).content.decode()
    assert "Dasbor" not in page and ">dashboard<" not in page
    assert reverse("case:chart") in page  # the flow's diagram has its own item instead
    old_link = client.get(reverse("case:index"), follow=True)
    assert old_link.redirect_chain and old_link.request["PATH_INFO"] == reverse("case:inbox")


def test_account_pages_are_the_site_s_not_django_s(office):
    page = as_user(office.counselor).get(reverse("password_change")).content.decode()
    assert "Django" not in page and "/admin/" not in page
    assert "vf-page__menu" in page and reverse("cases:index") in page
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert "Django" not in Client().get(reverse(name)).content.decode(), name


def test_the_database_administration_and_staff_pages_speak_plainly(office):
    administrator = make_user("pengelola", "administrator", "Pengelola Sistem")
    administrator.is_staff = True
    administrator.save()
    client = as_user(administrator)
    admin_index = client.get(reverse("admin:index")).content.decode()
    assert "Administrasi basis data" in admin_index and "Django" not in admin_index
    user_page = client.get(reverse("admin:auth_user_change", args=[office.counselor.pk]))
    assert "superuser" not in visible_text(user_page.content.decode())
    staff = visible_text(as_user(office.head).get(reverse("staff:index")).content.decode())
    assert "superuser" not in staff and "administrator sistem" in staff


def test_no_indonesian_message_says_superuser_or_django():
    catalog = polib.pofile(str(CATALOG))
    assert [e.msgid for e in catalog if re.search(r"superuser|Django", e.msgstr)] == []


def test_taking_and_giving_back_a_task_name_the_case_and_the_step(office):
    case = office.assess(office.assign(office.register()))
    task = flow_services.open_tasks(case).get()
    client = Client()
    client.force_login(office.head)

    taken = client.post(task_url(task, "assign"), follow=True).content.decode()
    given_back = client.post(task_url(task, "unassign"), follow=True).content.decode()

    assert f"Anda telah mengambil “{task.title}” kasus {case.number}." in taken
    assert f"“{task.title}” kasus {case.number} kembali ke antrean." in given_back
    for page in (taken, given_back):
        assert f"#{task.pk}" not in page and "Tugas {task}" not in page
