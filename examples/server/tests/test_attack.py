# SPDX-License-Identifier: Apache-2.0
"""The attack suite (issue #14): for every route of the server's OpenAPI document, the attacks
below, each checked for the documented status AND for an unchanged store after refused ones
(a digest of every table's rows, attack_support.digest).

Runs against energy-server started by conftest.Server on SQLite and on PostgreSQL (the `backend`
fixture). The attempt counts per class are printed and, with ENERGY_ATTACK_REPORT, written there
as JSON (docs/security.md quotes them).
"""

from __future__ import annotations

import collections
import json
import os
import urllib.parse
import uuid

import pytest

import attack_support as at
import auth_helpers as ah
from conftest import Server

ID_KINDS = ("tenant_id", "building_id", "sensor_id", "user_id", "key_id")

INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE auth_users; --",
    "\" OR \"\"=\"",
    "x' UNION SELECT email, password_hash FROM auth_users --",
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "..\\..\\windows\\win.ini",
    "/etc/passwd\u0000.json",
    "${jndi:ldap://127.0.0.1/x}",
    "<script>alert(1)</script>",
]


class World:
    """Two tenants with every kind of principal and one building and sensor each."""

    def __init__(self, server: Server):
        self.server = server
        self.counts: collections.Counter = collections.Counter()
        self.base = server.base
        status, _, doc = ah.call(self.base, "GET", "/api/v1/openapi.json")
        assert status == 200, doc
        self.doc = doc
        self.ops = list(at.operations(doc))
        self.root = ah.admin_token(self.base)
        self.tenants = [self._tenant("A"), self._tenant("B")]
        self._open_alerts()

    def _op(self, method: str, path: str) -> at.Operation:
        return next(o for o in self.ops if o.method == method and o.path == path)

    def _tenant(self, label: str) -> dict:
        admin = ah.create_tenant(self.base, self.root, "Attack " + label)
        ids = {"tenant_id": admin.tenant_id}
        create_building = self._op("POST", "/api/v1/buildings")
        body = at.example(self.doc, create_building.body_schema(self.doc), ids)
        status, _, b = ah.call(self.base, "POST", "/api/v1/buildings", admin.token, body)
        assert status == 201, b
        ids["building_id"] = b["id"]
        create_sensor = self._op("POST", "/api/v1/buildings/{building_id}/sensors")
        body = at.example(self.doc, create_sensor.body_schema(self.doc), ids)
        body["created_at"] = "2026-01-01T00:00:00Z"  # silent since: its data-gap alert opens
        status, _, s = ah.call(self.base, "POST", f"/api/v1/buildings/{b['id']}/sensors",
                               admin.token, body)
        assert status == 201, s
        ids["sensor_id"] = s["id"]
        # An alert configuration too, so its id is real: routes under /alert-configs/{config_id}
        # are then attacked past their existence check and in the cross-tenant id swaps.
        create_config = self._op("POST", "/api/v1/buildings/{building_id}/alert-configs")
        body = at.example(self.doc, create_config.body_schema(self.doc), ids)
        body["data_gap_minutes"] = 60  # a config needs at least one condition
        status, _, c = ah.call(self.base, "POST", f"/api/v1/buildings/{b['id']}/alert-configs",
                               admin.token, body)
        assert status == 201, c
        ids["config_id"] = c["id"]
        viewer = ah.create_user(self.base, admin.token, "viewer")
        operator = ah.create_user(self.base, admin.token, "operator")
        device = ah.create_device_key(self.base, admin.token, "meter " + label)
        ids["user_id"] = viewer.user_id
        ids["key_id"] = device.user_id
        return {"ids": ids, "tokens": {"admin": admin.token, "operator": operator.token,
                                       "viewer": viewer.token, "device": device.token,
                                       "server_admin": self.root},
                "admin": admin}

    def _open_alerts(self) -> None:
        """One evaluation opens each tenant's data-gap alert (its sensor never reported), so
        routes under /alerts/{alert_id} are attacked with real ids too."""
        status, _, run = ah.call(self.base, "POST", "/api/v1/jobs/alerts/run", self.root)
        assert status == 200 and run["state"] == "succeeded", run
        for t in self.tenants:
            status, _, page = ah.call(self.base, "GET", "/api/v1/alerts?state=open",
                                      t["tokens"]["admin"])
            assert status == 200 and len(page["alerts"]) == 1, (page, run)
            t["ids"]["alert_id"] = page["alerts"][0]["id"]

    def digest(self) -> dict:
        return at.digest(self.server.db_uri)

    def call(self, op: at.Operation, token, ids: dict, body=None, raw=None, query=None):
        path = op.path
        for name in op.path_params():
            path = path.replace("{" + name + "}",
                                urllib.parse.quote(ids.get(name, str(uuid.uuid4())), safe=""))
        if query:
            path += "?" + urllib.parse.urlencode(query)
        if body is None and raw is None and op.body_schema(self.doc) is not None:
            body = at.example(self.doc, op.body_schema(self.doc), ids)
        return ah.call(self.base, op.method, path, token, body=body, raw=raw)

    def admitted_token(self, op: at.Operation, tenant: int) -> str | None:
        """A token of `tenant` admitted by the route (the strongest tenant role), or None."""
        for role in ("admin", "operator", "viewer", "device"):
            if role in at.ADMITS[op.access]:
                return self.tenants[tenant]["tokens"][role]
        return None


