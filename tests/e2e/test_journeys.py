"""The main journey of a case, clicked and typed through the pages by each role in turn."""

import re
import subprocess

import pytest
from playwright.sync_api import Page, expect

from letters.models import Letter, LetterKind
from lk3_flow.models import Case
from tests.factories import PASSWORD, make_partner

pytestmark = pytest.mark.django_db(transaction=True)

CASE_NUMBER = re.compile(r"LK3-LBK/\d{4}/\d{4}")
CASE_PAGE = re.compile(r".*/cases/\d+/$")
CASE_LIST = re.compile(r".*/cases/$")


class Person:
    """One member of staff at their own browser."""

    def __init__(self, browser, base_url: str, user, screenshot_dir=None) -> None:
        self.context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        self.page: Page = self.context.new_page()
        self.base_url = base_url
        self.user = user
        self.screenshot_dir = screenshot_dir
        self.page.goto(f"{base_url}/accounts/login/")
        self.page.fill("input[name=username]", user.username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        expect(self.page.locator(".vf-page__menu")).to_be_attached()

    def close(self) -> None:
        self.context.close()

    def shoot(self, name: str) -> None:
        if self.screenshot_dir is not None:
            self.page.screenshot(path=str(self.screenshot_dir / f"{name}.png"))

    # Navigation by the links a person sees.
    def open_case(self, number: str) -> None:
        self.page.click(".vf-page__menu a:has-text('Berkas Kasus')")
        self.page.wait_for_url(CASE_LIST)
        self.page.click(f".lk3-table a:text-is('{number}')")
        expect(self.page.locator("h1.vf-card__title")).to_contain_text(number)

    def take_and_open_task(self, number: str) -> None:
        """From the case page: take the waiting task if it sits in the queue, then open it."""
        self.open_case(number)
        action = self.page.locator(".lk3-tasks a.mdc-button").first
        if action.inner_text().strip().lower() == "ambil":
            action.click()
            self.page.wait_for_url(re.compile(r".*/assign/$"))
            self.page.locator("form button[type=submit], form button").last.click()
            self.page.wait_for_url(lambda url: not url.endswith("/assign/"))
            self.open_case(number)
            action = self.page.locator(".lk3-tasks a.mdc-button").first
        action.click()
        expect(self.page.locator("form.vf-form")).to_be_visible()

    # Form fields as viewflow renders them.
    def type(self, name: str, value: str) -> None:
        self.page.locator(f"#id_{name}_control").fill(value)

    def choose(self, name: str, *values: str) -> None:
        self.page.locator(f"#id_{name} .mdc-select__anchor").click()
        for value in values:
            self.page.locator(f"#id_{name} li[data-value='{value}']").click()
        if len(values) > 1 or self.page.locator(f"#id_{name} .mdc-menu-surface--open").count():
            self.page.keyboard.press("Escape")

    def select(self, name: str, label: str) -> None:
        """A browser's own list (lk3_flow.fields.NativeSelect)."""
        self.page.select_option(f"select#id_{name}", label=label)

    def tick(self, name: str) -> None:
        self.page.locator(f"#id_{name}_control").check(force=True)

    def pick(self, name: str, value: str) -> None:
        self.page.locator(f"#id_{name} input[value='{value}']").check(force=True)

    def write(self, name: str, value: str) -> None:
        self.page.locator(f"#id_{name} textarea").fill(value)

    def record_session(self, number: str, when: str, kind: str, notes: str, next_step: str) -> None:
        self.take_and_open_task(number)
        self.type("scheduled_at", when)
        self.choose("session_type", kind)
        self.write("notes", notes)
        self.pick("next_step", next_step)
        self.submit()

    def decide(self, number: str, decision: str, comment: str = "") -> None:
        """A head's approve-or-return on the case's waiting proposal."""
        self.take_and_open_task(number)
        self.pick("decision", decision)
        if comment:
            self.write("comment", comment)
        self.submit()

    def submit(self) -> None:
        """Send the form and wait for the case page that every completed step returns to."""
        self.page.locator("form.vf-form button[type=submit], form.vf-form button").last.click()
        self.page.wait_for_url(CASE_PAGE)


@pytest.fixture
def people(browser, live_server, office, screenshot_dir):
    office.legal_aid = make_partner("LBH Rangkasbitung", category="legal_aid")
    opened = []

    def person(user) -> Person:
        someone = Person(browser, live_server.url, user, screenshot_dir)
        opened.append(someone)
        return someone

    yield person
    for someone in opened:
        someone.close()


def test_a_case_from_registration_to_closure(people, office, live_server, tmp_path):
    intake = people(office.intake)
    intake.page.click(".vf-page__menu a:has-text('Berkas Kasus')")
    intake.page.click(".lk3-register-button")
    intake.choose("client-kind", "family")
    intake.type("client-full_name", "Keluarga Bapak Dadan")
    intake.type("client-nik", "3602141203850007")
    intake.choose("client-sex", "male")
    intake.type("client-birth_date", "12/03/1985")
    intake.type("client-address", "Kp. Cimangeunteung RT 01/RW 02")
    intake.select("client-kecamatan", "Rangkasbitung")
    intake.select("client-desa", "Pasirtanjung")
    intake.page.fill("input[name='members-0-full_name']", "Imas Masitoh")
    intake.page.select_option("select[name='members-0-relationship']", "wife")
    intake.choose("case-problem_categories", "marital_conflict", "parenting")
    intake.choose("case-services", "counseling", "accompaniment")
    intake.choose("case-channel", "walk_in")
    intake.write("case-complaint", "Pertengkaran suami-istri yang membuat anak ketakutan.")
    intake.tick("case-consent_given")
    intake.tick("case-consent_share_with_partners")
    intake.submit()
    expect(intake.page.locator("h1.vf-card__title")).to_contain_text("LK3-LBK/")
    number = CASE_NUMBER.search(intake.page.locator("h1.vf-card__title").inner_text()).group()
    case = Case.objects.get(number=number)
    assert case.client.members.get().full_name == "Imas Masitoh"

    head = people(office.head)
    head.take_and_open_task(number)
    head.choose("counselor", str(office.counselor.pk))
    head.submit()
    expect(head.page.locator(".lk3-stage")).to_contain_text("Asesmen")

    counselor = people(office.counselor)
    counselor.page.goto(f"{counselor.base_url}/case/inbox/")
    expect(counselor.page.locator(".lk3-task-list")).to_contain_text(number)
    counselor.shoot("inbox")
    counselor.take_and_open_task(number)
    for name in ["presenting_problem", "family_situation", "strengths", "risks", "needs", "goals"]:
        counselor.write(name, f"Isi {name} dari asesmen pertama.")
    # The plan: one goal, served by counseling and, if need be, a referral.
    counselor.page.fill("#id_goals-0-description", "Komunikasi suami-istri membaik.")
    for service in ["counseling", "referral"]:
        counselor.page.check(f"input[name='goals-0-services'][value='{service}']", force=True)
    counselor.page.fill("#id_goals-0-target_date", "31/01/2027")
    counselor.page.keyboard.press("Escape")
    counselor.submit()

    head.decide(number, "return", "Tambahkan risiko terhadap anak.")

    counselor.take_and_open_task(number)
    expect(counselor.page.locator(".lk3-returned")).to_contain_text("Tambahkan risiko")
    counselor.write("risks", "Anak mulai takut pulang ke rumah.")
    counselor.submit()

    head.decide(number, "approve")
    expect(head.page.locator(".lk3-stage")).to_contain_text("Sesi konseling")

    # The family moved within the district: the counselor corrects the address.
    counselor.open_case(number)
    counselor.page.click("a:has-text('Koreksi data klien')")
    counselor.type("client-address", "Kp. Nameng RT 03/RW 01")
    counselor.select("client-desa", "Nameng")
    counselor.page.click("button:has-text('Simpan koreksi')")
    expect(counselor.page.locator("dl.lk3-facts", has_text="Keluarga Bapak Dadan")).to_contain_text(
        "Kp. Nameng RT 03/RW 01, Desa Nameng, Kec. Rangkasbitung"
    )

    for next_step in ["another_session", "propose_referral"]:
        counselor.record_session(
            number, "01/11/2026 09:00", "couple", f"Sesi dengan langkah {next_step}.", next_step
        )
    counselor.take_and_open_task(number)
    counselor.choose("partner", str(office.legal_aid.pk))
    counselor.write("reason", "Pendampingan hukum hak asuh anak.")
    counselor.choose("services_requested", "accompaniment")
    counselor.submit()

    head.decide(number, "approve")
    referral = Letter.objects.get(case=case, kind=LetterKind.REFERRAL)
    head.open_case(number)
    with head.page.expect_download() as download_info:
        head.page.click(f"a:text-is('{referral.number}')")
    pdf_path = tmp_path / "rujukan.pdf"
    download_info.value.save_as(pdf_path)
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, check=True)
    assert referral.number in text.stdout.decode()
    if head.screenshot_dir is not None:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
             str(head.screenshot_dir / "letter")],
            check=True,
        )  # fmt: skip

    counselor.take_and_open_task(number)
    counselor.pick("response", "accepted")
    counselor.write("feedback", "LBH menerima dan mendampingi klien.")
    counselor.submit()
    counselor.record_session(
        number, "15/11/2026 09:00", "family", "Kesepakatan pengasuhan tercapai.", "propose_closure"
    )
    counselor.take_and_open_task(number)
    counselor.choose("reason", "goals_achieved")
    counselor.write("summary", "Komunikasi keluarga pulih.")
    counselor.submit()

    head.decide(number, "approve")
    expect(head.page.locator(".lk3-stage")).to_contain_text("Selesai")
    head.shoot("case-detail")

    verifier = people(office.other_counselor)
    verifier.page.goto(f"{live_server.url}/verifikasi/{referral.token}/")
    expect(verifier.page.locator("[data-verdict=valid]")).to_be_visible()

    auditor = people(office.auditor)
    auditor.page.click(".vf-page__menu a:has-text('Audit')")
    auditor.page.wait_for_url(re.compile(r".*/audit/$"))
    auditor.page.fill("input[name=number]", number)
    auditor.page.click(".lk3-filter button")
    auditor.page.wait_for_url(re.compile(r".*/audit/\?cari=[\w-]+$"))
    auditor.page.click(f".lk3-table a:text-is('{number}')")
    auditor.page.wait_for_url(re.compile(r".*/audit/kasus/\d+/$"))
    expect(auditor.page.locator("h1.vf-card__title")).to_contain_text(number)
    expect(auditor.page.locator(".lk3-event-task_completed").first).to_be_visible()
    # One line per action, the task it completed or returned named after the action.
    titles = auditor.page.locator(".lk3-event .lk3-what").all_inner_texts()
    # Every person's look at the file is a line too: the history runs over several pages.
    next_page = auditor.page.locator(".lk3-pages a:has-text('Berikutnya')")
    while next_page.count():
        with auditor.page.expect_navigation():
            next_page.click()
        titles += auditor.page.locator(".lk3-event .lk3-what").all_inner_texts()
    steps = [
        title.split(": ", 1)[1]
        for title in titles
        if title.startswith(("Tugas diselesaikan: ", "Dikembalikan dengan catatan: "))
    ]
    expected = [
        "Penunjukan konselor",
        "Asesmen dan rencana intervensi",
        "Persetujuan asesmen",
        "Asesmen dan rencana intervensi",
        "Persetujuan asesmen",
        "Sesi konseling",
        "Sesi konseling",
        "Usulan rujukan",
        "Persetujuan rujukan",
        "Tanggapan mitra rujukan",
        "Sesi konseling",
        "Usulan terminasi",
        "Persetujuan terminasi",
    ]
    human_steps = [step for step in steps if step in expected]
    assert human_steps == expected
    assert "Kasus didaftarkan" in titles  # registration is an action of its own
    auditor.shoot("audit-timeline")

    other = people(office.other_counselor)
    other.page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(other.page.locator("body")).not_to_contain_text("Keluarga Bapak Dadan")
    response = other.page.request.get(f"{live_server.url}/cases/{case.pk}/")
    assert response.status == 404


