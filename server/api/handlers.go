package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"offcut/server/cloud"
)

type objectView struct {
	ID      string    `json:"id"`
	Version int64     `json:"version"`
	Size    int64     `json:"size"`
	Meta    []byte    `json:"meta"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

func objectOf(o *cloud.Object) objectView {
	return objectView{ID: o.ID, Version: o.Version, Size: o.Size, Meta: o.Meta, Created: o.Created, Updated: o.Updated}
}

type versionView struct {
	Version int64     `json:"version"`
	Size    int64     `json:"size"`
	Meta    []byte    `json:"meta"`
	Created time.Time `json:"created"`
}

func versionOf(v *cloud.Version) versionView {
	return versionView{Version: v.Version, Size: v.Size, Meta: v.Meta, Created: v.Created}
}

type uploadView struct {
	ID          string    `json:"id"`
	ObjectID    string    `json:"object_id"`
	BaseVersion int64     `json:"base_version"`
	Size        int64     `json:"size"`
	ChunkSize   int64     `json:"chunk_size"`
	Chunks      int64     `json:"chunks"`
	Received    []int64   `json:"received"`
	Created     time.Time `json:"created"`
}

func uploadOf(u *cloud.Upload) uploadView {
	v := uploadView{ID: u.ID, ObjectID: u.ObjectID, BaseVersion: u.BaseVersion, Size: u.Size, ChunkSize: u.ChunkSize,
		Chunks: u.NChunks(), Received: []int64{}, Created: u.Created}
	for _, c := range u.Chunks {
		v.Received = append(v.Received, c.N)
	}
	return v
}

type shareView struct {
	ID           string     `json:"id"`
	ObjectID     string     `json:"object_id"`
	Created      time.Time  `json:"created"`
	Expires      *time.Time `json:"expires,omitempty"`
	MaxDownloads int64      `json:"max_downloads,omitempty"`
	Downloads    int64      `json:"downloads"`
}

func shareOf(s *cloud.Share) shareView {
	v := shareView{ID: s.ID, ObjectID: s.ObjectID, Created: s.Created, MaxDownloads: s.MaxDownloads, Downloads: s.Downloads}
	if !s.Expires.IsZero() {
		v.Expires = &s.Expires
	}
	return v
}

type sessionView struct {
	ID       string    `json:"id"`
	Device   string    `json:"device"`
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
	Current  bool      `json:"current"`
	New      bool      `json:"new"`
}

type accountView struct {
	Email      string    `json:"email"`
	KDFSalt    []byte    `json:"kdf_salt"`
	KDFParams  []byte    `json:"kdf_params"`
	WrappedKey []byte    `json:"wrapped_key"`
	Quota      int64     `json:"quota"`
	Stored     int64     `json:"stored"`
	Pending    int64     `json:"pending"`
	Created    time.Time `json:"created"`
}

func (a *Handler) limit(r *http.Request, email string) error {
	if !a.ipLim.allow("ip:" + a.clientIP(r)) {
		return cloud.Errorf(cloud.ERATELIMITED, "too many attempts from this address; wait a minute")
	}
	if email != "" {
		if e, err := cloud.NormalizeEmail(email); err == nil && !a.acctLim.allow("acct:"+e) {
			return cloud.Errorf(cloud.ERATELIMITED, "too many attempts for this account; wait a minute")
		}
	}
	return nil
}

func (a *Handler) salt(w http.ResponseWriter, r *http.Request) error {
	if !a.ipLim.allow("salt:" + a.clientIP(r)) {
		return cloud.Errorf(cloud.ERATELIMITED, "too many requests from this address; wait a minute")
	}
	salt, params, err := a.svc.Salt(r.Context(), r.URL.Query().Get("email"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Salt      []byte `json:"kdf_salt"`
		KDFParams []byte `json:"kdf_params"`
	}{salt, params})
	return nil
}

// newKeys are the keys of a sign-up or a recovery (docs/api.md), with a
// recovery key's pair, optional.
type newKeys struct {
	AuthKey           []byte `json:"auth_key"`
	KDFSalt           []byte `json:"kdf_salt"`
	KDFParams         []byte `json:"kdf_params"`
	WrappedKey        []byte `json:"wrapped_key"`
	Device            string `json:"device"`
	RecoveryAuthKey   []byte `json:"recovery_auth_key,omitempty"`
	WrappedByRecovery []byte `json:"wrapped_by_recovery,omitempty"`
}

func (k newKeys) registration() cloud.Registration {
	return cloud.Registration{AuthKey: k.AuthKey, KDFSalt: k.KDFSalt, KDFParams: k.KDFParams, WrappedKey: k.WrappedKey,
		Device: k.Device, RecoveryAuthKey: k.RecoveryAuthKey, WrappedByRecovery: k.WrappedByRecovery}
}

// recoveryBlob answers GET /recovery?email=: the data key wrapped by the
// recovery key (a stable fake for an unknown e-mail).
func (a *Handler) recoveryBlob(w http.ResponseWriter, r *http.Request) error {
	if !a.ipLim.allow("recovery:" + a.clientIP(r)) {
		return cloud.Errorf(cloud.ERATELIMITED, "too many requests from this address; wait a minute")
	}
	b, err := a.svc.RecoveryBlob(r.Context(), r.URL.Query().Get("email"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		WrappedByRecovery []byte `json:"wrapped_by_recovery"`
	}{b})
	return nil
}

// recover answers POST /recover: new keys for an account, proven by the
// recovery key; the browser is signed in and every other session ends.
func (a *Handler) recover(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email         string `json:"email"`
		RecoveryProof []byte `json:"recovery_proof"`
		newKeys
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.limit(r, in.Email); err != nil {
		return err
	}
	sess, token, err := a.svc.Recover(r.Context(), in.Email, in.RecoveryProof, in.registration())
	if err != nil {
		return err
	}
	setCookie(w, token)
	writeJSON(w, http.StatusOK, sessionReply{sess.ID})
	return nil
}

type sessionReply struct {
	SessionID string `json:"session_id"`
}

func (a *Handler) register(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
		newKeys
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.limit(r, in.Email); err != nil {
		return err
	}
	reg := in.registration()
	reg.Email = in.Email
	sess, token, err := a.svc.Register(r.Context(), reg)
	if err != nil {
		return err
	}
	setCookie(w, token)
	writeJSON(w, http.StatusCreated, sessionReply{sess.ID})
	return nil
}

func (a *Handler) login(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email   string `json:"email"`
		AuthKey []byte `json:"auth_key"`
		Device  string `json:"device"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.limit(r, in.Email); err != nil {
		return err
	}
	sess, token, err := a.svc.Login(r.Context(), in.Email, in.AuthKey, in.Device)
	if err != nil {
		return err
	}
	// Rotate: the session this browser had before ends.
	if c, err := r.Cookie(CookieName); err == nil {
		if old, err := a.svc.Authenticate(r.Context(), c.Value); err == nil {
			a.svc.RevokeSession(r.Context(), old.UserID, old.ID)
		}
	}
	setCookie(w, token)
	writeJSON(w, http.StatusOK, sessionReply{sess.ID})
	return nil
}

