// Package sqlstore is the cloud.MetaStore over database/sql, shared by the
// sqlite and postgres packages. One set of migrations (migrations/*.sql,
// embedded, run by Open) serves both databases; the few differences
// between them are the fields of Dialect, and nothing else.
package sqlstore
