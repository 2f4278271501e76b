"""The four notices of an appointment (四书). Placeholder until the notices work lands:
`notice_links(appointment)` lists each notice with its print and .docx links."""


def notice_links(appointment) -> list[dict]:
    return []