func (a *Handler) logout(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	if err := a.svc.RevokeSession(r.Context(), s.UserID, s.ID); err != nil {
		return err
	}
	clearCookie(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *Handler) accountView(ctx context.Context, userID string) (accountView, error) {
	u, use, err := a.svc.Account(ctx, userID)
	if err != nil {
		return accountView{}, err
	}
	return accountView{Email: u.Email, KDFSalt: u.KDFSalt, KDFParams: u.KDFParams, WrappedKey: u.WrappedKey,
		Quota: use.Quota, Stored: use.Stored, Pending: use.Pending, Created: u.Created}, nil
}

func (a *Handler) account(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	v, err := a.accountView(r.Context(), s.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *Handler) changeKeys(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	var in struct {
		AuthKey    []byte `json:"auth_key"`
		NewAuthKey []byte `json:"new_auth_key"`
		KDFSalt    []byte `json:"kdf_salt"`
		KDFParams  []byte `json:"kdf_params"`
		WrappedKey []byte `json:"wrapped_key"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if !a.acctLim.allow("keys:" + s.UserID) {
		return cloud.Errorf(cloud.ERATELIMITED, "too many attempts for this account; wait a minute")
	}
	if err := a.svc.ChangeKeys(r.Context(), s, in.AuthKey, cloud.Registration{AuthKey: in.NewAuthKey,
		KDFSalt: in.KDFSalt, KDFParams: in.KDFParams, WrappedKey: in.WrappedKey}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *Handler) deleteAccount(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	if err := a.svc.DeleteAccount(r.Context(), s.UserID); err != nil {
		return err
	}
	clearCookie(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *Handler) sessionViews(ctx context.Context, s *cloud.Session) ([]sessionView, error) {
	list, err := a.svc.Sessions(ctx, s)
	if err != nil {
		return nil, err
	}
	out := make([]sessionView, len(list))
	for i, x := range list {
		out[i] = sessionView{ID: x.ID, Device: x.Device, Created: x.Created, LastSeen: x.LastSeen, Current: x.Current, New: x.New}
	}
	return out, nil
}

func (a *Handler) sessions(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	out, err := a.sessionViews(r.Context(), s)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *Handler) revokeSession(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	if err := a.svc.RevokeSession(r.Context(), s.UserID, r.PathValue("id")); err != nil {
		return err
	}
	if r.PathValue("id") == s.ID {
		clearCookie(w)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *Handler) export(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	ctx := r.Context()
	acct, err := a.accountView(ctx, s.UserID)
	if err != nil {
		return err
	}
	type exported struct {
		objectView
		Versions []versionView `json:"versions"`
	}
	out := struct {
		Account  accountView   `json:"account"`
		Objects  []exported    `json:"objects"`
		Shares   []shareView   `json:"shares"`
		Sessions []sessionView `json:"sessions"`
	}{Account: acct, Objects: []exported{}, Shares: []shareView{}}
	objs, err := a.svc.Meta.Objects(ctx, s.UserID)
	if err != nil {
		return err
	}
	for _, o := range objs {
		vs, err := a.svc.Meta.Versions(ctx, s.UserID, o.ID)
		if err != nil {
			return err
		}
		e := exported{objectView: objectOf(o), Versions: []versionView{}}
		for _, v := range vs {
			e.Versions = append(e.Versions, versionOf(v))
		}
		out.Objects = append(out.Objects, e)
	}
	shares, err := a.svc.Meta.Shares(ctx, s.UserID)
	if err != nil {
		return err
	}
	for _, x := range shares {
		out.Shares = append(out.Shares, shareOf(x))
	}
	if out.Sessions, err = a.sessionViews(ctx, s); err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="offcut-export.json"`)
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *Handler) objects(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	list, err := a.svc.Meta.Objects(r.Context(), s.UserID)
	if err != nil {
		return err
	}
	out := make([]objectView, len(list))
	for i, o := range list {
		out[i] = objectOf(o)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type uploadIn struct {
	Size        int64  `json:"size"`
	ChunkSize   int64  `json:"chunk_size"`
	Meta        []byte `json:"meta"`
	BaseVersion int64  `json:"base_version"`
}

func (a *Handler) newObject(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	var in uploadIn
	if err := decode(w, r, &in); err != nil {
		return err
	}
	up, err := a.svc.StartUpload(r.Context(), s.UserID, cloud.UploadRequest{Size: in.Size, ChunkSize: in.ChunkSize, Meta: in.Meta, BaseVersion: in.BaseVersion})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, uploadOf(up))
	return nil
}

func (a *Handler) newVersion(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	var in uploadIn
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.BaseVersion < 1 {
		return cloud.Errorf(cloud.EINVALID, "base_version must name the version this save replaces")
	}
	up, err := a.svc.StartUpload(r.Context(), s.UserID, cloud.UploadRequest{ObjectID: r.PathValue("id"),
		BaseVersion: in.BaseVersion, Size: in.Size, ChunkSize: in.ChunkSize, Meta: in.Meta})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, uploadOf(up))
	return nil
}

func validID(kind, id string) error {
	if !cloud.ValidID(id) {
		return cloud.Errorf(cloud.EINVALID, "%s id %q is malformed", kind, trunc(id, 40))
	}
	return nil
}

func (a *Handler) object(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	id := r.PathValue("id")
	if err := validID("object", id); err != nil {
		return err
	}
	o, err := a.svc.Meta.Object(r.Context(), s.UserID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, objectOf(o))
	return nil
}

func (a *Handler) objectData(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	var ver int64
	if q := r.URL.Query().Get("version"); q != "" {
		v, err := strconv.ParseInt(q, 10, 64)
		if err != nil || v < 1 {
			return cloud.Errorf(cloud.EINVALID, "version %q is not a positive number", trunc(q, 20))
		}
		ver = v
	}
	v, err := a.svc.Version(r.Context(), s.UserID, r.PathValue("id"), ver)
	if err != nil {
		return err
	}
	return a.serveBlob(w, r, v, nil)
}

// serveBlob streams a version, or the byte range the Range header asks
// for; before sends the first byte's bookkeeping (a share's download
// count) once the range is known to be good.
func (a *Handler) serveBlob(w http.ResponseWriter, r *http.Request, v *cloud.Version, before func(off int64) error) error {
	off, n, partial, ok := parseRange(r.Header.Get("Range"), v.Size)
	h := w.Header()
	if !ok {
		h.Set("Content-Range", fmt.Sprintf("bytes */%d", v.Size))
		writeJSON(w, http.StatusRequestedRangeNotSatisfiable, errorBody{
			Error: fmt.Sprintf("range %q is not within the object's %d bytes", trunc(r.Header.Get("Range"), 60), v.Size), Code: cloud.EINVALID})
		return nil
	}
	if before != nil {
		if err := before(off); err != nil {
			return err
		}
	}
	rc, err := a.svc.Blobs.Get(r.Context(), v.BlobKey, off, n)
	if err != nil {
		return err
	}
	defer rc.Close()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	h.Set("ETag", fmt.Sprintf(`"%s-%d"`, v.ObjectID, v.Version))
	h.Set("X-Object-Version", strconv.FormatInt(v.Version, 10))
	status := http.StatusOK
	if partial {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, off+n-1, v.Size))
		status = http.StatusPartialContent
	}
	// Big bodies outlive the server's write timeout: allow two minutes
	// plus the time to send at 256 KiB/s.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(2*time.Minute + time.Duration(n>>18)*time.Second))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return nil
	}
	buf := make([]byte, 64<<10)
	if _, err := io.CopyBuffer(w, rc, buf); err != nil {
		return &responseStarted{err}
	}
	return nil
}

