-- Backfills (issue 17, the console's models page): after a model is promoted for a compression rule, an admin may
-- queue a bounded batch of "model-backfill" jobs that store the rule's instances again with it, where their original
-- or lossless copy is retained. One runs at a time; each records per instance whether the new representation replaced
-- the current one (smaller, target met) or the instance stayed unchanged (with the reason), with the bytes before and after.

create table model_backfills (
    id          bigserial primary key,
    rule_index  integer not null check (rule_index >= 0),
    model_id    text not null references models (id) on delete restrict,
    started_by  text not null,
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    queued      integer not null default 0
);
-- One backfill runs at a time.
create unique index model_backfills_open on model_backfills ((true)) where finished_at is null;

create table model_backfill_outcomes (
    backfill_fk         bigint not null references model_backfills (id) on delete cascade,
    instance_fk         bigint not null references instances (id) on delete cascade,
    outcome             text not null check (outcome in ('replaced', 'unchanged')),
    reason              text not null,
    from_representation text,
    to_representation   text,
    bytes_before        bigint not null,
    bytes_after         bigint not null,
    done_at             timestamptz not null default now(),
    primary key (backfill_fk, instance_fk)
);
create index model_backfill_outcomes_instance on model_backfill_outcomes (instance_fk);
