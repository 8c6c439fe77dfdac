"""A logging filter that masks secrets carried in URLs.

Some providers take tokens as query parameters (COROS), and the OAuth callback carries
the authorization code; access-log lines (`django.server`, gunicorn) would print them.
"""

import logging
import re

SECRET_PARAMS = re.compile(
    r"(?P<name>\b(?:token|access_token|refresh_token|code|client_secret)=)[^&\s\"']+",
    re.IGNORECASE,
)


def redact(text):
    return SECRET_PARAMS.sub(r"\g<name>[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
