# SPDX-License-Identifier: Apache-2.0
"""What the attack suite (test_attack.py) needs besides auth_helpers and conftest.Server: a digest
of every stored row (to prove refused requests changed nothing), JWT forgeries, and requests
generated from the server's own OpenAPI document. Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import subprocess
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterator, Optional

import auth_helpers as ah

# Bookkeeping that refused requests are *meant* to change: failed logins (rate limits), the audit
# log, and a device key's last-used time (written when the key authenticates, before the route's
# access check refuses it). Everything else must stay byte-for-byte equal.
DIGEST_IGNORED_TABLES = {"auth_login_failures", "auth_audit"}
DIGEST_IGNORED_COLUMNS = {("auth_device_keys", "last_used_at")}

# Small limits so oversized bodies are cheap to send.
MAX_BODY_BYTES = 1 << 20


# What the attack server runs with besides conftest.Server's defaults.
SERVER_ENV = {
    "ENERGY_JOBS": "off",  # a scheduled job would change rows between two digests
    "ENERGY_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
    "ENERGY_LOGIN_MAX_FAILURES": "1000",  # the suite fails logins on purpose
    "ENERGY_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
}


# --- the store digest ------------------------------------------------------------------------

def digest(db_uri: str) -> dict[str, str]:
    """SHA-256 of every table's rows (sorted), per table, except the bookkeeping above."""
    if db_uri.startswith("postgres"):
        return _postgres_digest(db_uri)
    return _sqlite_digest(db_uri)


def _sqlite_digest(db_uri: str) -> dict[str, str]:
    import sqlite3
    path = db_uri[len("sqlite:"):] if db_uri.startswith("sqlite:") else db_uri
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        out = {}
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for t in tables:
            if t in DIGEST_IGNORED_TABLES:
                continue
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')
                    if (t, r[1]) not in DIGEST_IGNORED_COLUMNS]
            select = ", ".join(f'"{c}"' for c in cols)
            rows = sorted(repr(r) for r in con.execute(f'SELECT {select} FROM "{t}"'))
            out[t] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return out
    finally:
        con.close()


def _psql_binary() -> str:
    # Debian's /usr/bin/psql is a Perl wrapper that costs a process start per call: prefer the
    # real client when it is there (the suite takes hundreds of digests).
    import glob
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    return found[-1] if found else "psql"


_PSQL_SESSIONS: dict[str, subprocess.Popen] = {}


def _psql(db_uri: str, sql: str) -> str:
    """Runs `sql` in one psql session per database kept open across calls (a process start per
    digest costs more than the digest)."""
    proc = _PSQL_SESSIONS.get(db_uri)
    if proc is None or proc.poll() is not None:
        proc = subprocess.Popen([_psql_binary(), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
                                 db_uri], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True)
        _PSQL_SESSIONS[db_uri] = proc
    marker = "__end_" + uuid.uuid4().hex
    proc.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo " + marker + "\n")
    proc.stdin.flush()
    lines = []
    while True:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError("psql ended: " + "".join(lines))
        if line.strip() == marker:
            return "".join(lines)
        lines.append(line)


def _postgres_digest(db_uri: str) -> dict[str, str]:
    # Every schema: the library's tables live in schema "energy", the server's in "public".
    cols = _psql(db_uri, "SELECT c.table_schema, c.table_name, c.column_name "
                         "FROM information_schema.columns c JOIN information_schema.tables t "
                         "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
                         "WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN "
                         "('pg_catalog', 'information_schema') "
                         "ORDER BY c.table_schema, c.table_name, c.ordinal_position")
    by_table: dict[tuple[str, str], list[str]] = {}
    for line in cols.splitlines():
        if line.count("|") != 2:
            continue
        schema, t, c = line.split("|")
        if t in DIGEST_IGNORED_TABLES or (t, c) in DIGEST_IGNORED_COLUMNS:
            continue
        by_table.setdefault((schema, t), []).append(c)
    parts = []
    for (schema, t), cs in sorted(by_table.items()):
        # ROW(...)::text keeps NULLs and column positions apart ("(a,,b)").
        row = "ROW(" + ", ".join(f'"{c}"' for c in cs) + ")::text"
        parts.append(f"SELECT '{schema}.{t}', coalesce(md5(string_agg({row}, E'\\n' "
                     f'ORDER BY {row})), \'\') FROM "{schema}"."{t}"')
    out = {}
    for line in _psql(db_uri, " UNION ALL ".join(parts)).splitlines():
        if "|" in line:
            t, h = line.split("|", 1)
            out[t] = h
    return out


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))


