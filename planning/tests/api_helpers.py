"""What the workout API tests share: JSON requests and the error shape."""

import json

STRUCTURE = {
    "steps": [
        {"kind": "warmup", "duration_s": 600},
        {
            "kind": "repeat",
            "count": 5,
            "steps": [
                {"kind": "interval", "duration_s": 180},
                {"kind": "recovery", "duration_s": 120},
            ],
        },
        {"kind": "cooldown", "duration_s": 300},
    ]
}


def call(client, method, path, body=None, **extra):
    if body is None:
        return getattr(client, method)(path, **extra)
    data = json.dumps(body)
    return getattr(client, method)(path, data, content_type="application/json", **extra)


def assert_error(response, status, code):
    """The project's one error shape; returns its message."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]["message"]
