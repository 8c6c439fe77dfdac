import logging

from trainlytics.logging import REDACTED, RedactSecrets, is_secret_key, redact, scrub


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


def test_redact_masks_tokens_in_json_reprs_and_bearer_credentials():
    text = (
        '{"access_token": "a1b2", "token_type": "bearer", "code": "E42"} '
        "Credentials(refresh_token='r2d2') Authorization: Bearer eyJhbGciOi.x-y_z"
    )
    cleaned = redact(text)
    for secret in ("a1b2", "r2d2", "eyJhbGciOi"):
        assert secret not in cleaned
    # An error code in JSON and a status_code=… are not secrets.
    assert '"code": "E42"' in redact('{"code": "E42"}')
    assert redact("status_code=429") == "status_code=429"


def test_scrub_masks_secret_keys_and_secrets_inside_strings_without_changing_input():
    data = {
        "Authorization": "Basic dXNlcjpwYXNz",
        "Cookie": "sessionid=s1",
        "headers": {"X-Csrftoken": "c1", "Accept": "text/html"},
        "code": "oauth-code",
        "query_string": "code=q1&state=s2",
        "args": ["https://x.test/cb?access_token=t1", 42],
    }
    cleaned = scrub(data)
    assert cleaned == {
        "Authorization": REDACTED,
        "Cookie": REDACTED,
        "headers": {"X-Csrftoken": REDACTED, "Accept": "text/html"},
        "code": REDACTED,
        "query_string": f"code={REDACTED}&state=s2",
        "args": [f"https://x.test/cb?access_token={REDACTED}", 42],
    }
    assert data["code"] == "oauth-code"


def test_secret_looking_keys():
    for key in ("refresh_token", "client_secret", "PASSWORD", "set-cookie", "key"):
        assert is_secret_key(key), key
    for key in ("status_code", "provider", "sync_run", "keyboard"):
        assert not is_secret_key(key), key