# --- JWT forgeries ---------------------------------------------------------------------------

def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def sign(header: dict, claims: dict, key: bytes, digestmod=hashlib.sha256) -> str:
    signing_input = b64url_json(header) + "." + b64url_json(claims)
    sig = hmac.new(key, signing_input.encode(), digestmod).digest()
    return signing_input + "." + b64url(sig)


def forged_tokens(valid_token: str) -> dict[str, str]:
    """Tokens that must all be refused (401), each wrong in one way, built from a valid one."""
    claims = claims_of(valid_token)
    key = ah.JWT_SECRET.encode()
    header = {"alg": "HS256", "typ": "JWT", "kid": ah.JWT_KID}
    now = int(time.time())
    head, body, sig = valid_token.split(".")
    tampered_claims = dict(claims, role="admin", sub=str(uuid.uuid4()))
    flipped = sig[:-2] + ("AA" if not sig.endswith("AA") else "BB")
    return {
        "expired": sign(header, dict(claims, iat=now - 90000, nbf=now - 90000,
                                     exp=now - 3600), key),
        "not_yet_valid": sign(header, dict(claims, iat=now + 3600, nbf=now + 3600,
                                           exp=now + 90000), key),
        "tampered_signature": head + "." + body + "." + flipped,
        "tampered_payload": head + "." + b64url_json(tampered_claims) + "." + sig,
        "alg_none": b64url_json({"alg": "none", "typ": "JWT", "kid": ah.JWT_KID}) + "." + body + ".",
        "alg_none_signed": b64url_json({"alg": "none", "typ": "JWT", "kid": ah.JWT_KID}) + "."
        + body + "." + sig,
        "hs512_same_secret": sign(dict(header, alg="HS512"), claims, key, hashlib.sha512),
        "hs384_same_secret": sign(dict(header, alg="HS384"), claims, key, hashlib.sha384),
        "wrong_key": sign(header, claims, b"another-secret-0123456789-abcdefghijklmnop"),
        "unknown_kid": sign(dict(header, kid="nope"), claims, key),
        "wrong_issuer": sign(header, dict(claims, iss="someone-else"), key),
        "wrong_audience": sign(header, dict(claims, aud="other-api"), key),
        "unknown_session": sign(header, dict(claims, sid=str(uuid.uuid4())), key),
        "garbage": "not.a.jwt",
    }


# --- requests from the OpenAPI document ------------------------------------------------------

@dataclass
class Operation:
    method: str
    path: str
    access: str
    op: dict

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    def path_params(self) -> list[str]:
        return re.findall(r"{([^}]+)}", self.path)

    def query_params(self) -> list[dict]:
        return [p for p in self.op.get("parameters", []) if p.get("in") == "query"]

    def body_schema(self, doc: dict) -> Optional[dict]:
        content = self.op.get("requestBody", {}).get("content", {})
        media = content.get("application/json")
        return resolve(doc, media["schema"]) if media and "schema" in media else None

    def documented(self) -> set[int]:
        return {int(k) for k in self.op.get("responses", {}) if k.isdigit()}


def operations(doc: dict) -> Iterator[Operation]:
    for path, item in sorted(doc["paths"].items()):
        for method, op in sorted(item.items()):
            if method in ("get", "post", "put", "patch", "delete"):
                yield Operation(method.upper(), path, op.get("x-energy-access", "public"), op)