@pytest.fixture(scope="module")
def world(backend):
    server = Server(backend, env=at.SERVER_ENV).start()
    try:
        yield World(server)
    finally:
        server.stop()


def protected(world: World):
    return [o for o in world.ops if o.access != "public"]


def assert_refused_unchanged(world: World, before: dict, what: str) -> None:
    changed = at.changed_tables(before, world.digest())
    assert not changed, f"{what}: refused requests changed tables {changed}"


def test_every_route_of_the_document_is_attacked(world):
    # The suite is generated from the document: it must list the routes of every module.
    paths = {o.path for o in world.ops}
    assert "/api/v1/auth/login" in paths and "/api/v1/sensors/readings/batch" in paths
    assert len(protected(world)) >= 10


def test_no_token(world):
    before = world.digest()
    for op in protected(world):
        status, _, body = world.call(op, None, world.tenants[0]["ids"])
        assert status == 401, (op.name, status, body)
        assert body["type"] == "/problems/unauthorized"
        world.counts["no token"] += 1
    assert_refused_unchanged(world, before, "no token")


def test_forged_tokens(world):
    valid = world.tenants[0]["tokens"]["admin"]
    forged = at.forged_tokens(valid)
    before = world.digest()
    for op in protected(world):
        for kind, token in forged.items():
            status, _, body = world.call(op, token, world.tenants[0]["ids"])
            assert status == 401, (op.name, kind, status, body)
            world.counts[f"forged token: {kind.replace('_', ' ')}"] += 1
    assert_refused_unchanged(world, before, "forged tokens")


def test_roles_are_refused_where_not_admitted(world):
    before = world.digest()
    tenant = world.tenants[0]
    for op in protected(world):
        for role, token in tenant["tokens"].items():
            if role in at.ADMITS[op.access]:
                continue
            status, _, body = world.call(op, token, tenant["ids"])
            assert status == 403, (op.name, role, status, body)
            if role == "viewer" and op.writes:
                world.counts["viewer on a write"] += 1
            elif role == "device" and not op.writes:
                world.counts["device key on a read"] += 1
            else:
                world.counts["other role not admitted"] += 1
    assert_refused_unchanged(world, before, "roles")


def _swap_attempts(world: World):
    """(op, token, ids with the other tenant's, ids with fresh ones, the swapped ids) for every
    route with an id in its path, both directions."""
    for op in protected(world):
        names = [n for n in op.path_params() if n in ID_KINDS]
        if not names:
            continue
        for me, other in ((0, 1), (1, 0)):
            token = world.admitted_token(op, me)
            if token is None:
                continue
            mine = dict(world.tenants[me]["ids"])
            theirs = dict(mine)
            fresh = dict(mine)
            for n in names:
                theirs[n] = world.tenants[other]["ids"][n]
                fresh[n] = str(uuid.uuid4())
            yield op, token, theirs, fresh, names


