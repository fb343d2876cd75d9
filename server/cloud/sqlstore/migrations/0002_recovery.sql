-- Account recovery (issue 11): the data key wrapped by the recovery key
-- the user wrote down (opaque, fetched before signing in), and the
-- Argon2id PHC string of the secret that proves the recovery key. Empty
-- for accounts made without one.
ALTER TABLE users ADD COLUMN recovery_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN wrapped_by_recovery BYTEA;
