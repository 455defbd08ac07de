# SPDX-License-Identifier: Apache-2.0
"""Helpers for HTTP tests of energy-server that need identities (standard library only).

Start the server with `server_environment()` merged into its environment, so the server
administrator and the JWT key are known to the tests; then, for example:

    root = login(base, ADMIN_EMAIL, ADMIN_PASSWORD)["access_token"]
    acme = create_tenant(base, root, "Acme")            # tenant + its first admin, logged in
    viewer = create_user(base, acme.token, "viewer")    # a user with that role, logged in
    key = create_device_key(base, acme.token, "meter-1")
    status, headers, body = call(base, "GET", "/api/v1/users", token=acme.token)

Every helper raises AssertionError with the server's answer when a step does not succeed.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any, Optional

ADMIN_EMAIL = "root@energy.test"
ADMIN_PASSWORD = "root-password-for-tests"
# kid:secret as ENERGY_JWT_KEYS takes it: tests that forge tokens (attack suite) sign with it.
JWT_KID = "test-1"
JWT_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
JWT_ISSUER = "energy-server"
JWT_AUDIENCE = "energy-api"


def server_environment() -> dict[str, str]:
    """Environment variables that make the identities above valid on a fresh server."""
    return {
        "ENERGY_ADMIN_EMAIL": ADMIN_EMAIL,
        "ENERGY_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "ENERGY_JWT_KEYS": f"{JWT_KID}:{JWT_SECRET}",
    }


def call(base: str, method: str, path: str, token: Optional[str] = None,
         body: Any = None, raw: Optional[bytes] = None,
         headers: Optional[dict[str, str]] = None, timeout: float = 30.0):
    """One request; returns (status, headers as a lower-case dict, parsed JSON body or None).

    `body` is sent as JSON; `raw` as given (for malformed bodies). No exception for 4xx/5xx.
    """
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            status, got, payload = res.status, res.headers, res.read()
    except urllib.error.HTTPError as e:
        status, got, payload = e.code, e.headers, e.read()
    parsed = None
    if payload:
        try:
            parsed = json.loads(payload)
        except ValueError:
            parsed = payload.decode(errors="replace")
    return status, {k.lower(): v for k, v in got.items()}, parsed


def _expect(status: int, wanted: int, what: str, body: Any) -> None:
    assert status == wanted, f"{what}: expected {wanted}, got {status}: {body}"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@energy.test"


def login(base: str, email: str, password: str) -> dict:
    """POST /api/v1/auth/login: access_token, refresh_token, expires_in, user."""
    status, _, body = call(base, "POST", "/api/v1/auth/login",
                           body={"email": email, "password": password})
    _expect(status, 200, f"login {email}", body)
    return body


def admin_token(base: str) -> str:
    """The server administrator's access token (server started with server_environment())."""
    return login(base, ADMIN_EMAIL, ADMIN_PASSWORD)["access_token"]


@dataclass
class Identity:
    """A logged-in user (or a device key: then `token` is the key and `user_id` its id)."""
    email: str
    password: str
    token: str
    refresh_token: str
    user_id: str
    tenant_id: str
    role: str
    extra: dict = field(default_factory=dict)


def create_tenant(base: str, root_token: str, name: Optional[str] = None) -> Identity:
    """POST /api/v1/tenants, then logs its first admin in."""
    email = unique_email("admin")
    password = "pw-" + uuid.uuid4().hex
    status, _, body = call(base, "POST", "/api/v1/tenants", token=root_token,
                           body={"name": name or "Tenant " + uuid.uuid4().hex[:8],
                                 "admin_email": email, "admin_password": password})
    _expect(status, 201, "create tenant", body)
    tokens = login(base, email, password)
    return Identity(email, password, tokens["access_token"], tokens["refresh_token"],
                    body["admin"]["id"], body["tenant"]["id"], "admin")


def create_user(base: str, admin_token_: str, role: str, email: Optional[str] = None) -> Identity:
    """POST /api/v1/users as a tenant admin, then logs the new user in."""
    email = email or unique_email(role)
    password = "pw-" + uuid.uuid4().hex
    status, _, body = call(base, "POST", "/api/v1/users", token=admin_token_,
                           body={"email": email, "role": role, "password": password})
    _expect(status, 201, f"create {role}", body)
    tokens = login(base, email, password)
    user = body["user"]
    return Identity(email, password, tokens["access_token"], tokens["refresh_token"],
                    user["id"], user["tenant_id"], role)


def create_device_key(base: str, admin_token_: str, name: str,
                      buildings: Optional[list[str]] = None) -> Identity:
    """POST /api/v1/device-keys as a tenant admin: the key (shown once) as `token`."""
    body_in: dict[str, Any] = {"name": name}
    if buildings is not None:
        body_in["buildings"] = buildings
    status, _, body = call(base, "POST", "/api/v1/device-keys", token=admin_token_, body=body_in)
    _expect(status, 201, "create device key", body)
    k = body["device_key"]
    return Identity(name, "", body["key"], "", k["id"], k["tenant_id"], "device", extra=k)
