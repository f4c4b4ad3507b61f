-- Schema version 3: associates, their sessions, kiosk devices and the audit
-- trail of who changed what. Times are Unix milliseconds (UTC).

-- Associates and supervisors. The PIN is kept only as a salted PBKDF2 hash.
CREATE TABLE users (
  id               TEXT    NOT NULL PRIMARY KEY,
  name             TEXT    NOT NULL,
  role             TEXT    NOT NULL CHECK (role IN ('associate', 'supervisor')),
  pin_hash         BLOB    NOT NULL,
  pin_salt         BLOB    NOT NULL,
  pin_iterations   INTEGER NOT NULL,
  disabled         INTEGER NOT NULL DEFAULT 0,
  failures         INTEGER NOT NULL DEFAULT 0,
  first_failure    INTEGER NOT NULL DEFAULT 0,
  locked_until     INTEGER NOT NULL DEFAULT 0,
  created          INTEGER NOT NULL,
  updated          INTEGER NOT NULL
) WITHOUT ROWID;

-- Sign-in sessions of associates and kiosk devices, by the SHA-256 of the
-- bearer token (the token itself is never stored).
CREATE TABLE sessions (
  token_hash BLOB    NOT NULL PRIMARY KEY,
  subject    TEXT    NOT NULL,           -- user id or kiosk name
  role       TEXT    NOT NULL,           -- associate, supervisor or kiosk
  created    INTEGER NOT NULL,
  expires    INTEGER NOT NULL            -- 0: never (kiosk device tokens)
) WITHOUT ROWID;
CREATE INDEX sessions_subject ON sessions (subject);

-- Kiosk devices: each has a long-lived device token (a session with role kiosk).
CREATE TABLE kiosks (
  name     TEXT    NOT NULL PRIMARY KEY,
  created  INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Who changed what: one row per state-changing call.
CREATE TABLE audit_log (
  id     INTEGER PRIMARY KEY,
  at     INTEGER NOT NULL,
  actor  TEXT    NOT NULL,
  role   TEXT    NOT NULL,
  action TEXT    NOT NULL,
  target TEXT    NOT NULL DEFAULT '',
  detail TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
