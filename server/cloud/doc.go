// Package cloud is the domain of Offcut's optional cloud save: accounts,
// sessions, encrypted objects with their versions, resumable uploads and
// share links, the narrow store interfaces they are kept behind (MetaStore
// for rows, BlobStore for ciphertext bytes) and the Service that enforces
// the rules between them (quota, version retention, share limits, account
// deletion).
//
// The server never holds a key: every object, meta blob and wrapped key it
// stores is ciphertext made in the browser (see issue 11 and
// docs/deploy.md). It sees opaque ids, sizes and times only.
//
// Implementations live beside it, laid out by dependency as in
// benbjohnson/wtf: sqlstore (the SQL shared by sqlite and postgres),
// blobfs (a local folder), s3 (any S3-compatible store) and http (the
// /api/v1/ handlers, the only place errors become HTTP statuses).
package cloud
