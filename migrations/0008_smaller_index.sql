-- A smaller archive index (issue 11, "all in"). No planner statistics for columns no query filters or sorts by (issue 11, "all in"): ANALYZE would keep a histogram
-- of up to 100 values of each, about 50 KB for the header deltas alone, in pg_statistic. Lookups by object key use
-- its unique index, which needs none.
alter table instances
    alter column header set statistics 0,
    alter column header_delta set statistics 0,
    alter column compression_candidates set statistics 0,
    alter column content_sha256 set statistics 0;
alter table objects
    alter column sha256 set statistics 0,
    alter column object_key set statistics 0;
alter table series_headers
    alter column content set statistics 0,
    alter column content_sha256 set statistics 0;
-- objects_instance_kind (instance_fk, kind) serves every lookup by instance: the single-column index only cost space.
drop index objects_instance;
