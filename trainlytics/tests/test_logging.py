import logging

from trainlytics.logging import RedactSecrets, redact


def test_redact_masks_tokens_and_codes_in_query_strings():
    line = (
        '"GET /sandbox/coros/v2/coros/sport/list?token=abc123&openId=42 HTTP/1.1" 200'
        " /callback/?code=xyz&state=s1 refresh_token=r1"
    )
    cleaned = redact(line)
    for secret in ("abc123", "xyz", "r1"):
        assert secret not in cleaned
    assert "openId=42" in cleaned and "state=s1" in cleaned


def test_filter_rewrites_the_formatted_message():
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"GET /x?token=%s"', ("t0k",), None
    )
    assert RedactSecrets().filter(record)
    assert record.getMessage() == '"GET /x?token=[redacted]"'
