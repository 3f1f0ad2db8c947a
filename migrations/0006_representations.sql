-- Representations (issue 11): besides original, lossless and latent, an instance may be served from a j2k-lossy
-- object (a Part 10 file in JPEG 2000 irreversible, 1.2.840.10008.1.2.4.91) or a latent+residual object (a latent
-- container plus the coded residual, with a header object beside it), and may keep its AI latent beside a
-- non-latent replacement ('ai-latent', for /latent). objects_instance_kind (0004) still allows one object of each
-- kind per instance, and the compress job records at most one replacement, so the serving object stays unique:
-- the original while it exists, else the one of lossless, j2k-lossy, latent+residual, latent.
alter table objects drop constraint objects_kind_check;
alter table objects add constraint objects_kind_check
    check (kind in ('original', 'lossless', 'latent', 'header', 'j2k-lossy', 'latent+residual', 'ai-latent'));

alter table instances drop constraint instances_compression_check;
alter table instances add constraint instances_compression_check
    check (compression in ('latent', 'lossless', 'kept', 'j2k-lossy', 'latent+residual'));

-- What the compress job measured on the stored bytes' decode besides PSNR and SSIM (0004): the largest absolute
-- error of any stored value; and what it tried: {"target": {...}, "candidates": [{representation, bytes, psnr,
-- ssim, maxAbsError, qualifies, note}]}. Rows compressed before this migration keep null in both.
alter table instances
    add column max_abs_error          integer,
    add column compression_candidates jsonb;
