-- PostgreSQL bytes per instance (docs/benchmarks.md, "Storage efficiency"): the same rows, fewer index entries and
-- fewer dead row versions.
--
-- An instance row is updated twice after its insert (stored, then compressed). An update can be HOT (no new index
-- entries, the new version on the same page) only when no indexed column changes, index predicates included, and
-- the page has room. So no index of instances names state or compression any more:
-- * instances_series duplicated the leading column of instances_series_number (same predicate); dropped.
-- * instances_compression served no query (every reader of compression scans most rows); dropped.
-- * instances_state served only start-up recovery, which looks for receiving rows: those are the rows with a
--   receiving node (set by the insert, cleared when the row is stored), a partial index of a handful of rows.
-- * instances_study_uid loses its "state <> 'receiving'" predicate (its queries add that condition themselves);
--   instances_series_number keeps rows with a series, which a receiving row has not yet.
drop index instances_series;
drop index instances_compression;
drop index instances_state;
create index instances_receiving on instances (received_at) where receiving_node is not null;

drop index instances_study_uid;
create index instances_study_uid on instances (study_instance_uid);
drop index instances_series_number;
create index instances_series_number on instances (series_fk, instance_number) where series_fk is not null;

-- The audit trail is append-only and written in time order: a block range index serves its time-range queries at
-- a fraction of a B-tree's size.
drop index audit_events_at;
create index audit_events_at on audit_events using brin (at);
