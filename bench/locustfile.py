"""The load run: counselors and heads working their pages, as an office does all day.

Among their reads, counselors record counseling sessions through the task page (some schedule the
next one, which issues an invitation letter) and heads take approvals from their queue and approve
them (an assessment, a referral or a closure, each issuing its letter). `bench.run` deals every
simulated user their own open tasks, so no two of them race for one; a user whose tasks are done
reads a page instead. The write requests carry names of their own ("write: …") in the statistics.

The statistics count from the moment the last of them has logged in, for BENCH_MEASURE_SECONDS:
50 people logging in within seconds is a rush no office has (logging in is timed on its own).
"""

import datetime
import itertools
import json
import os
import random
import re
from zoneinfo import ZoneInfo

import gevent
from locust import HttpUser, between, task

PEOPLE = json.loads(open(os.environ["BENCH_PEOPLE"]).read())  # noqa: SIM115
PASSWORD = os.environ["BENCH_PASSWORD"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
THINK = [float(seconds) for seconds in os.environ.get("BENCH_THINK", "1,5").split(",")]
# The task pages take times as the office's clock shows them, day first (LOCAL_DATETIME_FORMAT).
OFFICE_TIME = ZoneInfo("Asia/Jakarta")
LOCAL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
MEASURE_SECONDS = float(os.environ.get("BENCH_MEASURE_SECONDS", "60"))
# Each simulated user is the next of the people `bench.run` wrote, in order, with their tasks.
SLOTS = itertools.count()
LOGGED_IN = itertools.count(1)


class StaffMember(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.person = PEOPLE[next(SLOTS) % len(PEOPLE)]
        self.work = list(self.person["work"])
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {
                "username": self.person["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            name="login",
        )
        # Logging in rotates the CSRF token; the forms post with the new one.
        self.csrf_token = CSRF.search(self.client.get("/cases/").text).group(1)
        runner = self.environment.runner
        if next(LOGGED_IN) == runner.target_user_count:
            runner.stats.reset_all()
            gevent.spawn_later(MEASURE_SECONDS, runner.quit)

    @task(3)
    def inbox(self) -> None:
        self.client.get("/case/inbox/" if self.person["role"] == "counselor" else "/case/queue/")

    @task(3)
    def case_list(self) -> None:
        self.client.get("/cases/")

    @task(4)
    def case_detail(self) -> None:
        case_id = random.choice(self.person["cases"])
        self.client.get(f"/cases/{case_id}/", name="/cases/[id]/")

    @task(1)
    def search(self) -> None:
        """Looking a client up by name, as staff do when a family calls or walks in."""
        name = random.choice(self.person["clients"])
        # The form posts the terms and is sent on to the results by key (`lk3_flow.searches`).
        self.client.post(
            "/cases/",
            {"q": name, "csrfmiddlewaretoken": self.csrf_token},
            name="/cases/ search",
        )

    @task(2)
    def complete_task(self) -> None:
        """The next of this person's open tasks, done through its page as a person does it."""
        if not self.work:
            self.case_detail()
            return
        step, case_id, process_id, task_id = self.work.pop(0)
        url = f"/case/{process_id}/{step}/{task_id}/"
        if step == "counseling":
            self._record_session(url, case_id)
        else:
            self._approve(url, case_id)

    def _record_session(self, url: str, case_id: int) -> None:
        form = self.client.get(f"{url}execute/", name="write: session form")
        now = datetime.datetime.now(OFFICE_TIME)
        data = {
            "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
            "scheduled_at": now.strftime(LOCAL_DATETIME_FORMAT),
            "held_at": now.strftime(LOCAL_DATETIME_FORMAT),
            "session_type": "individual",
            "duration_minutes": "60",
            "notes": "Klien menceritakan perkembangan hubungan dengan pasangan.",
            "progress": "Mulai terbuka.",
            "next_step": "another_session",
        }
        if random.random() < 0.5:
            # A next session scheduled: the invitation letter is issued with the session.
            next_session = now + datetime.timedelta(days=7)
            data["next_session_at"] = next_session.strftime(LOCAL_DATETIME_FORMAT)
        self._submit(f"{url}execute/", data, "write: session recorded", case_id)

    def _approve(self, url: str, case_id: int) -> None:
        with self.client.post(
            f"{url}assign/",
            {"csrfmiddlewaretoken": self.csrf_token},
            name="write: task taken from the queue",
            allow_redirects=False,
            catch_response=True,
        ) as taken:
            if taken.status_code != 302:
                taken.failure(f"taking the task answered {taken.status_code}")
                return
        form = self.client.get(f"{url}execute/", name="write: approval form")
        data = {
            "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
            "decision": "approve",
            "comment": "",
        }
        self._submit(f"{url}execute/", data, "write: approval recorded", case_id)

    def _submit(self, url: str, data: dict, name: str, case_id: int) -> None:
        """A task form posted; done, it sends the person on to the case."""
        with self.client.post(
            url, data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or f"/cases/{case_id}/" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"not recorded: {response.status_code}")
                return
        self.client.get(f"/cases/{case_id}/", name="/cases/[id]/")
