"""Bulk seeding of a district-sized (or province-sized) office, spread over every stage.

Rows are written with bulk inserts, not through the services: the point is the volume the pages and
queries must cope with. They are shaped as the services would leave them: a process and tasks per
case, the counselor's object permissions, sessions, referrals, letters (rows, not rendered) and a
valid audit hash chain (events and their seals, as the sealer leaves them).
"""

import datetime
import hashlib
import random
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from audit.chain import GENESIS, content_of, link_hash
from audit.models import Action, AuditEvent, AuditSeal, ChainHead
from audit.sealing import seal_pending
from flows.flows import CaseFlow
from letters.models import Letter, LetterKind, LetterNumber, NumberStatus
from lk3_flow import deadlines
from lk3_flow.choices import HEAD_STAGES, CaseStatus, NextStep, Priority, ReferralStatus, Stage
from lk3_flow.models import (
    Case,
    Client,
    CounselingSession,
    Partner,
    Referral,
    Sequence,
    StaffProfile,
)
from lk3_flow.names import name_key, phone_key
from permissions.models import CaseUserObjectPermission
from permissions.services import grant_role
from regions.models import Village

PASSWORD = "bench-password-2026"
BATCH = 5000
STAGES = [  # (stage, share of cases)
    (Stage.ASSIGN_COUNSELOR, 5),
    (Stage.ASSESSMENT, 10),
    (Stage.APPROVE_ASSESSMENT, 5),
    (Stage.COUNSELING, 40),
    (Stage.APPROVE_REFERRAL, 3),
    (Stage.PARTNER_RESPONSE, 5),
    (Stage.APPROVE_CLOSURE, 2),
    (Stage.CLOSED, 25),
    (Stage.WITHDRAWN, 5),
]


def _batches(rows: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _create(model: Any, rows: list) -> list:
    created = []
    for batch in _batches(rows):
        created.extend(model.objects.bulk_create(batch, batch_size=BATCH))
    return created


# Names as an office in Lebak meets them, combined so that one name is shared by about 150
# clients out of 100,000, as common names are: searches and the duplicate check find crowds.
FIRST_NAMES = [
    "Siti",
    "Neneng",
    "Euis",
    "Imas",
    "Iis",
    "Dewi",
    "Rina",
    "Yuyun",
    "Entin",
    "Cucu",
    "Nani",
    "Wati",
    "Ai",
    "Lilis",
    "Popon",
    "Enok",
    "Dedi",
    "Ujang",
    "Asep",
    "Dadan",
    "Yayat",
    "Hendra",
    "Agus",
    "Ade",
    "Cecep",
    "Dede",
    "Iwan",
    "Jajang",
    "Aep",
    "Endang",
    "Rohmat",
    "Usep",
]
LAST_NAMES = [
    "Aminah",
    "Sumiati",
    "Masitoh",
    "Suryani",
    "Kurniasih",
    "Lestari",
    "Rohmah",
    "Hasanah",
    "Nurhayati",
    "Sutisna",
    "Kurniawan",
    "Supriatna",
    "Gunawan",
    "Hidayat",
    "Saputra",
    "Setiawan",
    "Permana",
    "Sopian",
    "Ruhiyat",
    "Maulana",
]


def _client(n: int, rng: random.Random, intake: Any, villages: list[Village]) -> Client:
    """A client with a name, a birth date, a village, and for most a NIK and a phone number;
    the keys a search matches are set here, since bulk inserts skip `save()`."""
    village = villages[n % len(villages)]
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    full_name = f"{first} {LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]}"
    phone = f"08{n:010d}" if n % 3 else ""
    return Client(
        kind="individual",
        full_name=full_name,
        name_key=name_key(full_name),
        nik=f"3602{n:012d}" if n % 2 else "",
        phone=phone,
        phone_key=phone_key(phone),
        birth_date=datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(0, 20000)),
        kecamatan=village.district,
        desa=village,
        registered_by=intake,
        sex="female" if FIRST_NAMES.index(first) < 16 else "male",
    )


def staff(counselor_count: int) -> dict[str, list]:
    user_model = get_user_model()
    people: dict[str, list] = {
        "head": [],
        "intake_officer": [],
        "counselor": [],
        "auditor": [],
        "administrator": [],
    }
    plan = [
        ("head", 2),
        ("intake_officer", 2),
        ("counselor", counselor_count),
        ("auditor", 1),
        ("administrator", 1),
    ]
    for role, count in plan:
        for n in range(count):
            user = user_model.objects.create_user(
                f"{role}{n}", password=PASSWORD, first_name=role.title(), last_name=str(n)
            )
            StaffProfile.objects.create(user=user, position=role)
            grant_role(user, role)
            people[role].append(user)
    return people


