# make bench: the scan against the inflate-only floor on a >1 GB generated
# corpus (-j 1 and -j 2, MB/s, peak RSS), and the 500 MB single-record
# archives. The corpus is written once to $TRAILSCAN_BENCH_DIR (default
# $TMPDIR/trailscan-bench); TRAILSCAN_BENCH_ROUNDS sets the rounds (best of).
GO ?= go

.PHONY: test bench bench-parse

test:
	$(GO) test ./...

bench:
	$(GO) test ./pkg/scan -run '^$$' -bench 'BenchmarkScan|BenchmarkHugeRecord' -benchtime 1x -timeout 60m

bench-parse:
	$(GO) test ./pkg/parse -run '^$$' -bench . -benchtime 3s
