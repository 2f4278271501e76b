"""drf-spectacular postprocessing hook: every non-safe operation of the API takes the
optional `Idempotency-Key` header and may answer 400, 409 and 422 for it (see
`idempotency.middleware`)."""

from django.utils.translation import gettext_lazy as _

from .middleware import API_PREFIX, EXEMPT_PREFIXES
from .models import MAX_KEY_LENGTH

UNSAFE = ("post", "put", "patch", "delete")
ERROR_COMPONENT = "IdempotencyError"


def add_idempotency_key(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        ERROR_COMPONENT,
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        },
    )
    error = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    parameter = {
        "in": "header",
        "name": "Idempotency-Key",
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
        "description": str(
            _(
                "A key of the client's choice (a UUID) that makes a retry safe: the same key "
                "and the same request within the retention period get the first answer again "
                "(header Idempotent-Replayed: true) and nothing is done twice."
            )
        ),
    }
    answers = {
        "409": _("A request with this Idempotency-Key is still being processed."),
        "422": _("This Idempotency-Key was already used for a different request."),
    }
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(API_PREFIX) or path.startswith(EXEMPT_PREFIXES):
            continue
        for method, operation in operations.items():
            if method not in UNSAFE:
                continue
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                parameters.append(dict(parameter))
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "400", {"description": str(_("Bad request (e.g. a malformed Idempotency-Key)."))}
            )
            for code, text in answers.items():
                responses.setdefault(code, {"description": str(text), "content": error})
    return result