def resolve(doc: dict, schema: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


# Which role may call which access level (the server's rule, auth::allows).
ADMITS = {
    "public": {"viewer", "operator", "admin", "device", "server_admin", None},
    "viewer": {"viewer", "operator", "admin"},
    "operator": {"operator", "admin"},
    "admin": {"admin"},
    "device": {"device", "operator", "admin"},
    "server_admin": {"server_admin"},
    "person": {"viewer", "operator", "admin", "server_admin"},
}


def example(doc: dict, schema: dict, ids: dict[str, str], name: str = "") -> Any:
    """A plausible value for `schema`; ids (building_id, sensor_id, ...) come from `ids`."""
    schema = resolve(doc, schema or {})
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    for combo in ("oneOf", "anyOf", "allOf"):
        if combo in schema:
            return example(doc, schema[combo][0], ids, name)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        props = schema.get("properties", {})
        return {p: example(doc, props.get(p, {}), ids, p) for p in schema.get("required", [])}
    if kind == "array":
        return [example(doc, schema.get("items", {}), ids, name)
                for _ in range(max(1, schema.get("minItems", 1)))]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1.0, schema.get("minimum", 1.0))
    if kind == "boolean":
        return True
    fmt = schema.get("format", "")
    if name in ids:
        return ids[name]
    if fmt == "uuid" or name.endswith("_id"):
        return ids.get(name, str(uuid.uuid4()))
    if fmt == "date-time" or name in ("timestamp", "start", "end"):
        return "2026-01-01T00:00:00Z"
    if fmt == "date" or name.endswith("_date"):
        return "2026-01-01"
    if "email" in name:
        return ah.unique_email("attack")
    if name == "time_zone":
        return "America/New_York"
    return "x" * max(1, schema.get("minLength", 1), 12 if "password" in name else 1)


def string_fields(doc: dict, schema: dict, prefix: tuple = ()) -> Iterator[tuple]:
    """Paths (tuples of keys and 0 for list items) of every string property of a body schema."""
    schema = resolve(doc, schema or {})
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        for p, s in schema.get("properties", {}).items():
            yield from string_fields(doc, s, prefix + (p,))
    elif kind == "array":
        yield from string_fields(doc, schema.get("items", {}), prefix + (0,))
    elif kind == "string" and "enum" not in resolve(doc, schema):
        yield prefix


def put_path(body: Any, path: tuple, value: Any) -> Any:
    """A copy of `body` with the value at `path` set (creating objects and one-item lists)."""
    if not path:
        return value
    key = path[0]
    if key == 0:
        items = list(body) if isinstance(body, list) and body else [{}]
        items[0] = put_path(items[0], path[1:], value)
        return items
    out = dict(body) if isinstance(body, dict) else {}
    out[key] = put_path(out.get(key, {} if len(path) > 1 else None), path[1:], value)
    return out


def normalized(body: Any, replace: dict[str, str]) -> Any:
    """A response body without per-request values, with the given ids replaced by placeholders:
    what must be equal between "another tenant's id" and "an id that does not exist"."""
    if isinstance(body, dict):
        return {k: normalized(v, replace) for k, v in body.items()
                if k not in ("request_id", "instance")}
    if isinstance(body, list):
        return [normalized(v, replace) for v in body]
    if isinstance(body, str):
        for old, new in replace.items():
            body = body.replace(old, new)
        return body
    return body


def post_oversized(base: str, method: str, path: str, token: Optional[str],
                   size: int) -> tuple[int, Any]:
    """Sends a JSON body of `size` bytes over a raw socket and returns (status, parsed body).

    The server answers 413 as soon as the declared length exceeds its limit and closes, often
    before the body is sent, so a write error is expected and the answer is read anyway."""
    import socket
    host, port = base.split("://", 1)[1].split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    try:
        head = (f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {size}\r\nConnection: close\r\n")
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        sock.sendall((head + "\r\n").encode())
        chunk = b" " * 65536
        sent = 0
        try:
            while sent < size:
                n = min(len(chunk), size - sent)
                sock.sendall(chunk[:n])
                sent += n
        except OSError:
            pass  # the server stopped reading: its answer is waiting
        data = b""
        try:
            while True:
                part = sock.recv(65536)
                if not part:
                    break
                data += part
        except OSError:
            pass
    finally:
        sock.close()
    head_text, _, payload = data.partition(b"\r\n\r\n")
    status = int(head_text.split(b" ", 2)[1]) if head_text else 0
    try:
        parsed = json.loads(payload) if payload else None
    except ValueError:
        parsed = payload.decode(errors="replace")
    return status, parsed
