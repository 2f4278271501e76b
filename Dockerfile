# 信访通 production image: gunicorn serving config.wsgi; the same image runs the Celery worker
# and beat (see docker-compose.yml). Settings come from the environment (README, .env.example).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media

WORKDIR /app

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image at build time, with throwaway values for the
# secrets that production settings insist on (nothing here is used at run time).
RUN DJANGO_ENV=production \
    SECRET_KEY=build-only-collectstatic-not-a-secret-0123456789abcdef0123456789 \
    FIELD_ENCRYPTION_KEY=YnVpbGQtb25seS1ub3QtYS1yZWFsLWtleS0zMmJ5dGU= \
    FIELD_HASH_KEY=build-only-collectstatic \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/var/media /app/var/celery \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# Workers: gunicorn reads WEB_CONCURRENCY (default 1); set it to about 2 x cores + 1.
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
