"""The error answers of the API in its OpenAPI schema, added to every operation in one place,
and times of day as the API writes them (drf-spectacular postprocessing hooks,
`SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`).

The shapes are those of `accounts.api.exception_handler`: bad input is 400 with
`{field: [messages]}` (nested like the input for nested fields, `non_field_errors` for the
whole body) or `{"detail": message}` for a body that does not parse; every other refusal is
`{"detail": message}`."""

from drf_spectacular.openapi import AutoSchema

WRITE_METHODS = {"post", "put", "patch", "delete"}
METHODS = WRITE_METHODS | {"get", "head", "options"}
# POSTs that change no state of a case or a row (no 409).
STATELESS_PATHS = ("/auth/token/", "/public/query/")

ERROR = {
    "type": "object",
    "description": "A refusal: the reason, in the user's language.",
    "properties": {
        "detail": {"type": "string"},
        "code": {
            "type": "string",
            "description": "Where a client must act on it: login_locked, password_expired, "
            "password_change_required, otp_verification_required, otp_enrolment_required.",
        },
    },
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Bad input: `{field: [messages]}` (nested like the input for nested fields; "
        "`non_field_errors` for the input as a whole), or `{detail: message}` when the body "
        "or the URL cannot be read."
    ),
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": True,
}

# status: (description, body component); which operations answer which: statuses_for().
RESPONSES = {
    "400": ("Bad input (a field, a filter, the body or a NUL byte in the URL).", "ValidationError"),
    "401": ("No valid credentials (header `Authorization: Token <token>`).", "Error"),
    "403": ("Not allowed: the caller's role or unit may not do this.", "Error"),
    "404": ("No such object in the caller's scope, or no such page of the list.", "Error"),
    "409": ("Conflict: the object's state does not allow this step now.", "Error"),
    "413": ("The request body is too large.", "Error"),
    "415": ("The body's content type is not accepted.", "Error"),
    "429": ("Too many requests: try again after the time in `Retry-After`.", "Error"),
}


def statuses_for(path: str, method: str, operation: dict) -> list[str]:
    """The error statuses `operation` can answer: every operation 400 (a NUL byte in the query
    string, bad filters), 401, 403 and 429; 404 with an object in the path or a page number;
    409 on the steps that change state (not the token endpoint, which changes none); 413 and
    415 with a body."""
    codes = ["400", "401", "403", "429"]
    parameters = operation.get("parameters", [])
    if "{" in path or any(p.get("name") == "page" for p in parameters):
        codes.append("404")
    if method in WRITE_METHODS and not path.endswith(STATELESS_PATHS):
        codes.append("409")
    if "requestBody" in operation:
        codes += ["413", "415"]
    return sorted(codes)


# A time of day as DRF reads and writes it ("14:30:00", "14:30"): local, without an offset.
# OpenAPI's `format: time` is RFC 3339's full-time, whose offset no answer of ours carries.
LOCAL_TIME = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
    "example": "14:30:00",
}


def local_times(node) -> None:
    """Replace every `format: time` in `node` (in place) by the local time's pattern."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "string" and item.get("format") == "time":
                del item["format"]
                item.update({key: value for key, value in LOCAL_TIME.items() if key != "type"})
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def declare_local_times(result, generator, request, public):
    """Hook: times of day as the API reads and writes them."""
    local_times(result)
    return result


def add_error_responses(result, generator, request, public):
    """Hook: declare on every operation the errors it can answer, with their body shape. An
    error a view declared itself keeps its description and gets the common body shape."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in sorted({*statuses_for(path, method, operation), *responses}):
                if code not in RESPONSES:
                    continue  # a success, or an error with a shape of its own (422)
                description, component = RESPONSES[code]
                declared = responses.get(code, {})
                responses[code] = {
                    "description": declared.get("description") or description,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{component}"}
                        }
                    },
                }
    return result


class ObjectAnswerSchema(AutoSchema):
    """The schema of a viewset whose `list` answers one object (e.g. `{"month", "results",
    "notices"}`), not an array: drf-spectacular would wrap its response in an array."""

    def _is_list_view(self, serializer=None) -> bool:
        return False
