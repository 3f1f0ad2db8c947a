-- The audit trail (issue 16): one row per action (store, query, retrieve, latent export, delete, API key change,
-- failed authentication), append-only. Who: actor_kind (user | api-key | ae | anonymous) and actor_id (the token's
-- subject, the API key's id, the calling AE title), the OAuth client or key name, the peer's address. What: the
-- action and its outcome (the DICOM EventOutcomeIndicator: 0 success, 4 minor, 8 serious, 12 major failure). On
-- which object: UIDs only; never patient names or IDs. detail is a short machine-made text (query level and key
-- names, instance counts, a refusal's reason), never a query's values.
create table audit_events (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    action text not null,
    outcome smallint not null check (outcome in (0, 4, 8, 12)),
    actor_kind text not null check (actor_kind in ('user', 'api-key', 'ae', 'anonymous')),
    actor_id text,
    actor_name text,
    client_address text,
    study_instance_uid text,
    series_instance_uid text,
    sop_instance_uid text,
    detail text check (length(detail) <= 500)
);

create index audit_events_at on audit_events (at);
create index audit_events_study on audit_events (study_instance_uid) where study_instance_uid is not null;
create index audit_events_actor on audit_events (actor_id) where actor_id is not null;

-- Append-only: rows are never changed or removed, whoever asks (the gateway's own role included).
create function audit_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_events is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_events_no_update_or_delete before update or delete on audit_events
    for each row execute function audit_events_append_only();

create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only();
