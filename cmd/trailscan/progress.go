package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trailscan/trailscan/pkg/scan"
)

// showProgress redraws one status line on w until stop is called, then
// clears it so that nothing of it stays in the terminal.
func showProgress(w io.Writer, p *scan.Progress) (stop func()) {
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(w, "\r\033[K%s", progressOf(p, time.Since(start)).line())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// progress is a scan's progress at one moment, as the line shows it.
type progress struct {
	done, files  int64 // objects read or failed, of files; files 0: not known yet
	stored, size int64 // stored bytes read, of size; size 0: not known
	inflated     int64 // bytes read once decompressed
	calls        int64 // distinct Support calls found
	elapsed      time.Duration
}

// progressOf reads p: the total is the listing's once it is done, else
// what was counted ahead, if anything.
func progressOf(p *scan.Progress, elapsed time.Duration) progress {
	s := progress{
		done: p.Done.Load(), stored: p.Bytes.Load(), inflated: p.Inflated.Load(),
		calls: p.Matched.Load(), elapsed: elapsed,
	}
	switch {
	case p.ListingDone.Load():
		s.files, s.size = p.Listed.Load(), p.ListedBytes.Load()
	case p.Total.Load() > 0:
		s.files, s.size = p.Total.Load(), p.TotalBytes.Load()
	}
	return s
}

// line is the status line. Throughput is of decompressed bytes, what the
// scan parses, as the README's figures are; the time left is estimated
// from the stored bytes, the only size known ahead.
func (s progress) line() string {
	files := "?"
	if s.files > 0 {
		files = thousands(s.files)
	}
	secs := max(s.elapsed.Seconds(), 0.001)
	mb := float64(s.inflated) / 1e6
	line := fmt.Sprintf("%s/%s files  %.1f MB read  %s Support calls  %.1f MB/s  %s",
		thousands(s.done), files, mb, thousands(s.calls), mb/secs, s.elapsed.Round(time.Second))
	if eta, ok := s.eta(); ok {
		line += "  ETA " + eta.String()
	}
	return line
}

// eta is the time left at the rate so far, when it can be told: the total
// size is known, and something has been read.
func (s progress) eta() (time.Duration, bool) {
	if s.files == 0 || s.stored == 0 || s.elapsed <= 0 {
		return 0, false
	}
	if s.done >= s.files {
		return 0, true
	}
	left := float64(max(s.size-s.stored, 0)) / float64(s.stored) * float64(s.elapsed)
	return time.Duration(left).Round(time.Second), true
}

// thousands writes a count with commas between groups of three digits.
func thousands(n int64) string {
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}