def test_another_tenants_ids_in_the_path_answer_like_missing_ones(world):
    for op, token, theirs, fresh, names in _swap_attempts(world):
        before = world.digest()
        s1, _, b1 = world.call(op, token, theirs)
        s2, _, b2 = world.call(op, token, fresh)
        assert s1 == s2 and s1 in (404, 400, 422), (op.name, s1, b1, s2, b2)
        swapped = {theirs[n]: "<id>" for n in names} | {fresh[n]: "<id>" for n in names}
        assert at.normalized(b1, swapped) == at.normalized(b2, swapped), (op.name, b1, b2)
        assert_refused_unchanged(world, before, op.name)
        world.counts["other tenant's id in the path"] += 1


def test_another_tenants_ids_in_query_and_body_change_nothing_of_theirs(world):
    for op in protected(world):
        query_ids = [p["name"] for p in op.query_params() if p["name"] in ID_KINDS]
        schema = op.body_schema(world.doc)
        body_ids = [f for f in (at.string_fields(world.doc, schema) if schema else [])
                    if isinstance(f[-1], str) and f[-1] in ID_KINDS]
        for me, other in ((0, 1), (1, 0)):
            token = world.admitted_token(op, me)
            if token is None:
                continue
            mine = world.tenants[me]["ids"]
            theirs = world.tenants[other]["ids"]
            for name in query_ids:
                fresh = str(uuid.uuid4())
                before = world.digest()
                s1, _, b1 = world.call(op, token, mine, query={name: theirs[name]})
                s2, _, b2 = world.call(op, token, mine, query={name: fresh})
                swap = {theirs[name]: "<id>", fresh: "<id>"}
                assert s1 == s2 and at.normalized(b1, swap) == at.normalized(b2, swap), (
                    op.name, name, s1, b1, s2, b2)
                if s1 >= 400:
                    assert_refused_unchanged(world, before, op.name)
                world.counts["other tenant's id in the query"] += 1
            for field in body_ids:
                name = field[-1]
                fresh = str(uuid.uuid4())
                body = at.example(world.doc, schema, mine)
                before = world.digest()
                s1, _, b1 = world.call(op, token, mine, body=at.put_path(body, field, theirs[name]))
                after_theirs = world.digest()
                s2, _, b2 = world.call(op, token, mine, body=at.put_path(body, field, fresh))
                swap = {theirs[name]: "<id>", fresh: "<id>"}
                assert s1 == s2 and at.normalized(b1, swap) == at.normalized(b2, swap), (
                    op.name, field, s1, b1, s2, b2)
                assert not at.changed_tables(before, after_theirs), (op.name, field, b1)
                world.counts["other tenant's id in the body"] += 1


def test_a_refresh_token_replayed_after_rotation_revokes_its_family(world):
    admin = world.tenants[0]["admin"]
    for _ in range(3):
        first = ah.login(world.base, admin.email, admin.password)
        status, _, second = ah.call(world.base, "POST", "/api/v1/auth/refresh",
                                    body={"refresh_token": first["refresh_token"]})
        assert status == 200, second
        status, _, body = ah.call(world.base, "POST", "/api/v1/auth/refresh",
                                  body={"refresh_token": first["refresh_token"]})
        assert status == 401, body
        # The family is dead: the rotated-in refresh token and its access token too.
        status, _, _ = ah.call(world.base, "POST", "/api/v1/auth/refresh",
                               body={"refresh_token": second["refresh_token"]})
        assert status == 401
        status, _, _ = ah.call(world.base, "GET", "/api/v1/users", second["access_token"])
        assert status == 401
        world.counts["refresh token replayed after rotation"] += 1
    status, _, audit = ah.call(world.base, "GET", "/api/v1/audit?limit=500", admin.token)
    assert status == 200
    assert sum(e["event"] == "refresh_reuse" for e in audit["events"]) >= 3


def _admitted_calls(world: World):
    for op in world.ops:
        token = world.admitted_token(op, 0) if op.access != "public" else None
        if op.access == "server_admin":
            token = world.root
        if op.access != "public" and token is None:
            continue
        yield op, token


