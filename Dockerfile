# Production image: gunicorn serving Leadhunter; the same image runs the Celery worker
# and beat (see docker-compose.yml). Configure it with environment variables.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --system --create-home --home-dir /home/app --shell /usr/sbin/nologin app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are collected at build time. The SECRET_KEY here exists only so that the
# settings load during the build; it never reaches a running container.
RUN DEBUG=0 SECRET_KEY=build-time-only-not-a-secret PRIVACY_HASH_KEY=build-time-only-not-a-secret-xxxxxxxx python manage.py collectstatic --noinput \
    && mkdir -p var/media \
    && chown -R app:app var

USER app
EXPOSE 8000
# The access log ends with %(D)s: the request time in microseconds.
CMD ["gunicorn", "leadhunter.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", \
     "--access-logformat", "%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\" %(D)s"]
