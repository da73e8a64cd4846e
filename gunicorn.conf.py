"""gunicorn's settings for LK3 Flow, read from the working folder by `gunicorn lk3_flow.wsgi`.

A page spends a good part of its time waiting for PostgreSQL; with one process per core a
request waits in the queue while a process waits for the database. gunicorn's own advice, two
processes per core and one more, keeps the cores busy. Set WEB_CONCURRENCY to choose another
number (each process holds about 120 MB).
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