// parseRange reads a single "bytes=" range. Without a header, or with one
// it does not handle (several ranges, other units), it gives the whole
// object; ok is false for a range outside the object.
func parseRange(h string, size int64) (off, n int64, partial, ok bool) {
	if h == "" {
		return 0, size, false, true
	}
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, size, false, true
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	if first == "" { // suffix: the last N bytes
		k, err := strconv.ParseInt(last, 10, 64)
		if err != nil || k <= 0 || size == 0 {
			return 0, 0, false, false
		}
		k = min(k, size)
		return size - k, k, true, true
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil || a < 0 || a >= size {
		return 0, 0, false, false
	}
	b := size - 1
	if last != "" {
		if b, err = strconv.ParseInt(last, 10, 64); err != nil || b < a {
			return 0, 0, false, false
		}
		b = min(b, size-1)
	}
	return a, b - a + 1, true, true
}

func (a *Handler) deleteObject(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	if err := a.svc.DeleteObject(r.Context(), s.UserID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *Handler) versions(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	vs, err := a.svc.Versions(r.Context(), s.UserID, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]versionView, len(vs))
	for i, v := range vs {
		out[i] = versionOf(v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *Handler) restore(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	v, err := strconv.ParseInt(r.PathValue("v"), 10, 64)
	if err != nil || v < 1 {
		return cloud.Errorf(cloud.EINVALID, "version %q is not a positive number", trunc(r.PathValue("v"), 20))
	}
	o, err := a.svc.Restore(r.Context(), s.UserID, r.PathValue("id"), v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, objectOf(o))
	return nil
}

func (a *Handler) uploadStatus(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	up, err := a.svc.UploadStatus(r.Context(), s.UserID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, uploadOf(up))
	return nil
}

// ChunkHashHeader carries the hex SHA-256 of a chunk's body.
const ChunkHashHeader = "X-Chunk-Sha256"

func (a *Handler) putChunk(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || n < 0 {
		return cloud.Errorf(cloud.EINVALID, "chunk number %q is not a number", trunc(r.PathValue("n"), 20))
	}
	if r.ContentLength < 0 {
		return cloud.Errorf(cloud.EINVALID, "a chunk needs a Content-Length")
	}
	if r.ContentLength > cloud.MaxChunk {
		return cloud.Errorf(cloud.ETOOLARGE, "a chunk is at most %d bytes, not %d", cloud.MaxChunk, r.ContentLength)
	}
	// A chunk may take longer than the server's read timeout on a slow
	// link: allow a minute plus the time to read it at 64 KiB/s.
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Minute + time.Duration(r.ContentLength>>16)*time.Second))
	body := http.MaxBytesReader(w, r.Body, r.ContentLength)
	up, err := a.svc.PutChunk(r.Context(), s.UserID, r.PathValue("id"), n, body, r.ContentLength, r.Header.Get(ChunkHashHeader))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, uploadOf(up))
	return nil
}

