package storetest

import (
	"io/fs"
	"path/filepath"
)

// walk calls f with the slash path, relative to root, of every file and
// empty folder under root except root/u itself.
func walk(root string, f func(rel string)) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel == "." || rel == "u" {
			return nil
		}
		if d.IsDir() {
			entries, err := readDirNames(p)
			if err != nil {
				return err
			}
			if len(entries) == 0 {
				f(rel + "/")
			}
			return nil
		}
		f(rel)
		return nil
	})
}

func readDirNames(p string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(p, "*"))
	if err != nil {
		return nil, err
	}
	h, _ := filepath.Glob(filepath.Join(p, ".*"))
	return append(m, h...), nil
}