def test_a_returning_client_and_a_client_registered_twice(people, office):
    """The intake officer finds the client however the name is spelled and adds the case to
    their record; the head merges a record registered twice after seeing what moves."""
    earlier = office.register(full_name="Dedi Kurniawan")
    twice = office.register(full_name="Dedy Kurniawan", sensitive=False)
    assert twice.client_id != earlier.client_id  # registered twice before the check existed

    intake = people(office.intake)
    intake.page.goto(f"{intake.base_url}/case/intake/")
    intake.choose("client-kind", "individual")
    intake.type("client-full_name", "Dedy Kurniawan")
    intake.type("client-birth_date", "17/05/1990")
    intake.choose("case-problem_categories", "marital_conflict")
    intake.choose("case-services", "counseling")
    intake.choose("case-channel", "walk_in")
    intake.write("case-complaint", "Datang lagi setelah pertengkaran berikutnya.")
    intake.tick("case-consent_given")
    intake.page.locator("form.vf-form button[type=submit]").last.click()
    found = intake.page.locator(".lk3-same-client")
    expect(found).to_contain_text("Klien serupa sudah terdaftar.")
    intake.shoot("intake-returning-client")
    found.locator(f"input[value='{earlier.client_id}']").check()
    intake.submit()
    number = CASE_NUMBER.search(intake.page.locator("h1.vf-card__title").inner_text()).group()
    assert Case.objects.get(number=number).client_id == earlier.client_id

    head = people(office.head)
    head.open_case(earlier.number)
    head.page.click("a:has-text('Gabungkan data klien')")
    head.page.locator(f"input[name=other][value='{twice.client_id}']").check()
    head.page.locator("form.vf-form button[type=submit]").last.click()
    expect(head.page.locator("dl.lk3-facts").last).to_contain_text(twice.number)
    head.shoot("merge-clients")
    head.write("reason", "Orang yang sama, terdaftar dua kali dengan ejaan berbeda.")
    head.tick("confirm")
    head.submit()
    expect(head.page.locator("vf-snackbar").first).to_contain_text("1 kasus dipindahkan")
    assert Case.objects.get(pk=twice.pk).client_id == earlier.client_id
