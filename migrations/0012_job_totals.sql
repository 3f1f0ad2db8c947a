-- A finished job leaves no row (issue 11: the rows of done jobs were ~0.9 KB per instance of the index): completing a
-- job deletes it and counts it here, per kind, for /api/stats. Failed jobs keep their rows and reasons.
create table job_totals (
    kind text primary key,
    done bigint not null default 0
);

insert into job_totals (kind, done)
select kind, count(*) from jobs where state = 'done' group by kind;

delete from jobs where state = 'done';
