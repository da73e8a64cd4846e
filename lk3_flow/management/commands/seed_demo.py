from django.core.management.base import BaseCommand

from lk3_flow.demo import DEMO_PASSWORD, seed_demo
from lk3_flow.demo_data import STAFF
from permissions.roles import ROLES_BY_CODE


class Command(BaseCommand):
    help = "Load the demo office (staff, partners, cases at every stage); safe to run again."

    def handle(self, *args, **options) -> None:
        report = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo: {report.staff_created} staff, {report.partners_created} partners, "
                f"{report.cases_created} cases created; {report.cases_skipped} cases already there."
            )
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for staff in STAFF:
            role = ROLES_BY_CODE[staff.role].group_name
            self.stdout.write(f"  {staff.username:<20} {role:<20} {staff.position}")
