-- Headers kept losslessly beside latents (issue 6): the compress job stores the original's data set without its
-- pixel data as an object of kind 'header', so elements whose values the DICOM JSON header holds only as
-- BulkDataURIs into the original (LUT data, ICC profiles, overlays, private OB/UN values) survive its deletion.
-- objects_instance_kind (0004) still allows one object of each kind per instance.
alter table objects drop constraint objects_kind_check;
alter table objects add constraint objects_kind_check check (kind in ('original', 'lossless', 'latent', 'header'));
