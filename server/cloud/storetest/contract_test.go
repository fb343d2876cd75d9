package storetest

import (
	"testing"

	"offcut/server/cloud"
)

var servers *Servers

func TestMain(m *testing.M) { Main(m, &servers) }

// TestContract runs the one store contract on both pairs of stores.
func TestContract(t *testing.T) {
	t.Run("sqlite+folder", func(t *testing.T) { Run(t, SQLiteFolder) })
	t.Run("postgres+s3", func(t *testing.T) {
		Run(t, func(t testing.TB, cfg cloud.Config) *Env { return servers.PostgresS3(t, cfg) })
	})
}
