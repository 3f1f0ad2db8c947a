-- The full header of each instance as json (its text, validated) instead of jsonb: every reader asks for the text
-- (WADO-RS metadata, QIDO-RS), so jsonb's decomposition on each insert and re-serialisation on each read was
-- spent for nothing (a third of PostgreSQL's CPU per ingested instance).
alter table instances alter column header type json using header::json;
