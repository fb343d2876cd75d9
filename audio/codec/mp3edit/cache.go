package mp3edit

import (
	"container/list"
	"sync"

	"offcut/audio/codec/mp3"
)

// StretchCache keeps re-encoded junctions between plans of the same
// files: an editor plans the whole edit after every change, and all but
// the junction it touched were re-encoded before. An entry is keyed by
// the layouts (an opened file's frame index, which lives as long as the
// file stays open), the sources' indexes in the plan, the frames around
// the junction and the exact samples cut; it holds the re-encoded frames
// (a few kB) or the error the encoder's windows gave. Safe for concurrent
// use.
type StretchCache struct {
	mu    sync.Mutex
	max   int
	items map[stretchKey]*list.Element
	order *list.List // most recently used first
}

type stretchKey struct {
	left, right  *mp3.Layout
	lsrc, rsrc   int
	cL, cR, k    int
	rb, ra       int64
	lskip, rskip int64
	gap, xfade   int64
	curve        [3]float64 // the crossfade's curve, by three of its values
}

type stretchEntry struct {
	key stretchKey
	of  outFrame
	st  Stretch
	err error
}

// NewStretchCache keeps the max most recently used junctions.
func NewStretchCache(max int) *StretchCache {
	return &StretchCache{max: max, items: map[stretchKey]*list.Element{}, order: list.New()}
}

func keyOf(L, R Piece, cL, cR, k int) stretchKey {
	key := stretchKey{left: L.In.lay, right: R.In.lay, lsrc: L.In.source, rsrc: R.In.source,
		cL: cL, cR: cR, k: k, rb: L.To, ra: R.From, lskip: L.In.skip, rskip: R.In.skip,
		gap: L.Gap, xfade: L.Crossfade}
	if L.Crossfade > 0 && L.CurveX != nil {
		key.curve = [3]float64{L.CurveX(0.25), L.CurveX(0.5), L.CurveX(0.75)}
	}
	return key
}

func (c *StretchCache) get(key stretchKey) (*stretchEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*stretchEntry), true
}

func (c *StretchCache) put(v *stretchEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[v.key]; ok {
		e.Value = v
		c.order.MoveToFront(e)
		return
	}
	c.items[v.key] = c.order.PushFront(v)
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*stretchEntry).key)
	}
}

// has reports whether the junction is kept (false for a nil cache).
func (c *StretchCache) has(key stretchKey) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.items[key]
	return ok
}

// Len is the number of junctions kept.
func (c *StretchCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// cachedStretch is stretch through the cache (when there is one).
func cachedStretch(cache *StretchCache, L, R Piece, cL, cR, k int, enc Reencoder) (outFrame, Stretch, error) {
	if cache == nil {
		return stretch(L, R, cL, cR, k, enc)
	}
	key := keyOf(L, R, cL, cR, k)
	if e, ok := cache.get(key); ok {
		return e.of, e.st, e.err
	}
	of, st, err := stretch(L, R, cL, cR, k, enc)
	cache.put(&stretchEntry{key: key, of: of, st: st, err: err})
	return of, st, err
}
