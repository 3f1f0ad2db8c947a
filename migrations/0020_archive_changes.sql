-- A change counter for the whole-archive figures (issue 17: console pages under 1 s with 100,000 instances;
-- docs/console.md, "How fresh the figures are"). The console, /api/stats, /api/quality and /metrics compute their
-- figures from every instance and object; each gateway keeps the last result in memory and reuses it while this
-- counter has not moved since it was read before the computation. Every statement that writes a table the figures
-- read advances it once (statement-level triggers: no per-row work, no row or column per instance). A sequence is
-- never rolled back and never waits on other writers, so concurrent ingests on several nodes do not queue on it; a
-- change not yet committed when a computation starts is caught by the reader (PostgresArchiveChanges), not here.
create sequence archive_changes;

create function archive_changed() returns trigger language plpgsql as $$
begin
    perform nextval('archive_changes');
    return null;
end
$$;

create trigger instances_changed after insert or update or delete or truncate on instances
    for each statement execute function archive_changed();
create trigger objects_changed after insert or update or delete or truncate on objects
    for each statement execute function archive_changed();
create trigger series_changed after insert or update or delete or truncate on series
    for each statement execute function archive_changed();
create trigger series_latents_changed after insert or update or delete or truncate on series_latents
    for each statement execute function archive_changed();
