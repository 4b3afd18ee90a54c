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
		at   counts
		took time.Duration
		want string
	}{
		{"nothing yet", counts{}, 0, "0/? files  0.0 MB read  0 Support calls  0.0 MB/s  0s"},
		{"while listing: no total, no ETA",
			counts{listed: 10, listedBytes: 9_000_000, done: 4, bytes: 1_000_000, inflated: 12_000_000, matched: 7339},
			2 * time.Second, "4/? files  12.0 MB read  7,339 Support calls  6.0 MB/s  2s"},
		{"counted ahead: total and ETA",
			counts{total: 1_234_567, totalBytes: 4_000_000, done: 1000, bytes: 1_000_000, inflated: 15_000_000},
			10 * time.Second, "1,000/1,234,567 files  15.0 MB read  0 Support calls  1.5 MB/s  10s  ETA 30s"},
		{"listed: the listing's total wins",
			counts{total: 99, totalBytes: 99_000_000, listingDone: true, listed: 12, listedBytes: 3_000_000, done: 6, bytes: 1_000_000, inflated: 8_000_000},
			90 * time.Second, "6/12 files  8.0 MB read  0 Support calls  0.1 MB/s  1m30s  ETA 3m0s"},
		{"all read",
			counts{listingDone: true, listed: 3, listedBytes: 3_000, done: 3, bytes: 3_000, inflated: 30_000_000},
			1500 * time.Millisecond, "3/3 files  30.0 MB read  0 Support calls  20.0 MB/s  2s  ETA 0s"},
	}
	for _, tt := range tests {
		if got := progressOf(tt.at.progress(), tt.took).line(); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// counts are what a scan.Progress holds at some moment.
type counts struct {
	listed, listedBytes, total, totalBytes, done, bytes, inflated, matched int64
	listingDone                                                            bool
}

func (c counts) progress() *scan.Progress {
	var p scan.Progress
	p.Listed.Store(c.listed)
	p.ListedBytes.Store(c.listedBytes)
	p.ListingDone.Store(c.listingDone)
	p.Total.Store(c.total)
	p.TotalBytes.Store(c.totalBytes)
	p.Done.Store(c.done)
	p.Bytes.Store(c.bytes)
	p.Inflated.Store(c.inflated)
	p.Matched.Store(c.matched)
	return &p
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
