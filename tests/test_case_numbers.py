"""Case numbers: one gap-free sequence per year, never duplicated, even under concurrency."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from lk3_flow.models import Case
from lk3_flow.services import next_case_number


@pytest.mark.django_db
def test_numbers_follow_a_per_year_sequence():
    assert next_case_number(datetime.date(2026, 1, 1)) == "LK3-LBK/2026/0001"
    assert next_case_number(datetime.date(2026, 12, 31)) == "LK3-LBK/2026/0002"
    assert next_case_number(datetime.date(2027, 1, 1)) == "LK3-LBK/2027/0001"
    assert next_case_number(datetime.date(2026, 6, 1)) == "LK3-LBK/2026/0003"


@pytest.mark.django_db
def test_year_is_that_of_jakarta(office, monkeypatch):
    # 23:30 UTC on 31 December is already 1 January in Jakarta.
    instant = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    assert office.register().number == "LK3-LBK/2027/0001"


@pytest.mark.django_db
def test_a_failed_registration_consumes_no_number(office):
    first = office.register()
    with pytest.raises(ValidationError):
        office.register(full_name="")
    second = office.register(full_name="Klien Kedua")
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(office):
    workers, per_worker = 6, 5
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def register_some() -> None:
        try:
            barrier.wait()
            for _ in range(per_worker):
                office.register()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register_some) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert len(numbers) == workers * per_worker == len(set(numbers))
    assert [int(number[-4:]) for number in numbers] == list(range(1, workers * per_worker + 1))