class ChainWriter:
    """Audit events with their seals, linked in memory as the sealer would, written in bulk."""

    def __init__(self) -> None:
        # After the events already in the chain: creating the staff accounts recorded some,
        # which are sealed first so that the seeded seals follow them.
        seal_pending()
        head = ChainHead.objects.filter(pk=1).first()
        self.previous, self.position = (head.hash, head.count) if head else (GENESIS, 0)
        self.rows: list[tuple[AuditEvent, str, str]] = []  # (event, previous hash, hash)

    def add(
        self, action: str, case_id: int, actor: Any, when: datetime.datetime, **details
    ) -> None:
        self.position += 1
        values = {
            "position": self.position,
            "occurred_at": when,
            "actor_id": actor.pk,
            "actor_name": actor.get_full_name(),
            "actor_role": "",
            "action": action,
            "case_id": case_id,
            "object_type": "lk3_flow.Case",
            "object_id": str(case_id),
            "object_label": "",
            "details": details,
            "request_id": "",
            "ip_address": None,
        }
        event_hash = link_hash(self.previous, content_of(values))
        del values["position"]
        self.rows.append((AuditEvent(**values), self.previous, event_hash))
        self.previous = event_hash

    def flush(self) -> None:
        # bulk_create sets the events' ids on them, which their seals then name.
        _create(AuditEvent, [event for event, _previous, _hash in self.rows])
        first, now = self.position - len(self.rows) + 1, timezone.now()
        seals = [
            AuditSeal(
                position=first + n,
                event_id=event.pk,
                previous_hash=previous,
                hash=event_hash,
                sealed_at=now,
            )
            for n, (event, previous, event_hash) in enumerate(self.rows)
        ]
        _create(AuditSeal, seals)
        ChainHead.objects.update_or_create(
            pk=1, defaults={"count": self.position, "hash": self.previous, "sealed_at": now}
        )
        self.rows = []


@transaction.atomic
def seed(case_count: int, counselor_count: int = 40, timeline_events: int = 1000) -> dict:
    """Seed `case_count` cases; returns the people and one case with a long timeline."""
    rng = random.Random(2026)
    people = staff(counselor_count)
    intake, head = people["intake_officer"][0], people["head"][0]
    partners = _create(
        Partner,
        [
            Partner(name=f"Mitra {n}", category="legal_aid", address="Rangkasbitung")
            for n in range(12)
        ],
    )
    now = timezone.now()
    stages = [stage for stage, share in STAGES for _ in range(share)]
    plan = []
    for n in range(case_count):
        created = now - datetime.timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
        stage = stages[n % len(stages)]
        counselor = None if stage == Stage.ASSIGN_COUNSELOR else rng.choice(people["counselor"])
        plan.append((created, stage, counselor))
    plan.sort(key=lambda item: item[0])

    villages = list(Village.objects.select_related("district").order_by("code"))
    clients = _create(Client, [_client(n, rng, intake, villages) for n in range(case_count)])
    processes = _create(
        Process,
        [
            Process(
                flow_class=CaseFlow,
                created=created,
                status={Stage.CLOSED: PROCESS.DONE, Stage.WITHDRAWN: PROCESS.CANCELED}.get(
                    stage, PROCESS.NEW
                ),
            )
            for created, stage, _counselor in plan
        ],
    )
    per_year: dict[int, int] = {}
    cases = []
    for (created, stage, counselor), client, process in zip(plan, clients, processes, strict=True):
        year = timezone.localtime(created).year
        per_year[year] = per_year.get(year, 0) + 1
        due = deadlines.due_at(stage, Priority.NORMAL, created)
        cases.append(
            Case(
                number=f"LK3-LBK/{year}/{per_year[year]:05d}",
                client=client,
                process=process,
                problem_categories=["marital_conflict"],
                services=["counseling"],
                channel="walk_in",
                complaint="Keluhan awal.",
                consent_given=True,
                consent_date=created.date(),
                counselor=counselor,
                registered_by=intake,
                stage=stage,
                status={Stage.CLOSED: CaseStatus.CLOSED, Stage.WITHDRAWN: CaseStatus.WITHDRAWN}.get(
                    stage, CaseStatus.OPEN
                ),
                sensitive=rng.random() < 0.1,
                due_at=due,
                # An office at work has reported each wait when it passed its due date.
                overdue_reported_at=due if due and due < now else None,
            )
        )
    cases = _create(Case, cases)
    _continue_counters({f"case/{year}": count for year, count in per_year.items()})

    tasks, permissions, sessions, referrals, letters = [], [], [], [], []
    chain = ChainWriter()
    view_case = _permission("view_case")
    change_case = _permission("change_case")
    for case, (created, stage, counselor) in zip(cases, plan, strict=True):
        tasks.append(_task(case, CaseFlow.intake, STATUS.DONE, intake, created))
        chain.add(Action.CASE_CREATED, case.pk, intake, created)
        letters += [_letter(case, kind, intake, created) for kind in REGISTRATION_KINDS]
        if counselor is None:
            tasks.append(_task(case, CaseFlow.assign_counselor, STATUS.NEW, None, created))
            continue
        tasks.append(_task(case, CaseFlow.assign_counselor, STATUS.DONE, head, created))
        chain.add(Action.TASK_COMPLETED, case.pk, head, created, step="assign_counselor")
        letters.append(_letter(case, LetterKind.ASSIGNMENT, head, created))
        permissions += [
            CaseUserObjectPermission(content_object=case, user=counselor, permission=view_case),
            CaseUserObjectPermission(content_object=case, user=counselor, permission=change_case),
        ]
        if stage in (Stage.CLOSED, Stage.WITHDRAWN):
            continue
        node = getattr(CaseFlow, stage)
        owner = None if stage in HEAD_STAGES else counselor
        status = STATUS.NEW if owner is None else STATUS.ASSIGNED
        tasks.append(_task(case, node, status, owner, created))
        if stage in (Stage.COUNSELING, Stage.PARTNER_RESPONSE, Stage.APPROVE_REFERRAL):
            sessions.append(
                CounselingSession(
                    case=case,
                    counselor=counselor,
                    scheduled_at=created,
                    held_at=created,
                    session_type="individual",
                    notes="Catatan sesi.",
                    next_step=NextStep.ANOTHER_SESSION,
                )
            )
        if stage in (Stage.PARTNER_RESPONSE, Stage.APPROVE_REFERRAL):
            referrals.append(
                Referral(
                    case=case,
                    partner=rng.choice(partners),
                    proposed_by=counselor,
                    reason="Rujukan.",
                    status=ReferralStatus.SENT
                    if stage == Stage.PARTNER_RESPONSE
                    else ReferralStatus.PROPOSED,
                )
            )
    long_case = next(
        case for case, (_c, stage, _p) in zip(cases, plan, strict=True) if stage == Stage.COUNSELING
    )
    for n in range(timeline_events):
        chain.add(Action.CASE_VIEWED, long_case.pk, head, now, n=n)
    _create(Task, tasks)
    _create(CaseUserObjectPermission, permissions)
    _create(CounselingSession, sessions)
    _create(Referral, referrals)
    entries = _create(LetterNumber, [_register_entry(letter) for letter in letters])
    for letter, entry in zip(letters, entries, strict=True):
        letter.register_entry = entry
    _create(Letter, letters)
    # The letters drawn after the seed continue each kind's sequence, as in an office's register.
    last: dict[str, int] = {}
    for entry in entries:
        key = f"letter/{entry.kind}/{entry.year}"
        last[key] = max(last.get(key, 0), entry.sequence)
    _continue_counters(last)
    chain.flush()
    return {"people": people, "long_case": long_case, "events": chain.position}


