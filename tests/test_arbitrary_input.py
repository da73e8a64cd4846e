"""Arbitrary text at every URL parameter, query parameter and form field of every page.

The pages are found by walking the URL resolver (viewflow's and the admin's included), so a new
page is covered without anyone listing it. Hypothesis then sends, as each role and anonymously:

- every URL with its parameters either valid (an existing case, process, task, letter, admin
  object) or arbitrary (text, raw bytes, NUL, 20-digit ids), plus arbitrary query parameters,
  by GET and by POST;
- every form a page shows to that role (found in its HTML, the GET filters included) with a
  plausible filling in which some or all fields are replaced by arbitrary values, sent as a
  browser sends it (urlencoded, or multipart when the form says so).

Each request must answer below 500, and a request that is refused (any GET, a POST answered
with 4xx or with the form shown again, anything anonymous) must write nothing: no row of any
table changes and the audit log gains only reading events (views, searches, exports, failed
log-ins). Each example runs in a savepoint that is rolled back, so that every example meets the
same cases, tasks and letters.

`LK3_HYPOTHESIS_PROFILE=thorough` runs many more, random, examples; CI runs the default `ci`
profile, derandomized, so that both databases see the same examples.
"""

import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from viewflow.workflow.models import Task

from attachments.models import AttachmentKind
from attachments.services import add_attachment
from audit.models import Action, AuditEvent
from flows import services as flow_services
from lk3_flow import services
from lk3_flow.choices import NextStep
from lk3_flow.demo import sample_file
from lk3_flow.fields import LOCAL_DATE_FORMAT, LOCAL_DATETIME_FORMAT
from lk3_flow.models import Case, Partner
from plans import services as plan_services
from tests.factories import make_user, plan_goals

settings.register_profile(
    "ci",
    max_examples=3,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("LK3_HYPOTHESIS_PROFILE", "ci"))

ROLES = ["anonymous", "intake", "counselor", "head", "auditor", "administrator"]

# Audit events that record a reading or an attempt, which any request may leave behind.
READING_ACTIONS = {
    Action.CASE_VIEWED,
    Action.LETTER_DOWNLOADED,
    Action.ATTACHMENT_DOWNLOADED,
    Action.LETTER_VERIFIED,
    Action.EXPORTED,
    Action.AUDIT_SEARCHED,
    Action.LOGIN_FAILED,
    Action.DUPLICATE_CHECKED,
}
# Rows that a reading request legitimately writes: sessions, log-in attempts, the tallies of
# public letter checks, the audit log (checked by action instead).
UNWATCHED_MODELS = {
    "sessions.Session",
    "audit.AuditEvent",
    "audit.ChainHead",
    "audit.AuditPending",
    "letters.VerificationTally",
}
UNWATCHED_APPS = {"axes"}

# Query parameters the project's pages, viewflow's lists and the admin read.
KNOWN_QUERY_KEYS = [
    "q", "page", "status", "stage", "number", "client", "counselor", "registered_from",
    "registered_to", "actor", "action", "date_from", "date_to", "created", "finished",
    "flow_task", "process", "_orderby", "next", "o", "p", "e", "all", "_popup", "_to_field",
    "_changelist_filters", "term", "app_label", "model_name", "field_name", "language",
]  # fmt: skip

# Values that have broken pages somewhere: unstorable characters, ids beyond 64 bits, dates the
# UTC conversion cannot hold, markup, traversal, look-alike digits, long text.
SPECIAL_TEXT = [
    "\x00", "a\x00b", "\x1b[0m", "\x7f", "\u0085", "\u202e", "\ufeff", "\r\n", "\t",
    "99999999999999999999", "18446744073709551616", "-1", "0", "1e309", "NaN", "true", "[]",
    "{}", "null", "01/01/0001 00:00", "01/01/0001 10:00", "31/12/9999 23:59", "0001-01-01",
    "9999-12-31", "29/02/2023", "32/13/2026", "01/01/0001", "12:99", "<script>x</script>",
    "\"'><b>", "../../etc/passwd", "%00", "%ZZ", "' OR '1'='1", "\uff13\uff16", "\u0663\u0666",
    "x" * 3000,
]  # fmt: skip
PICKER_FORMATS = {"date": LOCAL_DATE_FORMAT, "datetime": LOCAL_DATETIME_FORMAT}
SPECIAL_BYTES = [b"\xed\xa0\x80", b"\xff\xfe", b"\xc0\xaf", b"%", b"\x00"]


