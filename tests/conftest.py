import pytest
from django.db import connections
from django.test import override_settings

from audit import triggers
from letters import numbering
from letters.local_ca import LocalAuthority, ensure_local_authority
from lk3_flow.choices import NextStep, ReferralStatus
from tests.factories import Office
from tests.mail import inbox  # noqa: F401  (the SMTP server fixture, for every test module)
from workdays.selectors import forget_office_calendar

SIGNING_PASSPHRASE = "test-signing-passphrase"


@pytest.fixture(scope="session", autouse=True)
def signing_authority(tmp_path_factory) -> LocalAuthority:
    """Every letter of the suite is signed as in production, with a PKCS#12 key and its root as
    the trust root: from a certificate authority made once for the session."""
    authority = ensure_local_authority(
        tmp_path_factory.mktemp("signing") / "authority",
        institution="LK3 Kabupaten Lebak",
        passphrase=SIGNING_PASSPHRASE,
    )
    with override_settings(
        LK3_SIGNING_KEY="pkcs12",
        LK3_SIGNING_PKCS12_FILE=str(authority.key_file),
        LK3_SIGNING_PKCS12_PASSPHRASE=SIGNING_PASSPHRASE,
        LK3_SIGNING_TRUST_ROOTS=[str(authority.root_file)],
    ):
        yield authority


@pytest.fixture
def office(db) -> Office:
    return Office()


@pytest.fixture(autouse=True)
def _office_calendar_read_afresh():
    """The process keeps the office calendar for a minute; a test's rolled-back exceptions and
    allowances must not outlive it (a rollback sends no post_delete)."""
    forget_office_calendar()
    yield
    forget_office_calendar()


@pytest.fixture(autouse=True)
def _audit_log_wiped_after_transactional_tests(request):
    """A transactional test ends by emptying every table, which the audit triggers refuse: on
    the events and their seals, and on the sealer's queue for events not sealed yet.

    Production never empties the audit log; only here are the triggers of all three tables lifted
    for the wipe, and the flush's post-migrate step puts them back for the next test.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    triggers.remove(connections["default"])


@pytest.fixture(autouse=True)
def _letter_number_connection_closed():
    """Letter numbers are drawn on a connection Django does not close; the test database can
    only be dropped once it is."""
    yield
    numbering.close_apart_connection()


@pytest.fixture
def fresh_storage(settings):
    """A new, empty in-memory storage for the test: what is in it is this test's doing, not the
    files other tests' rolled-back letters and attachments left in the process's storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def full_case(office):
    """A case through its whole life: a returned referral, an accepted one, a closure."""
    case = office.to_counseling(office.register(full_name="Rina Marlina"))
    case = office.session(case, NextStep.PROPOSE_REFERRAL)
    case = office.review_referral(office.propose_referral(case), approved=False, comment="Ganti.")
    case = office.session(case, NextStep.PROPOSE_REFERRAL)
    case = office.partner_response(
        office.review_referral(office.propose_referral(case)), ReferralStatus.ACCEPTED
    )
    case = office.session(case, NextStep.PROPOSE_CLOSURE)
    return office.review_closure(office.propose_closure(case))


@pytest.fixture
def seeded(office):
    """The periodic report's cases around the current month (`test_reports.seed_report_cases`)."""
    from tests.test_reports import seed_report_cases

    return seed_report_cases(office)
