-- Offcut cloud save: the first schema. Written for both SQLite and
-- PostgreSQL: times are BIGINT microseconds since 1970 (UTC), bytes are
-- BYTEA (SQLite stores them as BLOBs whatever the declared type), ids are
-- TEXT (26 base32 letters).
CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value BYTEA NOT NULL
);

CREATE TABLE users (
	id          TEXT PRIMARY KEY,
	email       TEXT NOT NULL UNIQUE,
	auth_hash   TEXT NOT NULL,
	kdf_salt    BYTEA NOT NULL,
	kdf_params  BYTEA NOT NULL,
	wrapped_key BYTEA NOT NULL,
	quota       BIGINT NOT NULL,
	created     BIGINT NOT NULL
);

CREATE TABLE sessions (
	id          TEXT PRIMARY KEY,
	user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash  BYTEA NOT NULL UNIQUE,
	device      TEXT NOT NULL,
	created     BIGINT NOT NULL,
	last_seen   BIGINT NOT NULL,
	alerts_seen BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE objects (
	id      TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	version BIGINT NOT NULL,
	size    BIGINT NOT NULL,
	meta    BYTEA NOT NULL,
	created BIGINT NOT NULL,
	updated BIGINT NOT NULL
);
CREATE INDEX objects_user ON objects(user_id);

CREATE TABLE versions (
	object_id TEXT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
	version   BIGINT NOT NULL,
	user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	size      BIGINT NOT NULL,
	blob_key  TEXT NOT NULL,
	meta      BYTEA NOT NULL,
	created   BIGINT NOT NULL,
	PRIMARY KEY (object_id, version)
);
CREATE INDEX versions_user ON versions(user_id);

CREATE TABLE uploads (
	id           TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	object_id    TEXT NOT NULL,
	base_version BIGINT NOT NULL,
	size         BIGINT NOT NULL,
	chunk_size   BIGINT NOT NULL,
	meta         BYTEA NOT NULL,
	blob_key     TEXT NOT NULL,
	blob_ref     TEXT NOT NULL,
	created      BIGINT NOT NULL
);
CREATE INDEX uploads_user ON uploads(user_id);
CREATE INDEX uploads_created ON uploads(created);

CREATE TABLE upload_chunks (
	upload_id TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
	n         BIGINT NOT NULL,
	size      BIGINT NOT NULL,
	sha256    BYTEA NOT NULL,
	etag      TEXT NOT NULL,
	PRIMARY KEY (upload_id, n)
);

CREATE TABLE shares (
	id            TEXT PRIMARY KEY,
	user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	object_id     TEXT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
	created       BIGINT NOT NULL,
	expires       BIGINT NOT NULL,
	max_downloads BIGINT NOT NULL,
	downloads     BIGINT NOT NULL
);
CREATE INDEX shares_user ON shares(user_id);
CREATE INDEX shares_object ON shares(object_id);
