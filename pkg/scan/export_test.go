package scan

import (
	"io"

	"github.com/trailscan/trailscan/pkg/parse"
)

// WithRecords returns cfg reading each decompressed document with records
// in place of a parse.Reader, for the test that holds a scan to
// internal/reference.
func WithRecords(cfg Config, records func(io.Reader, func(*parse.Event) error) (int64, error)) Config {
	cfg.records = records
	return cfg
}
