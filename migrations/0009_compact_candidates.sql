-- A smaller instance row (issue 11, "all in"): the compress job's record of the candidates it tried becomes positional
-- json (Gateway.Infrastructure/Postgres/Compression/CandidatesJson.cs has the layout) instead of jsonb objects whose
-- member names repeat per candidate: 676 bytes per MPRAGE instance became 276 (default policy, four candidates).
-- Existing rows keep their value (the object form) as json.
alter table instances alter column compression_candidates type json using compression_candidates::json;
alter table instances alter column compression_candidates set statistics 0;
