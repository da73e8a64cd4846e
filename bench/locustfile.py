"""The load run: counselors and heads working their pages, as an office does all day."""

import json
import os
import random
import re

from locust import HttpUser, between, task

PEOPLE = json.loads(open(os.environ["BENCH_PEOPLE"]).read())  # noqa: SIM115
PASSWORD = os.environ["BENCH_PASSWORD"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
THINK = [float(seconds) for seconds in os.environ.get("BENCH_THINK", "1,5").split(",")]


class StaffMember(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.person = random.choice(PEOPLE)
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
        # Logging in rotates the CSRF token; the search form posts with the new one.
        self.csrf_token = CSRF.search(self.client.get("/cases/").text).group(1)

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
