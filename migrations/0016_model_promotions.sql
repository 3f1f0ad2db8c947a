-- Model promotions (issue 17, the console's models page): a run-time override of the model one compression rule uses
-- (rule: its position in Gateway:Compression:Rules, from 0). The configuration's rules stay the default; a promotion
-- replaces that rule's Model from the next compress job on. One row per rule (a new promotion replaces the last);
-- every promotion is also an audit row (model-promote).
create table model_promotions (
    rule_index  integer primary key check (rule_index >= 0),
    model_id    text not null references models (id) on delete restrict,
    promoted_by text not null,
    promoted_at timestamptz not null default now()
);
