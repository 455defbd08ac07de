// SPDX-License-Identifier: Apache-2.0
#include "auth/schema.hpp"

namespace energy::server::auth {

namespace {

// Times are epoch seconds (UTC); ids are canonical UUID text; secrets are stored as SHA-256 hex
// (refresh tokens, device keys) or Argon2id PHC strings (passwords). One user belongs to one
// tenant (the server administrator to none), so an e-mail address names one account.
const db::migration steps[] = {
    {1,
     "CREATE TABLE auth_users (\n"
     "  id TEXT PRIMARY KEY,\n"
     "  email TEXT NOT NULL UNIQUE,\n"
     "  password_hash TEXT NOT NULL,\n"
     "  tenant_id TEXT,\n"
     "  role TEXT NOT NULL,\n"
     "  active INTEGER NOT NULL DEFAULT 1,\n"
     "  created_at BIGINT NOT NULL,\n"
     "  updated_at BIGINT NOT NULL);\n"
     "CREATE INDEX auth_users_tenant ON auth_users (tenant_id, id);\n"
     "CREATE TABLE auth_sessions (\n"
     "  id TEXT PRIMARY KEY,\n"
     "  user_id TEXT NOT NULL REFERENCES auth_users (id),\n"
     "  created_at BIGINT NOT NULL,\n"
     "  expires_at BIGINT NOT NULL,\n"
     "  revoked_at BIGINT,\n"
     "  revoked_reason TEXT);\n"
     "CREATE INDEX auth_sessions_user ON auth_sessions (user_id);\n"
     "CREATE TABLE auth_refresh_tokens (\n"
     "  token_hash TEXT PRIMARY KEY,\n"
     "  session_id TEXT NOT NULL REFERENCES auth_sessions (id),\n"
     "  issued_at BIGINT NOT NULL,\n"
     "  expires_at BIGINT NOT NULL,\n"
     "  used_at BIGINT);\n"
     "CREATE INDEX auth_refresh_tokens_session ON auth_refresh_tokens (session_id);\n"
     "CREATE TABLE auth_device_keys (\n"
     "  id TEXT PRIMARY KEY,\n"
     "  tenant_id TEXT NOT NULL,\n"
     "  name TEXT NOT NULL,\n"
     "  key_hash TEXT NOT NULL UNIQUE,\n"
     "  key_prefix TEXT NOT NULL,\n"
     "  buildings TEXT NOT NULL,\n"
     "  created_at BIGINT NOT NULL,\n"
     "  created_by TEXT NOT NULL,\n"
     "  revoked_at BIGINT,\n"
     "  last_used_at BIGINT);\n"
     "CREATE INDEX auth_device_keys_tenant ON auth_device_keys (tenant_id, id);\n"
     "CREATE TABLE auth_signing_keys (\n"
     "  kid TEXT PRIMARY KEY,\n"
     "  secret TEXT NOT NULL,\n"
     "  created_at BIGINT NOT NULL);\n"
     "CREATE TABLE auth_login_failures (\n"
     "  scope TEXT NOT NULL,\n"
     "  at BIGINT NOT NULL);\n"
     "CREATE INDEX auth_login_failures_scope ON auth_login_failures (scope, at);\n"
     "CREATE TABLE auth_audit (\n"
     "  id TEXT PRIMARY KEY,\n"
     "  at BIGINT NOT NULL,\n"
     "  tenant_id TEXT,\n"
     "  actor TEXT,\n"
     "  event TEXT NOT NULL,\n"
     "  address TEXT,\n"
     "  detail TEXT NOT NULL);\n"
     "CREATE INDEX auth_audit_tenant ON auth_audit (tenant_id, id);\n",
     ""},
};

}  // namespace

void migrate_schema(db::connection& c) {
  db::migrate(c, "auth", steps);
}

}  // namespace energy::server::auth
