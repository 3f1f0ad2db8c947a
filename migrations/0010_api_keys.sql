-- API keys for modalities and scripts (issue 16): created and revoked by admins, kept as the SHA-256 of the key
-- (shown once, when created); prefix is the key's first characters, in clear, so admins can tell keys apart.
create table api_keys (
    id bigint generated always as identity primary key,
    name text not null,
    prefix text not null,
    key_hash bytea not null unique,
    roles text[] not null,
    created_at timestamptz not null default now(),
    created_by text not null,
    revoked_at timestamptz
);