func (a *Handler) complete(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	o, err := a.svc.CompleteUpload(r.Context(), s.UserID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, objectOf(o))
	return nil
}

func (a *Handler) abort(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	if err := a.svc.AbortUpload(r.Context(), s.UserID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *Handler) createShare(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	var in struct {
		ExpiresIn    int64 `json:"expires_in"` // seconds
		MaxDownloads int64 `json:"max_downloads"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.ExpiresIn < 0 || in.ExpiresIn > 10*365*24*3600 {
		return cloud.Errorf(cloud.EINVALID, "expires_in must be 0 (never) to 10 years in seconds")
	}
	sh, err := a.svc.CreateShare(r.Context(), s.UserID, cloud.ShareRequest{ObjectID: r.PathValue("id"),
		ExpiresIn: time.Duration(in.ExpiresIn) * time.Second, MaxDownloads: in.MaxDownloads})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, shareOf(sh))
	return nil
}

func (a *Handler) shares(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	list, err := a.svc.Meta.Shares(r.Context(), s.UserID)
	if err != nil {
		return err
	}
	out := make([]shareView, len(list))
	for i, x := range list {
		out[i] = shareOf(x)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *Handler) revokeShare(w http.ResponseWriter, r *http.Request, s *cloud.Session) error {
	if err := a.svc.RevokeShare(r.Context(), s.UserID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// shareInfo is public: what a share link's page needs, and nothing about
// the owner.
func (a *Handler) shareInfo(w http.ResponseWriter, r *http.Request) error {
	sh, v, err := a.svc.OpenShare(r.Context(), r.PathValue("id"), false)
	if err != nil {
		return err
	}
	out := struct {
		Size      int64      `json:"size"`
		Version   int64      `json:"version"`
		Meta      []byte     `json:"meta"`
		Expires   *time.Time `json:"expires,omitempty"`
		Downloads int64      `json:"downloads"`
		Max       int64      `json:"max_downloads,omitempty"`
	}{Size: v.Size, Version: v.Version, Meta: v.Meta, Downloads: sh.Downloads, Max: sh.MaxDownloads}
	if !sh.Expires.IsZero() {
		out.Expires = &sh.Expires
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// shareData is public: the shared object's bytes, by range. A request from
// the first byte counts as one download against the link's limit; the
// range reads that follow it do not.
func (a *Handler) shareData(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	_, v, err := a.svc.OpenShare(r.Context(), id, false)
	if err != nil {
		return err
	}
	return a.serveBlob(w, r, v, func(off int64) error {
		if off != 0 || r.Method == http.MethodHead {
			return nil
		}
		return a.svc.CountDownload(r.Context(), id)
	})
}
