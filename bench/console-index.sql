-- An archive index of :instances instances for bench/run-console-benchmark.sh, by generate_series into the gateway's
-- own schema (migrations applied by the gateway first). 25 instances per series, 2 series per study, 2 studies per
-- patient; modalities CT 40 %, MR 30 %, CR 10 %, DX 10 %, MG 5 %, US 5 %; received over the last 60 days.
-- Representations: 10 % not compressed yet, 5 % kept, the rest latent 40 %, lossless 25 %, latent+residual 10 %,
-- j2k-lossy 10 % (of all); originals kept beside 10 % of the compressed (retention), a header object beside every
-- latent, an AI latent beside 5 % of the lossless; measured PSNR/SSIM/error on the compressed, candidates JSON as the
-- compress job writes it. Jobs: 2 % queued, 10 running, 0.1 % failed; done totals in job_totals.
\set ON_ERROR_STOP on
begin;
insert into models (id, sha256, factor, channels, card_psnr) values ('compact-f16-c2', repeat('a', 64), 16, 2, 38.5)
on conflict (id) do nothing;

insert into patients (patient_id, patient_name, birth_date, sex)
select 'P' || p, 'BENCH^PATIENT' || p, '19700101', case when p % 2 = 0 then 'F' else 'M' end
from generate_series(1, ceil(:instances / 100.0)::int) p;

insert into studies (patient_fk, study_instance_uid, study_date, accession_number, study_description)
select (s - 1) / 2 + 1, '1.2.826.0.1.3680043.10.1.' || s, to_char(now() - (s % 60) * interval '1 day', 'YYYYMMDD'), 'A' || s, 'Bench study'
from generate_series(1, ceil(:instances / 50.0)::int) s;

insert into series (study_fk, series_instance_uid, modality, series_number, series_description)
select (r - 1) / 2 + 1, '1.2.826.0.1.3680043.10.2.' || r,
       case when r % 20 < 8 then 'CT' when r % 20 < 14 then 'MR' when r % 20 < 16 then 'CR' when r % 20 < 18 then 'DX' when r % 20 < 19 then 'MG' else 'US' end,
       r % 2 + 1, 'Bench series'
from generate_series(1, ceil(:instances / 25.0)::int) r;

-- k: the instance's place in 0..99, which picks its representation
create temporary table bench_instances as
select n, (n - 1) / 25 + 1 as series_id, (n * 37) % 100 as k, now() - ((n % 60) * interval '1 day') - (n % 86400) * interval '1 second' as received
from generate_series(1, :instances) n;

insert into instances (id, series_fk, sop_instance_uid, sop_class_uid, study_instance_uid, series_instance_uid, instance_number, state,
                       transfer_syntax_uid, rows, columns, number_of_frames, header, content_sha256, original_bytes, received_at, updated_at,
                       compression, psnr, ssim, max_abs_error, compressed_at, compression_candidates)
select b.n, b.series_id, '1.2.826.0.1.3680043.10.3.' || b.n, '1.2.840.10008.5.1.4.1.1.2', st.study_instance_uid, se.series_instance_uid, b.n % 25 + 1,
       case when b.k < 15 then 'stored' else 'compressed' end,
       '1.2.840.10008.1.2.1', 512, 512, 1, '{}'::json, md5(b.n::text) || md5(b.n::text), 524288, b.received, b.received,
       c.compression,
       case when c.lossy then 34 + (b.n % 130) / 10.0 end,
       case when c.lossy then 0.95 + (b.n % 49) / 1000.0 end,
       case when c.compression is not null and c.compression <> 'kept' then case when c.lossy then 5 + b.n % 60 else 0 end end,
       case when c.compression is not null then b.received + interval '5 minutes' end,
       case when c.compression is null or c.compression = 'kept' then null
            when se.modality in ('CT', 'MR') then '{"candidates":[["latent",' || c.lossy::text || ',38.1],["lossless",true]]}'
            else '{"candidates":[["lossless",true]]}' end::json
