-- Lifecycle rules (issue 17, docs/decisions/lifecycle.md): batches of lifecycle jobs queued one at a time, and what each
-- rule did with each instance it decided for: moved it (the rows of its old pixel objects removed, the new one
-- recorded, in one transaction) or left it unchanged (nothing cheaper met the rule's target), with the bytes before and after.

create table lifecycle_batches (
    id          bigserial primary key,
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    queued      integer not null default 0,
    started_by  text not null
);
-- One batch runs at a time.
create unique index lifecycle_batches_open on lifecycle_batches ((true)) where finished_at is null;

create table lifecycle_moves (
    instance_fk         bigint not null references instances (id) on delete cascade,
    rule                text not null,
    batch_fk            bigint references lifecycle_batches (id),
    outcome             text not null check (outcome in ('moved', 'unchanged')),
    reason              text,
    from_representation text not null,
    to_representation   text not null,
    bytes_before        bigint not null,
    bytes_after         bigint not null,
    moved_at            timestamptz not null default now(),
    primary key (instance_fk, rule)
);
create index lifecycle_moves_rule on lifecycle_moves (rule);
create index lifecycle_moves_batch on lifecycle_moves (batch_fk) where batch_fk is not null;
