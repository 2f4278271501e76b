"""Limits every input shares."""

# The longest free text accepted (a petition's content, an opinion, a report): forms, the API
# and the services check against this one number.
LONG_TEXT = 20000
