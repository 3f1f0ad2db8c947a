-- Indexes for QIDO-RS and C-FIND (Gateway.Infrastructure/Postgres/Query) and for retrieval by study.

-- retrieval (PostgresArchiveReader) and instance-level searches within a study
create index instances_study_uid on instances (study_instance_uid) where state <> 'receiving';
-- instance lists of a series in Instance Number order
create index instances_series_number on instances (series_fk, instance_number) where state <> 'receiving';
create index studies_study_id on studies (study_id);
create index patients_birth_date on patients (birth_date);
create index series_date on series (series_date);
-- case-insensitive person name matching of the referring physician, like patients.patient_name_ci
create index studies_referrer_ci on studies (rtrim(upper(referring_physician_name), '^ ') text_pattern_ops);
-- patient names as the query layer compares them: upper-cased, without empty trailing components
create index patients_name_match on patients (rtrim(patient_name_ci, '^ ') text_pattern_ops);
