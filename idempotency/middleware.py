"""`Idempotency-Key` for every non-safe method of the API (`/api/`), in one place.

A client that may send a POST (PUT, PATCH, DELETE) twice — a retry after a timeout or a
dropped connection — sends a key of its choice (a UUID) in the `Idempotency-Key` header. For
an authenticated user and a key:

- the first request runs in one transaction that also writes its answer (status, body, and
  the request's fingerprint: SHA-256 of method, path and body) when it succeeds (2xx): a
  committed operation always has its stored answer, a rolled-back one has none. A 5xx rolls
  the whole request back;
- the same key with the same request within IDEMPOTENCY_TTL_HOURS gets the stored answer
  again, with `Idempotent-Replayed: true`, and nothing is done twice;
- the same key with another request (method, path or body) is 422;
- the same key while the first request is still being processed is 409;
- an empty, too long (over 255 characters) or malformed key is 400.

Without the header, requests run as before. Unsuccessful answers are not stored: the client
may send the same request with the same key again. A multipart upload is fingerprinted on its
bytes, boundary included: a retry must send the same bytes.

The user is found by the API's own authentication classes (`core.apiauth`); an anonymous
request passes through untouched and the view answers it, and so does anything under
`/api/v1/auth/` (tokens are never stored for replay)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException

from core.apiauth import api_user

from . import services
from .services import Fingerprint, InvalidKey

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Logging in and out: a credential is never stored for replay. The public portal: no user,
# and a staff token sent along must change nothing (an answer is never stored under it).
EXEMPT_PREFIXES = ("/api/v1/auth/", "/api/v1/public/")
HEADER = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CHUNK = 64 * 1024


class _HashingStream:
    """Wraps the request's body stream: whatever the view reads is fed to the fingerprint;
    `finish` reads (and hashes) what it left unread."""

    def __init__(self, stream, fingerprint: Fingerprint) -> None:
        self._stream = stream
        self.fingerprint = fingerprint

    def read(self, *args) -> bytes:
        chunk = self._stream.read(*args)
        self.fingerprint.update(chunk)
        return chunk

    def readline(self, *args) -> bytes:
        line = self._stream.readline(*args)
        self.fingerprint.update(line)
        return line

    def finish(self) -> str:
        while self.read(CHUNK):
            pass
        return self.fingerprint.hexdigest()


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in SAFE_METHODS
            or HEADER not in request.META
            or not request.path.startswith(API_PREFIX)
            or request.path.startswith(EXEMPT_PREFIXES)
        ):
            return self.get_response(request)
        try:
            key = services.parse_key(request.META[HEADER])
        except InvalidKey:
            return _error(
                400,
                _("The Idempotency-Key header must be 1 to %(max)d visible ASCII characters.")
                % {"max": services.MAX_KEY_LENGTH},
            )
        # Hash the body as it is read: the authentication's CSRF check may read a form first.
        body = _HashingStream(request._stream, Fingerprint(request.method, request.get_full_path()))
        request._stream = body
        session_user = request.user
        try:
            user = api_user(request)
        except APIException:
            user = None
        request.user = session_user  # the view authenticates again, as it always does
        if user is None:
            return self.get_response(request)
        return self._once(request, user=user, key=key, body=body)

    def _once(self, request: HttpRequest, *, user, key: str, body: _HashingStream):
        committed = []
        response = None
        try:
            with transaction.atomic():
                # Registered first, so it runs first after the commit: from then on the
                # operation is done, whatever the other callbacks do.
                transaction.on_commit(lambda: committed.append(True))
                if not services.claim(user=user, key=key):
                    return _error(
                        409, _("A request with this Idempotency-Key is still being processed.")
                    )
                record = services.live_record(user=user, key=key)
                if record is not None:
                    return self._replay(record, body.finish())
                response = self.get_response(request)
                if not self._store(response, user=user, key=key, body=body):
                    transaction.set_rollback(True)
                    response = None
                    return _error(
                        409, _("A request with this Idempotency-Key is still being processed.")
                    )
                return response
        except Exception:
            if committed and response is not None:
                # Committed: the client gets its success, not a 500 from an after-commit step.
                logger.exception("after the commit of idempotent request %s", request.path)
                return response
            raise

    def _replay(self, record, fingerprint: str) -> HttpResponse:
        if record.fingerprint != fingerprint:
            return _error(422, _("This Idempotency-Key was already used for a different request."))
        response = HttpResponse(
            record.response_body.encode("utf-8"),
            status=record.status_code,
            content_type=record.content_type,
        )
        response[REPLAYED_HEADER] = "true"
        return response

    def _store(self, response: HttpResponse, *, user, key: str, body: _HashingStream) -> bool:
        """Inside the request's transaction: keep a successful answer, roll back a failed one.
        False if another request stored the key meanwhile (then this one is rolled back)."""
        if response.status_code >= 500:
            transaction.set_rollback(True)
            return True
        if not 200 <= response.status_code < 300 or response.streaming:
            return True
        try:
            text = response.content.decode("utf-8")
        except UnicodeDecodeError:
            logger.warning("answer to %s not stored for replay: not UTF-8", key)
            return True
        try:
            with transaction.atomic():
                services.record_store(
                    user=user,
                    key=key,
                    fingerprint=body.finish(),
                    status_code=response.status_code,
                    content_type=response.get("Content-Type", "application/json"),
                    body=text,
                )
        except IntegrityError:
            # Another request stored this key meanwhile (the lock prevents it on PostgreSQL).
            return False
        return True