def text_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(SPECIAL_TEXT),
        st.builds(
            "{}{}{}".format,
            st.text(max_size=6),
            st.sampled_from(["\x00", "\x01", "\x1b", "\x7f", "\x9f", "\u2028"]),
            st.text(max_size=6),
        ),
        st.text(max_size=30),
        st.from_regex(r"\d{1,2}/\d{1,2}/\d{1,5}( \d{1,2}:\d{2})?", fullmatch=True),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def byte_values() -> st.SearchStrategy[bytes]:
    """What a client can put in a URL or a urlencoded body: any bytes, not only UTF-8."""
    return st.one_of(
        text_values().map(lambda text: text.encode()),
        st.sampled_from(SPECIAL_BYTES),
        st.binary(max_size=12),
    )


# ---------------------------------------------------------------------------------------------
# The pages


@dataclass(frozen=True)
class Param:
    name: str
    converter: str  # int, str, path, slug, uuid, or regex
    regex: str = ""


@dataclass(frozen=True)
class Route:
    name: str
    parts: tuple[str | Param, ...]

    @property
    def params(self) -> list[Param]:
        return [part for part in self.parts if isinstance(part, Param)]


# `<int:pk>` in a route, `(?P<app_label>auth|...)` in a regex pattern.
_PARAM = re.compile(
    r"<(?:(?P<converter>[^>:]+):)?(?P<route_name>[^>]+)>"
    r"|\(\?P<(?P<group_name>\w+)>(?P<group_regex>[^()]*)\)"
)


def _parts(pattern: str) -> list[str | Param]:
    """A route or regex pattern as literal text and parameters."""
    parts: list[str | Param] = []
    position = 0
    for match in _PARAM.finditer(pattern):
        parts.append(pattern[position : match.start()])
        if match.group("route_name"):
            parts.append(Param(match.group("route_name"), match.group("converter") or "str"))
        else:
            parts.append(Param(match.group("group_name"), "regex", match.group("group_regex")))
        position = match.end()
    parts.append(pattern[position:])
    return [part if isinstance(part, Param) else _literal(part) for part in parts]


def _literal(regex_text: str) -> str:
    return regex_text.replace("^", "").replace("$", "").replace("\\", "")


def all_routes() -> list[Route]:
    routes = []

    def walk(patterns: list, prefix: list[str | Param], namespace: str) -> None:
        for pattern in patterns:
            parts = [*prefix, *_parts(str(pattern.pattern))]
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, parts, inner)
            elif isinstance(pattern, URLPattern):
                routes.append(Route(f"{namespace}{pattern.name}", tuple(["/", *parts])))

    walk(get_resolver().url_patterns, [], "")
    return routes


def quote(value: str | bytes) -> str:
    return urllib.parse.quote_from_bytes(force_bytes(value), safe="")


def build(route: Route, values: dict[str, str | bytes]) -> str:
    return "".join(
        quote(values[part.name]) if isinstance(part, Param) else part for part in route.parts
    )


# ---------------------------------------------------------------------------------------------
# The office, and valid values for every URL parameter


@dataclass
class World:
    office: Any
    cases: list[Case]
    users: dict[str, Any] = field(default_factory=dict)


def take(task: Task, user: Any) -> None:
    """Assign a queue task as the head's page does, so that its form can be reached."""
    activation = task.flow_task.activation_class(task)
    activation.assign(user)


@pytest.fixture
def world(office) -> World:
    """Cases waiting at every person's step, a closed one, and a sensitive one."""
    administrator = make_user("pengelola", "administrator", "Pengelola Sistem")
    administrator.is_staff = True
    administrator.save()
    office.administrator = administrator
    counseling = office.to_counseling(office.register(full_name="Klien Konseling"), goals=2)
    plan_services.propose_change(
        case=counseling,
        actor=office.counselor,
        reason="Situasi berubah.",
        entries=[plan_services.ProposedGoal(data=plan_goals(office.counselor)[0])],
    )
    referral = office.propose_referral(
        office.session(
            office.to_counseling(office.register(full_name="Klien Rujukan")),
            NextStep.PROPOSE_REFERRAL,
        )
    )
    closure = office.propose_closure(
        office.session(
            office.to_counseling(office.register(full_name="Klien Terminasi")),
            NextStep.PROPOSE_CLOSURE,
        )
    )
    responding = office.review_referral(office.propose_referral(office.session(
        office.to_counseling(office.register(full_name="Klien Mitra")), NextStep.PROPOSE_REFERRAL
    )))  # fmt: skip
    sensitive = flow_services.start_case(
        actor=office.head,
        registration=services.Registration(
            client_data={"kind": "individual", "full_name": "Klien Sensitif", "nik": ""},
            case_data={
                "problem_categories": ["domestic_violence"],
                "services": ["counseling"],
                "channel": "walk_in",
                "complaint": "Kekerasan.",
                "consent_given": True,
                "sensitive": True,
            },
        ),
    )
    cases = [
        office.register(full_name="Klien Antre"),  # waits for a head to assign a counselor
        office.assign(office.register(full_name="Klien Asesmen")),
        office.assess(office.assign(office.register(full_name="Klien Tinjau"))),
        counseling,
        referral,
        closure,
        responding,
        office.to_closed(office.register(full_name="Klien Selesai")),
        sensitive,
    ]
    for case in cases:
        for task in flow_services.open_tasks(case).filter(owner__isnull=True):
            take(task, office.head)
        add_attachment(
            case=case,
            actor=office.head,
            kind=AttachmentKind.OTHER,
            description="Surat",
            filename="surat.pdf",
            data=sample_file("Surat", "PDF"),
        )
    users = {role: getattr(office, role) for role in ROLES if role != "anonymous"}
    return World(office, [Case.objects.get(pk=case.pk) for case in cases], users)


