-- A job whose holder vanished (its lease ran out with neither a result nor a reported error: the
-- process died on it, or on a job beside it) is a suspect from then on: it runs alone, so that if
-- it kills its worker again, no other document's attempts are spent with it.
ALTER TABLE jobs ADD COLUMN suspect boolean NOT NULL DEFAULT false;
