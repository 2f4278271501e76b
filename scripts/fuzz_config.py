"""Write the Schemathesis configuration of `make fuzz` (scripts/fuzz.sh): the path parameters of
each resource drawn half of the time from the identifiers of the demo data, so that the case
steps, approvals, appointments... reach real objects and their services, not only 404s.

    python scripts/fuzz_config.py <base URL> <API token> <output .toml>

The identifiers are those the token's user sees, read through the API; only the first page
of each list."""

import json
import sys
import urllib.error
import urllib.request

# path regex of the operations -> (path parameter, list URL, key of the identifier)
RESOURCES = [
    (r"^/api/v1/cases/\{number\}/", "number", "/api/v1/cases/", "number"),
    (r"^/api/v1/petitions/\{number\}/", "number", "/api/v1/petitions/", "number"),
    (r"^/api/v1/approvals/\{id\}/", "id", "/api/v1/approvals/", "id"),
    (r"^/api/v1/reception/appointments/\{id\}/", "id", "/api/v1/reception/appointments/", "id"),
    (r"^/api/v1/reception/schedules/\{id\}/", "id", "/api/v1/reception/schedules/", "id"),
    (r"^/api/v1/reception/field-visits/\{id\}/", "id", "/api/v1/reception/field-visits/", "id"),
    (r"^/api/v1/consultations/\{id\}/", "id", "/api/v1/consultations/", "id"),
    (r"^/api/v1/supervisions/\{id\}/", "id", "/api/v1/supervisions/", "id"),
    (r"^/api/v1/supervision-notices/\{id\}/", "id", "/api/v1/supervision-notices/", "id"),
    (r"^/api/v1/notifications/\{id\}/", "id", "/api/v1/notifications/", "id"),
    (r"^/api/v1/org-units/\{code\}/", "code", "/api/v1/org-units/", "code"),
    (r"^/api/v1/categories/\{code\}/", "code", "/api/v1/categories/", "code"),
]
PROBABILITY = 0.5


def get(base: str, token: str, url: str):
    request = urllib.request.Request(base + url, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            data = json.load(answer)
    except urllib.error.HTTPError as error:  # a list the user may not read: nothing from it
        if error.code in (403, 404):
            return []
        raise
    return data["results"] if isinstance(data, dict) and "results" in data else data


def toml_value(value) -> str:
    """A string or a number in TOML (a JSON string is a TOML basic string)."""
    return json.dumps(value, ensure_ascii=False)


def main(base: str, token: str, output: str) -> None:
    lines: list[str] = []
    operations: list[str] = []
    cases = get(base, token, "/api/v1/cases/")
    extra = {
        # Assignments and consultation tasks have no list of their own.
        "assignments": [
            assignment["id"]
            for case in cases[:25]
            for assignment in get(base, token, f"/api/v1/cases/{case['number']}/")["assignments"]
        ],
        "tasks": [
            task["id"]
            for consultation in get(base, token, "/api/v1/consultations/")
            for task in consultation.get("tasks", [])
        ],
    }
    names: dict[str, str] = {}  # list URL -> dictionary name
    for regex, parameter, url, key in RESOURCES:
        rows = cases if url == "/api/v1/cases/" else get(base, token, url)
        values = [row[key] for row in rows if row.get(key) not in (None, "")]
        if values:
            names[url] = name = url.rstrip("/").rsplit("/", 1)[1]
            lines += dictionary(name, values)
            operations.append(binding(regex, {f"path.{parameter}": name}))
    if extra["assignments"]:
        lines += dictionary("assignments", extra["assignments"])
        operations.append(binding(r"^/api/v1/assignments/\{id\}/", {"path.id": "assignments"}))
    if extra["tasks"]:
        # Before the consultation's own entry: the first entry that matches an operation counts.
        lines += dictionary("tasks", extra["tasks"])
        tasks = {"path.id": names["/api/v1/consultations/"], "path.task_id": "tasks"}
        operations.insert(0, binding(r"^/api/v1/consultations/\{id\}/tasks/", tasks))
    with open(output, "w", encoding="utf-8") as out:
        out.write("\n".join(lines + operations) + "\n")


def dictionary(name: str, values: list) -> list[str]:
    return [f"[dictionaries.{name}]", f"values = [{', '.join(toml_value(v) for v in values)}]"]


def binding(regex: str, parameters: dict[str, str]) -> str:
    bound = ", ".join(
        f"{toml_value(key)} = {{ dictionary = {toml_value(name)}, probability = {PROBABILITY} }}"
        for key, name in parameters.items()
    )
    return f"[[operations]]\ninclude-path-regex = {toml_value(regex)}\nparameters = {{ {bound} }}"


if __name__ == "__main__":
    main(*sys.argv[1:4])
