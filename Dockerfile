# 信访通 production image: gunicorn serving config.wsgi; the same image runs the Celery worker
# and beat (see docker-compose.yml). Settings come from the environment (README, .env.example).
FROM python:3.11-slim

# The release built (docker build --build-arg RELEASE=$(git rev-parse --short HEAD)): each new
# one starts the page parts kept in the shared cache afresh (README, RELEASE).
ARG RELEASE=""
ENV RELEASE=$RELEASE

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

# Static files are collected into the image at build time, with throwaway secrets made for
# this step only (production settings insist on them; none is kept in the image). The
# operator makes the real ones the same way (README, "Encryption keys"):
#   docker run --rm -e DJANGO_ENV=development xinfangtong:latest python manage.py generate_field_keys
RUN eval "$(DJANGO_ENV=development python manage.py generate_field_keys)" \
    && SECRET_KEY="$SECRET_KEY" FIELD_ENCRYPTION_KEY="$FIELD_ENCRYPTION_KEY" \
    FIELD_HASH_KEY="$FIELD_HASH_KEY" DJANGO_ENV=production ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/var/media /app/var/celery \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# Workers: gunicorn reads WEB_CONCURRENCY (default 1); set it to about 2 x cores + 1.
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
