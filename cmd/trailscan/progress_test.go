package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/scan"
)

// TestProgressLine: what the line says at each stage of a scan: files of
// a total not yet known, counted ahead, or listed; decompressed MB/s; an
// ETA once a total size is known and something has been read.
func TestProgressLine(t *testing.T) {
	tests := []struct {
		name string
		set  func(p *scan.Progress)
		took time.Duration
		want string
	}{
		{"nothing yet", func(p *scan.Progress) {}, 0, "0/? files  0.0 MB read  0 Support calls  0.0 MB/s  0s"},
		{"while listing: no total, no ETA", func(p *scan.Progress) {
			p.Listed.Store(10)
			p.ListedBytes.Store(9_000_000)
			p.Done.Store(4)
			p.Bytes.Store(1_000_000)
			p.Inflated.Store(12_000_000)
			p.Matched.Store(7339)
		}, 2 * time.Second, "4/? files  12.0 MB read  7,339 Support calls  6.0 MB/s  2s"},
		{"counted ahead: total and ETA", func(p *scan.Progress) {
			p.Total.Store(1_234_567)
			p.TotalBytes.Store(4_000_000)
			p.Done.Store(1000)
			p.Bytes.Store(1_000_000)
			p.Inflated.Store(15_000_000)
		}, 10 * time.Second, "1,000/1,234,567 files  15.0 MB read  0 Support calls  1.5 MB/s  10s  ETA 30s"},
		{"listed: the listing's total wins", func(p *scan.Progress) {
			p.Total.Store(99)
			p.TotalBytes.Store(99_000_000)
			p.ListingDone.Store(true)
			p.Listed.Store(12)
			p.ListedBytes.Store(3_000_000)
			p.Done.Store(6)
			p.Bytes.Store(1_000_000)
			p.Inflated.Store(8_000_000)
		}, 90 * time.Second, "6/12 files  8.0 MB read  0 Support calls  0.1 MB/s  1m30s  ETA 3m0s"},
		{"all read", func(p *scan.Progress) {
			p.ListingDone.Store(true)
			p.Listed.Store(3)
			p.ListedBytes.Store(3_000)
			p.Done.Store(3)
			p.Bytes.Store(3_000)
			p.Inflated.Store(30_000_000)
		}, 1500 * time.Millisecond, "3/3 files  30.0 MB read  0 Support calls  20.0 MB/s  2s  ETA 0s"},
	}
	for _, tt := range tests {
		var p scan.Progress
		tt.set(&p)
		if got := progressOf(&p, tt.took).line(); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 4391: "4,391", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestProgressCleared: showProgress leaves nothing behind on the terminal
// once stopped.
func TestProgressCleared(t *testing.T) {
	var term bytes.Buffer
	stop := showProgress(&term, new(scan.Progress))
	stop()
	if !strings.HasSuffix(term.String(), "\r\033[K") {
		t.Errorf("progress not cleared: %q", term.String())
	}
}
