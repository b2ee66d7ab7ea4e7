# Production image: gunicorn web, Celery worker and beat share it (see docker-compose.yml
# and docs/OPERATIONS.md).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=slsp_referent.settings

# WeasyPrint needs Pango; gettext compiles the catalogs; fonts are packaged, never fetched.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 app

WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY slsp_referent ./slsp_referent
COPY apps ./apps
RUN pip install -c requirements.lock .
COPY . .
# Build-time only values: the real ones come from the environment at run time.
RUN DEBUG=0 SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.db REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && DEBUG=0 SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.db REDIS_URL=redis://localhost:6379/0 \
    python manage.py compilemessages --ignore=.venv \
    && mkdir -p /data/media && chown -R app /data /app/var 2>/dev/null || true

USER app
EXPOSE 8000
# gunicorn.conf.py masks signed-link tokens in the logs and reads WEB_CONCURRENCY.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "slsp_referent.wsgi:application"]
