-- MedVAE Gateway: the archive index. Forward-only; applied in file-name order under an advisory lock.

create table patients (
    id              bigserial primary key,
    patient_id      text not null,
    issuer          text not null default '',
    patient_name    text,
    -- upper-cased copy for case-insensitive PN matching (PS3.4 C.2.2.2.1 allows it; QIDO clients expect it)
    patient_name_ci text generated always as (upper(patient_name)) stored,
    birth_date      text,
    sex             text,
    unique (patient_id, issuer)
);
create index patients_name_ci on patients (patient_name_ci text_pattern_ops);

create table studies (
    id                       bigserial primary key,
    patient_fk               bigint not null references patients (id),
    study_instance_uid       text not null unique,
    study_date               text,
    study_time               text,
    accession_number         text,
    study_id                 text,
    study_description        text,
    referring_physician_name text,
    created_at               timestamptz not null default now(),
    updated_at               timestamptz not null default now()
);
create index studies_patient on studies (patient_fk);
create index studies_date on studies (study_date);
create index studies_accession on studies (accession_number);

create table series (
    id                  bigserial primary key,
    study_fk            bigint not null references studies (id),
    series_instance_uid text not null unique,
    modality            text,
    series_number       integer,
    series_description  text,
    body_part_examined  text,
    series_date         text,
    series_time         text,
    created_at          timestamptz not null default now()
);
create index series_study on series (study_fk);
create index series_modality on series (modality);

-- receiving: row written, object not yet durable (invisible to queries; removed by start-up recovery)
-- stored: original object durable and indexed
create table instances (
    id                  bigserial primary key,
    series_fk           bigint references series (id),
    sop_instance_uid    text not null unique,
    sop_class_uid       text not null,
    study_instance_uid  text not null,
    series_instance_uid text not null,
    instance_number     integer,
    state               text not null check (state in ('receiving', 'stored', 'compressed')),
    transfer_syntax_uid text not null,
    rows                integer,
    columns             integer,
    number_of_frames    integer,
    -- the whole header as DICOM JSON (PS3.18 F.2), bulk data replaced by references; metadata never reads objects
    header              jsonb not null,
    content_sha256      text not null,
    original_bytes      bigint not null default 0,
    calling_ae          text,
    -- the object a receiving row is writing and the node writing it (so that node's recovery can remove both)
    pending_object_key  text,
    receiving_node      text,
    received_at         timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
create index instances_series on instances (series_fk) where state <> 'receiving';
create index instances_state on instances (state);
create index instances_sop_class on instances (sop_class_uid);

create table objects (
    id           bigserial primary key,
    instance_fk  bigint not null references instances (id) on delete cascade,
    kind         text not null check (kind in ('original', 'lossless', 'latent')),
    object_key   text not null unique,
    codec        text not null,
    size_bytes   bigint not null,
    sha256       text not null,
    model_id     text,
    created_at   timestamptz not null default now()
);
create index objects_instance on objects (instance_fk);

-- the work queue: claimed with FOR UPDATE SKIP LOCKED, woken by NOTIFY gateway_jobs
create table jobs (
    id          bigserial primary key,
    kind        text not null,
    instance_fk bigint references instances (id) on delete cascade,
    state       text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
    attempts    integer not null default 0,
    run_after   timestamptz not null default now(),
    locked_by   text,
    locked_at   timestamptz,
    last_error  text,
    created_at  timestamptz not null default now(),
    finished_at timestamptz
);
create index jobs_ready on jobs (run_after) where state = 'queued';
create index jobs_instance on jobs (instance_fk);
