"""gunicorn settings for production: `make serve`, or `gunicorn factcheck.wsgi` from the project folder.

Workers: GUNICORN_WORKERS, by default 2 per CPU core plus 1 (gunicorn's own advice for workers that wait on
the database). Each worker runs GUNICORN_THREADS threads (4), so a long streamed export does not hold a whole
worker, and the worker's heartbeat goes on while a thread streams (a sync worker would be killed after
`timeout` seconds in the middle of a large export). Each thread keeps its database connection open
(DJANGO_CONN_MAX_AGE, 60 s) with health checks, so a PostgreSQL restart costs no request.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter), which bounds any slow memory growth.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
wsgi_app = "factcheck.wsgi:application"
