"""Every free text of a case has a maximum, checked by the forms, the models and the database."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from flows import services as flow_services
from letters.selectors import institution_profile
from lk3_flow import services
from lk3_flow.choices import NextStep
from lk3_flow.fields import NOTE_LENGTH, REPORT_LENGTH, LimitedTextField
from lk3_flow.models import (
    Accompaniment,
    Assessment,
    Case,
    Consultation,
    HomeVisit,
    Protection,
    Referral,
)
from tests.factories import ASSESSMENT, in_english

pytestmark = pytest.mark.django_db


OUR_APPS = ("lk3_flow", "letters")


def text_fields() -> list[tuple[type[models.Model], models.TextField]]:
    return [
        (model, field)
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
    ]


def test_every_text_field_has_a_maximum():
    fields = text_fields()
    assert len(fields) >= 20
    unlimited = [
        f"{model.__name__}.{field.name}"
        for model, field in fields
        if not isinstance(field, LimitedTextField)
    ]
    assert unlimited == []


def services_beyond_counseling(case: Case, counselor) -> None:
    """One row of each service activity, as their reports leave them."""
    day, done = (
        timezone.localdate(),
        {"case": case, "counselor": counselor, "next_step": "another_session"},
    )
    HomeVisit.objects.create(planned_on=day, place="Rumah", purpose="Kunjungan.", **done)
    Accompaniment.objects.create(
        institution_kind="police",
        institution_name="Polsek",
        purpose="Lapor.",
        planned_on=day,
        **done,
    )
    Protection.objects.create(
        placement="relatives",
        institution_name="Paman",
        institution_address="Kp. Cibeureum",
        reason="Aman.",
        starts_on=day,
        planned_end_on=day,
        **done,
    )
    Consultation.objects.create(
        kind="consultation",
        held_at=timezone.now(),
        channel="phone",
        topic="Topik",
        given="Saran.",
        **done,
    )


def test_the_database_refuses_a_text_beyond_its_maximum(office):
    """Even a write that skips forms and models (a bulk update) cannot store it."""
    referred = office.propose_referral(
        office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    )
    office.propose_closure(
        office.session(office.to_counseling(office.register()), NextStep.PROPOSE_CLOSURE)
    )
    services.change_counselor(
        case=referred, counselor=office.other_counselor, actor=office.head, reason="Cuti."
    )
    institution_profile()  # the letterhead row, made once
    services_beyond_counseling(referred, office.counselor)
    for model, field in text_fields():
        row = model.objects.first()
        assert row is not None, model
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=row.pk).update(**{field.name: "x" * (field.max_length + 1)})
        model.objects.filter(pk=row.pk).update(**{field.name: "é" * field.max_length})


def test_a_model_refuses_a_text_beyond_its_maximum(office):
    case = office.register()
    case.complaint = "x" * (Case._meta.get_field("complaint").max_length + 1)
    with pytest.raises(ValidationError) as caught:
        case.full_clean()
    assert "complaint" in caught.value.message_dict


def task_url(case: Case) -> str:
    task = flow_services.open_tasks(case).get()
    return f"/case/{case.process_id}/{task.flow_task.name}/{task.pk}/execute/"


def test_an_over_long_assessment_is_a_form_error(client, office):
    case = office.assign(office.register())
    in_english(client).force_login(office.counselor)
    data = {**ASSESSMENT, "risks": "Risiko. " * (REPORT_LENGTH // 8 + 1)}
    response = client.post(task_url(case), data)
    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters" in response.content.decode()
    assert Assessment.objects.count() == 0
    assert f'maxlength="{REPORT_LENGTH}"' in client.get(task_url(case)).content.decode()


def test_an_over_long_head_note_is_a_form_error(client, office):
    case = office.assess(office.assign(office.register()))
    in_english(client).force_login(office.head)
    client.post(task_url(case).replace("/execute/", "/assign/"))
    response = client.post(
        task_url(case), {"decision": "return", "comment": "x" * (NOTE_LENGTH + 1)}
    )
    assert response.status_code == 200
    assert f"at most {NOTE_LENGTH} characters" in response.content.decode()
    assert Assessment.objects.get().review_comment == ""


def test_an_over_long_referral_reason_and_partner_answer_are_form_errors(client, office):
    case = office.session(office.to_counseling(office.register()), NextStep.PROPOSE_REFERRAL)
    client.force_login(office.counselor)
    limit = Referral._meta.get_field("reason").max_length
    response = client.post(
        task_url(case),
        {
            "partner": office.partner.pk,
            "reason": "x" * (limit + 1),
            "services_requested": ["accompaniment"],
        },
    )
    assert response.status_code == 200
    assert Referral.objects.count() == 0


def test_an_over_long_reason_for_a_case_action_is_a_form_error(client, office):
    case = office.assign(office.register())
    client.force_login(office.head)
    response = client.post(
        f"/cases/{case.pk}/tarik/", {"reason": "x" * (NOTE_LENGTH + 1), "confirm": "on"}
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.withdrawal_reason == "" and case.status == "open"