def task_for(case: Case, node: str) -> Task | None:
    tasks = list(Task.objects.filter(process_id=case.process_id).order_by("-id"))
    named = [task for task in tasks if task.flow_task.name == node]
    open_named = [task for task in named if task.status in flow_services.OPEN_TASK_STATUSES]
    return (open_named or named or tasks or [None])[0]


def valid_values(route: Route, case: Case) -> dict[str, str]:
    """Values that make the route name a real object of `case` (or of the admin)."""
    values: dict[str, str] = {}
    letter = case.letters.order_by("id").first()
    for param in route.params:
        name = param.name
        if name == "pk":
            values[name] = str(letter.pk if route.name.startswith("letter_") else case.pk)
        elif name == "process_pk":
            values[name] = str(case.process_id)
        elif name == "attachment_pk":
            values[name] = str(case.attachments.order_by("id").first().pk)
        elif name == "change_pk":
            change = case.plan_changes.order_by("id").first()
            values[name] = str(change.pk if change else 1)
        elif name == "task_pk":
            task = task_for(case, route.name.split(":")[1])
            values[name] = str(task.pk if task else 1)
        elif name == "token" and route.name == "verify_letter":
            values[name] = letter.token
        elif name == "uidb64":
            values[name] = urlsafe_base64_encode(force_bytes(case.registered_by_id))
        elif name == "object_id":
            values[name] = _admin_object_id(route.name)
        elif name == "content_type_id":
            values[name] = str(ContentType.objects.get_for_model(Partner).pk)
        elif param.converter == "regex" and "|" in param.regex:
            values[name] = param.regex.split("|")[0]
        else:
            values[name] = "1"
    return values


def _admin_object_id(route_name: str) -> str:
    match = re.fullmatch(r"admin:(\w+?)_(\w+)_(change|delete|history)", route_name)
    if match:
        for model in apps.get_models():
            if (model._meta.app_label, model._meta.model_name) == match.groups()[:2]:
                first = model._default_manager.order_by("pk").first()
                return str(first.pk) if first else "1"
    return "1"


# ---------------------------------------------------------------------------------------------
# Nothing written


def _watched_models() -> list[type]:
    return [
        model
        for model in apps.get_models()
        if model._meta.label not in UNWATCHED_MODELS
        and model._meta.app_label not in UNWATCHED_APPS
        and model._meta.managed
        and not model._meta.proxy
    ]


def snapshot() -> tuple:
    rows = tuple(
        tuple(model._base_manager.order_by("pk").values_list()) for model in _watched_models()
    )
    return rows, AuditEvent.objects.count()


def writes_since(before: tuple) -> list[str]:
    rows, _count = snapshot()
    changed = [
        model._meta.label
        for model, old, new in zip(_watched_models(), before[0], rows, strict=True)
        if old != new
    ]
    actions = AuditEvent.objects.order_by("pk")[before[1] :].values_list("action", flat=True)
    return changed + [f"audit {action}" for action in actions if action not in READING_ACTIONS]


@dataclass
class Attempt:
    role: str
    method: str
    path: str
    query: str = ""
    body: bytes | dict | None = None
    multipart: bool = False


