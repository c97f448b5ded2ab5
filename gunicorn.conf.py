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
# A connection closes after its answer, as it does behind a reverse proxy (nginx talks HTTP/1.0 to its upstream by
# default). A gthread worker accepts every connection it can and keeps a keep-alive one for good: with clients that
# keep their connections, one worker held all 16 of a benchmark's connections while the other idled (half the
# throughput, and the same for real clients connecting directly). Closing them lets the kernel spread the
# connections over the workers: 2,340 requests/s instead of 1,090 to 2,970 for /healthz, run to run.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 0))
# A worker is replaced after this many requests (with jitter), which bounds any slow memory growth. At 5,000 a busy
# worker was replaced every few seconds (each replacement costs a second of start-up and stalls its requests).
max_requests = 200_000
max_requests_jitter = 20_000
accesslog = "-"
wsgi_app = "factcheck.wsgi:application"