def _check_injection(world, op, status, body, before, what):
    allowed = op.documented() | {400, 404, 413, 415, 422}
    assert status < 500, (op.name, what, status, body)
    assert status in allowed, (op.name, what, status, body)
    if status >= 400:
        assert_refused_unchanged(world, before, f"{op.name} {what}")


def test_sql_and_path_traversal_strings_in_every_string_field(world):
    ids = world.tenants[0]["ids"]
    for op, token in _admitted_calls(world):
        schema = op.body_schema(world.doc)
        fields = list(at.string_fields(world.doc, schema)) if schema else []
        base_body = at.example(world.doc, schema, ids) if schema else None
        for field in fields:
            for payload in INJECTIONS:
                before = world.digest()
                status, _, body = world.call(op, token, ids,
                                             body=at.put_path(base_body, field, payload))
                _check_injection(world, op, status, body, before, f"body {field}")
                world.counts["injection string in a body field"] += 1
        for name in op.path_params():
            for payload in INJECTIONS:
                before = world.digest()
                status, _, body = world.call(op, token, dict(ids, **{name: payload}))
                _check_injection(world, op, status, body, before, f"path {name}")
                assert status in (400, 404, 405, 422), (op.name, name, status, body)
                world.counts["injection string in a path parameter"] += 1
        for param in op.query_params():
            if param.get("schema", {}).get("type", "string") != "string":
                continue
            for payload in INJECTIONS:
                before = world.digest()
                status, _, body = world.call(op, token, ids, query={param["name"]: payload})
                _check_injection(world, op, status, body, before, f"query {param['name']}")
                world.counts["injection string in a query parameter"] += 1
    # The tables are all still there and the server still answers.
    assert any(t.endswith("auth_users") for t in world.digest())
    assert ah.call(world.base, "GET", "/api/v1/users", world.tenants[0]["tokens"]["admin"])[0] == 200


def test_oversized_bodies_are_refused_with_413(world):
    before = world.digest()
    ids = world.tenants[0]["ids"]
    for op, token in _admitted_calls(world):
        if op.body_schema(world.doc) is None:
            continue
        path = op.path
        for name in op.path_params():
            path = path.replace("{" + name + "}", ids.get(name, str(uuid.uuid4())))
        status, body = at.post_oversized(world.base, op.method, path, token,
                                         at.MAX_BODY_BYTES + 1)
        assert status == 413, (op.name, status, body)
        world.counts["oversized body"] += 1
    assert_refused_unchanged(world, before, "oversized bodies")


def test_deeply_nested_bodies_are_refused(world):
    depth = 100_000
    shapes = {
        "array": b"[" * depth + b"]" * depth,
        "object": b'{"a":' * depth + b"1" + b"}" * depth,
        "member": b'{"readings": ' + b"[" * depth + b"]" * depth + b"}",
    }
    before = world.digest()
    for op, token in _admitted_calls(world):
        if op.body_schema(world.doc) is None:
            continue
        for shape, raw in shapes.items():
            status, _, body = world.call(op, token, world.tenants[0]["ids"], raw=raw)
            # Ingest answers bad readings per item (202, nothing accepted); all else refuses.
            rejected_per_item = status == 202 and isinstance(body, dict) and body.get(
                "accepted") == 0 and body.get("rejected") == body.get("received")
            assert status in (400, 413, 422) or rejected_per_item, (op.name, shape, status, body)
            world.counts["deeply nested body"] += 1
    assert_refused_unchanged(world, before, "nested bodies")
    assert ah.call(world.base, "GET", "/healthz")[0] == 200


def test_zz_report_counts(world):
    assert world.counts, "no attack ran"
    backend = "postgres" if world.server.db_uri.startswith("postgres") else "sqlite"
    report = {"backend": backend,
              "routes": len(world.ops), "counts": dict(sorted(world.counts.items())),
              "total": sum(world.counts.values())}
    print(json.dumps(report, indent=2))
    if os.environ.get("ENERGY_ATTACK_REPORT"):
        with open(os.environ["ENERGY_ATTACK_REPORT"] + "." + backend + ".json", "w") as f:
            json.dump(report, f, indent=2)