def send(world: World, attempt: Attempt) -> None:
    """One request in a savepoint rolled back afterwards; it must not fail nor write if refused."""
    client = Client()
    with transaction.atomic():
        if attempt.role != "anonymous":
            client.force_login(world.users[attempt.role])
        before = snapshot()
        url = f"{attempt.path}?{attempt.query}" if attempt.query else attempt.path
        if attempt.method == "GET":
            response = client.get(url)
        elif attempt.multipart:
            response = client.post(url, attempt.body or {})
        else:
            response = client.post(
                url, attempt.body or b"", content_type="application/x-www-form-urlencoded"
            )
        status = response.status_code
        assert status < 500, (attempt, status)
        accepted = attempt.method == "POST" and attempt.role != "anonymous" and status in (
            301, 302, 303,
        )  # fmt: skip
        if not accepted:
            assert writes_since(before) == [], (attempt, status)
        transaction.set_rollback(True)


def encode(pairs: list[tuple[str | bytes, str | bytes]]) -> str:
    return "&".join(f"{quote(key)}={quote(value)}" for key, value in pairs)


# ---------------------------------------------------------------------------------------------
# URL parameters and query parameters


def url_examples(world: World, route: Route, role: str) -> Any:
    """Hypothesis's examples for one route: its parameters valid or not, and any query."""

    @PROFILE
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        case = data.draw(st.sampled_from(world.cases), label="case")
        values: dict[str, str | bytes] = dict(valid_values(route, case))
        for param in route.params:
            if data.draw(st.booleans(), label=f"replace {param.name}"):
                values[param.name] = data.draw(
                    st.one_of(byte_values(), st.integers(0, 2**80).map(str)), label=param.name
                )
        query = data.draw(
            st.lists(
                st.tuples(
                    st.one_of(st.sampled_from(KNOWN_QUERY_KEYS), byte_values()), byte_values()
                ),
                min_size=1,
                max_size=3,
            ),
            label="query",
        )
        method = data.draw(st.sampled_from(["GET", "POST"]), label="method")
        send(
            world,
            Attempt(
                role=role,
                method=method,
                path=build(route, values),
                query=encode(query),
                body=encode(query).encode() if method == "POST" else None,
            ),
        )

    return check


# ---------------------------------------------------------------------------------------------
# Form fields


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, select, multiple, checkbox, radio, hidden, file, date, number
    value: str = ""
    options: list[str] = field(default_factory=list)
    date_format: str = ""


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: dict[str, FormField] = field(default_factory=dict)