from bench_instances b
join series se on se.id = b.series_id
join studies st on st.id = se.study_fk
cross join lateral (select case when b.k < 10 then null when b.k < 15 then 'kept'
                                 when se.modality not in ('CT', 'MR') then 'lossless'
                                 when b.k < 55 then 'latent' when b.k < 65 then 'latent+residual' when b.k < 75 then 'j2k-lossy' else 'lossless' end as compression) c0
cross join lateral (select c0.compression, c0.compression in ('latent', 'latent+residual', 'j2k-lossy') as lossy) c;
\o /dev/null
select setval('instances_id_seq', (select max(id) from instances));
\o

-- the original while it serves or is kept (kept beside 10 % of the compressed)
insert into objects (instance_fk, kind, object_key, codec, size_bytes, sha256, created_at)
select i.id, 'original', 'bench-o-' || i.id, '1.2.840.10008.1.2.1', 524288 + 1200, md5(i.id::text), i.received_at
from instances i where i.state = 'stored' or i.id % 10 = 0;
-- the replacement
insert into objects (instance_fk, kind, object_key, codec, size_bytes, sha256, model_id, created_at)
select i.id, i.compression, 'bench-r-' || i.id, case when i.compression like 'latent%' then 'medvae-latent/2' else 'jpeg-ls' end,
       case i.compression when 'latent' then 9000 + i.id % 2000 when 'latent+residual' then 60000 + i.id % 9000 when 'j2k-lossy' then 52000 else 260000 + i.id % 30000 end,
       md5('r' || i.id), case when i.compression like 'latent%' then 'compact-f16-c2' end, i.compressed_at
from instances i where i.state = 'compressed';
-- the header object beside a latent, an AI latent beside 5 % of the lossless
insert into objects (instance_fk, kind, object_key, codec, size_bytes, sha256, created_at)
select i.id, 'header', 'bench-h-' || i.id, '1.2.840.10008.1.2.1', 1800, md5('h' || i.id), i.compressed_at
from instances i where i.compression in ('latent', 'latent+residual');
insert into objects (instance_fk, kind, object_key, codec, size_bytes, sha256, model_id, created_at)
select i.id, 'ai-latent', 'bench-a-' || i.id, 'medvae-latent/2', 9500, md5('a' || i.id), 'compact-f16-c2', i.compressed_at
from instances i where i.compression = 'lossless' and i.id % 20 = 0;

insert into jobs (kind, instance_fk, state, attempts, run_after, created_at)
select 'compress', i.id, 'queued', 0, now() - interval '2 minutes', now() - interval '2 minutes' from instances i where i.state = 'stored' and i.id % 5 = 0;
insert into jobs (kind, instance_fk, state, attempts, run_after, locked_by, locked_at, created_at)
select 'compress', i.id, 'running', 1, now(), 'bench/0', now(), now() from instances i where i.state = 'stored' and i.id % 5 = 1 limit 10;
insert into jobs (kind, instance_fk, state, attempts, last_error, finished_at, created_at)
select 'compress', i.id, 'failed', 5, 'bench: the original does not decode', now() - (i.id % 48) * interval '1 hour', now() - interval '2 days'
from instances i where i.state = 'stored' and i.id % 1000 = 2;
insert into jobs (kind, instance_fk, state, run_after, created_at)
select 'retire-original', i.id, 'queued', i.compressed_at + interval '30 days', i.compressed_at from instances i where i.id % 10 = 0 and i.state = 'compressed';
insert into job_totals (kind, done) values
    ('compress', (select count(*) from instances where compression is not null)),
    ('verify', :instances),
    ('retire-original', (select count(*) from instances where state = 'compressed' and id % 10 <> 0))
on conflict (kind) do update set done = excluded.done;
commit;
vacuum analyze;
