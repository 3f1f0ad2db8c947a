-- Latent storage (issue 6): the models latents are made with, the outcome and quality of each compressed
-- instance, and the compress and retire-original jobs (kinds of the existing jobs table).

-- Filled at start-up from the models the latent engine loaded (checked by sha256).
create table models (
    id         text primary key,
    sha256     text not null,
    factor     integer not null,
    channels   integer not null,
    card_psnr  double precision,
    first_seen timestamptz not null default now(),
    last_seen  timestamptz not null default now()
);

-- A latent names the model that decodes it: that model's row cannot be deleted while a latent references it.
alter table objects add constraint objects_model_fk foreign key (model_id) references models (id) on delete restrict;
create index objects_model on objects (model_id) where model_id is not null;
-- At most one object of each kind per instance: a compress job that runs twice cannot record two replacements.
create unique index objects_instance_kind on objects (instance_fk, kind);

-- What the compress job did (latent, lossless, kept) and, for latents, the quality of the reconstruction it
-- verified (PSNR in dB and SSIM of the worst frame, against the original's stored values).
alter table instances
    add column compression    text check (compression in ('latent', 'lossless', 'kept')),
    add column psnr           double precision,
    add column ssim           double precision,
    add column compressed_at  timestamptz;
create index instances_compression on instances (compression) where compression is not null;