def _continue_counters(values: dict[str, int]) -> None:
    """Set each counter to the last number the seed used.

    A counter may already exist: on PostgreSQL letter numbers are drawn in transactions of their
    own, so the counters an earlier run (or test) moved stay behind; the seed's register replaces
    what they counted.
    """
    Sequence.objects.bulk_create(
        [Sequence(key=key, value=value) for key, value in values.items()],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["value"],
    )


REGISTRATION_KINDS = (LetterKind.REGISTRATION_RECEIPT, LetterKind.SERVICE_CONSENT)
_letter_sequences: dict[tuple[str, int], int] = {}


def _letter(case: Case, kind: str, signer: Any, when: datetime.datetime) -> Letter:
    year = when.year
    sequence = _letter_sequences[(kind, year)] = _letter_sequences.get((kind, year), 0) + 1
    token = hashlib.sha256(f"{case.pk}/{kind}".encode()).hexdigest()
    return Letter(
        case=case,
        kind=kind,
        number=f"{sequence:05d}/{kind}/{year}",
        sequence=sequence,
        issued_at=when,
        issued_on=when.date(),
        rendered_at=when,
        subject=kind,
        signer=signer,
        signer_name=signer.get_full_name(),
        signer_position="",
        token=token,
        short_code=token[:11],
        # Named as letters.files names them: 32 hex digits unrelated to the token.
        pdf=f"letters/{year}/{hashlib.sha256(f'file/{token}'.encode()).hexdigest()[:32]}.pdf",
        sha256=token,
        template_version="bench",
    )


def _register_entry(letter: Letter) -> LetterNumber:
    return LetterNumber(
        kind=letter.kind,
        year=letter.issued_on.year,
        sequence=letter.sequence,
        number=letter.number,
        drawn_at=letter.issued_at,
        drawn_by_id=letter.signer_id,
        case_id=letter.case_id,
        status=NumberStatus.USED,
    )


def _task(case: Case, node: Any, status: str, owner: Any, when: datetime.datetime) -> Task:
    done = status == STATUS.DONE
    return Task(
        process_id=case.process_id,
        flow_task=node,
        flow_task_type=node.task_type,
        status=status,
        owner=owner,
        owner_permission=node.calc_owner_permission(None) if status == STATUS.NEW else None,
        created=when,
        finished=when if done else None,
        token=Token("start"),
    )


def _permission(codename: str) -> Any:
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="lk3_flow", codename=codename)
