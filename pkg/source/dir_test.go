package source_test

import (
	"testing"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

func TestDirConformance(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T, dir string) source.Source {
		d, err := source.NewDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}
