-- Schema version 1: what the wire contract (PROTOCOL.md) needs of every node.
-- Times are Unix milliseconds (UTC).

-- Facts about this database: which store it belongs to, when it was made.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- The transactional outbox. A change of state and the event reporting it are
-- inserted in one transaction. `seq` is the node's `events` stream seq:
-- AUTOINCREMENT never reuses a number, even after old rows are pruned, and a
-- rolled-back insert gives its number back, so the stream has no gaps.
CREATE TABLE outbox (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  id        TEXT    NOT NULL UNIQUE,   -- envelope id (UUID)
  type      TEXT    NOT NULL,          -- e.g. order.accepted
  payload   TEXT    NOT NULL,          -- the envelope's `data` object, JSON
  created   INTEGER NOT NULL,          -- envelope `ts`
  published INTEGER                    -- when the broker acknowledged it; NULL until then
);
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published IS NULL;
CREATE INDEX outbox_published ON outbox (published) WHERE published IS NOT NULL;

-- Inbound messages applied, by envelope id: a second message with the same id
-- is a duplicate and has no effect.
CREATE TABLE inbox (
  id      TEXT    PRIMARY KEY,
  stream  TEXT    NOT NULL,
  seq     INTEGER NOT NULL,
  type    TEXT    NOT NULL,
  applied INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX inbox_stream_seq ON inbox (stream, seq);

-- Per inbound stream: the next seq to apply.
CREATE TABLE stream_state (
  stream   TEXT    PRIMARY KEY,
  next_seq INTEGER NOT NULL CHECK (next_seq >= 1)
) WITHOUT ROWID;

-- Inbound messages that arrived ahead of a gap, kept until the gap fills.
-- They are on disk before the broker is acknowledged, so a crash loses none.
CREATE TABLE held (
  stream   TEXT    NOT NULL,
  seq      INTEGER NOT NULL,
  id       TEXT    NOT NULL,
  payload  BLOB    NOT NULL,
  received INTEGER NOT NULL,
  PRIMARY KEY (stream, seq)
) WITHOUT ROWID;

-- Inbound messages that could not be applied, with the raw payload and why.
CREATE TABLE dead_letters (
  id         INTEGER PRIMARY KEY,
  received   INTEGER NOT NULL,
  topic      TEXT    NOT NULL,
  message_id TEXT,
  stream     TEXT,
  seq        INTEGER,
  reason     TEXT    NOT NULL,
  payload    BLOB    NOT NULL
);
