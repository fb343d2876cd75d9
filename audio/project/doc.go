// Package project is the edit document — a small, versioned JSON list of
// clips, the joins between them and the output settings — and its renderer.
//
// The document never holds audio: clips point into sources by index and
// frame positions, so undo is a history of documents, the CLI's `render`
// reads one from a file, and cloud save stores one. SCHEMA.md beside this
// file documents every field.
//
// Render turns a document into a plan (see package plan): the bytes of the
// output file as literal header bytes, ranges of the sources and computed
// segments. Parts of clips that pass through unchanged (same format, no
// gain, outside every fade) stay ranges; only fades, crossfades, gain and
// conversions are computed, streaming in bounded chunks.
package project
