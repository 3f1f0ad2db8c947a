-- Local sign-in accounts (issue 16): the admin of a gateway without an OpenID Connect provider. The password is kept
-- as PBKDF2 (algorithm, iterations, salt, hash), never in clear.
create table local_accounts (
    name text primary key,
    algorithm text not null,
    iterations integer not null,
    salt bytea not null,
    hash bytea not null,
    created_at timestamptz not null default now(),
    password_changed_at timestamptz not null default now()
);