class FormParser(HTMLParser):
    """Every form of a page with its fields, plain HTML or viewflow's `vf-field-*` elements."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urllib.parse.urljoin(self.page_path, attributes.get("action", ""))
            self.form = Form(
                method=attributes.get("method", "get").upper(),
                action=action or self.page_path,
                multipart="multipart" in attributes.get("enctype", ""),
            )
            self.forms.append(self.form)
        elif tag == "option" and self.select is not None:
            self.select.options.append(attributes.get("value", ""))
            if "selected" in attributes:
                self.select.value = attributes.get("value", "")
        elif self.form is not None and attributes.get("name") and tag != "meta":
            self._field(tag, attributes)

    def _field(self, tag: str, attributes: dict[str, str]) -> None:
        name = attributes["name"]
        kind = attributes.get("type", "text")
        if tag in ("button",) or kind in ("submit", "button", "reset", "image"):
            return
        if name == "csrfmiddlewaretoken":
            return
        if tag.startswith("vf-field-"):
            kind = {
                "vf-field-textarea": "textarea",
                "vf-field-select": "select",
                "vf-field-select-multiple": "multiple",
                "vf-field-radio-select": "radio",
                "vf-field-checkbox": "checkbox",
                "vf-field-date": "date",
                "vf-field-file": "file",
            }.get(tag, "number" if kind == "number" else "text")
        elif tag in ("select", "textarea"):
            kind = "multiple" if "multiple" in attributes else tag
        date_format = attributes.get("format", "")
        if "data-lk3-picker" in attributes:  # our calendar fields: day first, maybe with time
            kind = "date"
            date_format = PICKER_FORMATS[attributes["data-lk3-picker"]]
        entry = FormField(name, kind, value=attributes.get("value", ""), date_format=date_format)
        if "optgroups" in attributes:
            for group in json.loads(attributes["optgroups"]):
                options = group["options"]
                for option in options if isinstance(options, list) else [options]:
                    entry.options.append(str(option["value"]))
        if kind == "checkbox" and "checked" in attributes:
            entry.value = entry.value or "on"
        assert self.form is not None
        self.form.fields.setdefault(name, entry)
        if tag == "select":
            self.select = entry

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def plausible(entry: FormField) -> str | None:
    """A value a careful person would give the field, so that other fields get examined."""
    options = [option for option in entry.options if option]
    if entry.kind in ("select", "multiple", "radio"):
        return entry.value or (options[0] if options else None)
    if entry.kind == "checkbox":
        return entry.value or "on"
    if entry.value:
        return entry.value
    if entry.kind == "date" and entry.date_format:
        return timezone.localtime().strftime(entry.date_format)
    name = entry.name.rsplit("-", 1)[-1]
    if "date" in name or name.endswith(("_from", "_to")):
        return "2026-01-15"
    return {
        "nik": "3602011203850001",
        "phone": "0812-3456-7890",
        "email": "mitra@example.org",
        "duration_minutes": "60",
        "password": "kata-sandi-uji-2026",
    }.get(name, "Teks yang wajar")


def canonical_paths(world: World, route: Route) -> list[str]:
    """The route about cases it has something to show for: a task route about the case whose
    open task is of that step, a case route about an open and about a closed case."""
    waiting = {
        task.flow_task.name: case for case in world.cases for task in flow_services.open_tasks(case)
    }
    open_case, closed_case = world.cases[3], world.cases[7]
    names = {param.name for param in route.params}
    if "task_pk" in names:
        cases = [waiting.get(route.name.split(":")[1], open_case)]
    elif names & {"pk", "process_pk"}:
        cases = [open_case, closed_case]
    else:
        cases = [open_case]
    return sorted({build(route, valid_values(route, case)) for case in cases})


@dataclass
class Survey:
    """Who sees each page, and every distinct form each role meets."""

    seeing: dict[Route, set[str]] = field(default_factory=dict)
    forms: list[tuple[str, Form]] = field(default_factory=list)


def survey(world: World, routes: list[Route]) -> Survey:
    found = Survey()
    seen_forms = set()
    paths = {route: canonical_paths(world, route) for route in routes}
    for route in routes:
        for path in paths[route]:
            # The URL builder must be right, or the examples would only meet 404s. (Some of the
            # admin's redirects have no name.)
            named = not route.name.endswith("None")
            assert resolve(path).view_name == route.name or not named, (route, path)
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        for route in routes:
            for path in paths[route]:
                response = client.get(path)
                status = response.status_code
                to_login = status == 302 and "/login/" in response.url
                if status in (403, 404) or to_login:
                    continue
                found.seeing.setdefault(route, set()).add(role)
                if status != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                parser = FormParser(path)
                parser.feed(response.content.decode())
                for form in parser.forms:
                    key = (role, form.method, form.action, tuple(sorted(form.fields)))
                    if form.fields and key not in seen_forms and "/logout" not in form.action:
                        seen_forms.add(key)
                        found.forms.append((role, form))
    return found


def form_examples(world: World, role: str, form: Form) -> Any:
    """Hypothesis's examples for one form: a plausible filling with some or all fields replaced."""
    names = sorted(form.fields)

    @PROFILE
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        values: dict[str, Any] = {}
        for name in names:
            value = plausible(form.fields[name])
            if value is not None:
                values[name] = value
        if data.draw(st.booleans(), label="replace every field"):
            replaced = names
        else:
            replaced = data.draw(st.lists(st.sampled_from(names), max_size=3), label="fields")
        for name in replaced:
            values[name] = data.draw(text_values() if form.multipart else byte_values(), label=name)
        for name in data.draw(st.lists(st.sampled_from(names), max_size=2), label="drop"):
            values.pop(name, None)
        if form.multipart:
            for name, entry in form.fields.items():
                if entry.kind == "file" and name in values:
                    content = data.draw(st.binary(max_size=64), label=f"{name} bytes")
                    values[name] = SimpleUploadedFile("surat.pdf", content)
            send(world, Attempt(role, "POST", form.action, body=values, multipart=True))
        elif form.method == "GET":
            send(world, Attempt(role, "GET", form.action, query=encode(list(values.items()))))
        else:
            body = encode(list(values.items())).encode()
            send(world, Attempt(role, "POST", form.action, body=body))

    return check


def test_every_page_takes_arbitrary_input(world):
    routes = all_routes()
    found = survey(world, routes)
    assert len(routes) > 100 and len(found.seeing) > 100
    kinds = {entry.kind for _role, form in found.forms for entry in form.fields.values()}
    assert {"text", "textarea", "select", "radio", "date", "checkbox", "file"} <= kinds, kinds
    assert len(found.forms) > 30
    # Every route as every role that can see it (and anonymously, where nobody can).
    for route in routes:
        for role in sorted(found.seeing.get(route, {"anonymous"})):
            url_examples(world, route, role)()
    for role, form in found.forms:
        form_examples(world, role, form)()
