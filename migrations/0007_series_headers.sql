-- Headers once per series (issue 11): the first instance of a series stores its header content (every element but
-- the pixel data, Explicit VR Little Endian) as the series header, a Zstandard frame checked by the SHA-256 of its
-- content; every instance keeps its header as a Zstandard delta against it (the series header's content is the
-- dictionary), in place of the DICOM JSON of migrations 0001/0003. Instances indexed before keep their JSON.
create table series_headers (
    id                  bigserial primary key,
    series_instance_uid text not null unique,
    content             bytea not null,
    content_sha256      text not null,
    created_at          timestamptz not null default now()
);
-- Both are Zstandard frames already: PostgreSQL's own compression would spend CPU for nothing.
alter table series_headers alter column content set storage external;

alter table instances
    alter column header drop not null,
    add column series_header_fk bigint references series_headers (id) on delete restrict,
    add column header_delta bytea,
    add constraint instances_header_stored check (header is not null or (series_header_fk is not null and header_delta is not null));
alter table instances alter column header_delta set storage external;
