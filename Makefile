# make bench: in one run on a >1 GB generated corpus, inflating the files
# alone with libdeflate-gunzip (when on PATH; skipped with a note
# otherwise), klauspost/compress and pkg/inflate, and the full scan, each
# at -j 1 and -j 2 with MB/s and its ratio to libdeflate; the -j 2 scan
# with AVX-512 off (GODEBUG=cpu.avx512f=off) and its peak RSS; the scan
# with --verify against the scan; and the single-record archives. Then
# BenchmarkShapes: the parser's MB/s (and cpuMB/s, per CPU second) on the
# same generated records in each shape, per uncompressed byte of the shape:
# delivered files next to NDJSON, lookup-events output, CloudWatch Logs
# subscription payloads and exports, where a string holds each record in
# lookup-events and payloads. The corpus is written once to $TRAILSCAN_BENCH_DIR (default
# $TMPDIR/trailscan-bench); TRAILSCAN_BENCH_ROUNDS sets the rounds (best
# of), TRAILSCAN_BENCH_MIB the corpus's size for a quick run.
# make profile: where a -j 2 scan of that corpus spends its CPU time.
GO ?= go

.PHONY: test bench bench-parse profile

test:
	$(GO) test ./...

bench:
	$(GO) test ./pkg/scan -run '^$$' -bench 'BenchmarkScan|BenchmarkHugeRecord' -benchtime 1x -timeout 60m
	$(GO) test ./pkg/parse -run '^$$' -bench 'BenchmarkShapes' -benchtime 2s

bench-parse:
	$(GO) test ./pkg/parse -run '^$$' -bench . -benchtime 3s

profile:
	$(GO) test ./pkg/scan -run '^$$' -bench BenchmarkRun -benchtime 1x -timeout 60m -cpuprofile scan-cpu.prof -o scan.test
	$(GO) tool pprof -top scan.test scan-cpu.prof | head -40
