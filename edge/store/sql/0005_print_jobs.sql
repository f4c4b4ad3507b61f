-- Schema version 5: print jobs (issue 7, printers). One row per document
-- sent, or to be sent, to a station's CUPS queue; see
-- drivers/include/edge/drivers/printing.h for the lifecycle. Times are Unix
-- milliseconds (UTC).
--
-- `attempts` is committed before each submission to CUPS (write-ahead): a
-- queued job with attempts > 0 may exist in CUPS under the name
-- "storeedge-<id>", and is looked up there before it is submitted again, so
-- that a crash between CUPS accepting a job and this row learning its CUPS id
-- never prints it twice.
CREATE TABLE print_jobs (
  id          TEXT    NOT NULL PRIMARY KEY,           -- UUID
  station     TEXT    NOT NULL,
  queue       TEXT    NOT NULL DEFAULT '',            -- CUPS queue of the last submission
  format      TEXT    NOT NULL CHECK (format IN ('zpl', 'pdf')),
  kind        TEXT    NOT NULL,                       -- package_label, bag_label, packing_slip, carrier_label, ...
  ref         TEXT    NOT NULL DEFAULT '',            -- order or package it is for
  data        BLOB    NOT NULL,                       -- the document
  state       TEXT    NOT NULL CHECK (state IN ('queued', 'submitted', 'completed', 'failed', 'cancelled')),
  cups_job_id INTEGER NOT NULL DEFAULT 0,
  attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  reason      TEXT    NOT NULL DEFAULT '',
  reprint_of  TEXT    NOT NULL DEFAULT '',
  created     INTEGER NOT NULL,
  updated     INTEGER NOT NULL,
  CHECK ((state = 'submitted') <= (cups_job_id > 0))
);
-- Unfinished jobs, oldest first, at start.
CREATE INDEX print_jobs_unfinished ON print_jobs (created) WHERE state IN ('queued', 'submitted');
-- Pruning finished jobs; a station's recent jobs (reprint).
CREATE INDEX print_jobs_finished ON print_jobs (updated) WHERE state NOT IN ('queued', 'submitted');
CREATE INDEX print_jobs_station ON print_jobs (station, created);
