-- Series latents (issue 15, docs/decisions/series-latents.md): one 3D latent object per series volume, and on each
-- member instance the latent and the slice it is. A series latent is immutable; it is shared by its members, so its
-- object is not an objects row (object_key is unique there) but a series_latents row, deleted with its object when
-- its last member is. An instance served from one has compression 'latent3d' and no replacement object row.
create table series_latents (
    id           bigserial primary key,
    series_fk    bigint not null references series (id),
    object_key   text not null unique,
    model_id     text not null references models (id) on delete restrict,
    model_sha256 text not null,
    slices       integer not null check (slices > 0),
    rows         integer not null,
    columns      integer not null,
    size_bytes   bigint not null,
    sha256       text not null,
    -- the SOP Instance UIDs of the slices in order, as made (the container holds their SHA-256): a member deleted
    -- later leaves its UID here, so the others still decode
    slice_uids   text[] not null,
    created_at   timestamptz not null default now()
);
create index series_latents_series on series_latents (series_fk);

alter table instances
    add column series_latent_id bigint references series_latents (id),
    add column slice_index      integer,
    add constraint instances_slice_check check ((series_latent_id is null) = (slice_index is null));
create unique index instances_series_latent_slice on instances (series_latent_id, slice_index) where series_latent_id is not null;

alter table instances drop constraint instances_compression_check;
alter table instances add constraint instances_compression_check
    check (compression in ('latent', 'lossless', 'kept', 'j2k-lossy', 'latent+residual', 'latent3d'));

-- The series job is per series (instance_fk null): a queued one is pushed back by each new instance. Not unique: a
-- running job re-queued after a crash may meet a queued one of its series; one runs at a time (an advisory lock).
alter table jobs add column series_fk bigint references series (id) on delete cascade;
create index jobs_series on jobs (series_fk) where series_fk is not null;
