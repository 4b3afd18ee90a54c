package scan_test

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"golang.org/x/sys/cpu"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/inflate"
	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/multisha"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
)

// The benchmarks here time what the README promises: a full scan with the
// JSON summary against the time to only inflate the same files (the floor
// under any scan), at the same parallelism, in the same run, and the scan's
// peak memory. Both run the trailscan binary in a child process, so its max
// RSS is the scan's alone. They are slow and build a large corpus once (in
// $TRAILSCAN_BENCH_DIR, default $TMPDIR/trailscan-bench), so `go test ./...`
// never runs them: `make bench` does.
//
// Timings on a shared machine are noisy; each is the best of
// $TRAILSCAN_BENCH_ROUNDS rounds (default 3), floor and scan interleaved.
// $TRAILSCAN_BENCH_MIB makes the corpus smaller (or larger) than benchMiB,
// for a quick run on a busy machine.

const (
	benchSeed = 1
	benchMiB  = 1536 // uncompressed size of the corpus
	hugeMiB   = 500  // size of the single record of BenchmarkHugeRecord
)

// recordMiB is the size of BenchmarkHugeRecord's record: hugeMiB, or the
// corpus's size when $TRAILSCAN_BENCH_MIB makes that smaller, so that a
// quick run stays quick.
func recordMiB() int64 { return min(hugeMiB, corpusMiB()) }

func benchDir(b *testing.B) string {
	dir := os.Getenv("TRAILSCAN_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "trailscan-bench")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	return dir
}

func rounds() int {
	if n, err := strconv.Atoi(os.Getenv("TRAILSCAN_BENCH_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 3
}

func corpusMiB() int64 {
	if n, err := strconv.ParseInt(os.Getenv("TRAILSCAN_BENCH_MIB"), 10, 64); err == nil && n > 0 {
		return n
	}
	return benchMiB
}

// corpus returns the benchmark archive, with signed digests, writing it
// the first time: its directory is named after the generator's
// parameters, and a file written last marks it complete. The public keys
// of its digests are in corpusKeys.
func corpus(b *testing.B) string {
	dir := filepath.Join(benchDir(b), fmt.Sprintf("gen-seed%d-%dMiB-digests", benchSeed, corpusMiB()))
	done := dir + ".complete"
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	cfg, err := gen.Config{Seed: benchSeed, Digests: true}.Sized(corpusMiB() << 20)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("writing the %d MiB benchmark corpus to %s (once)", corpusMiB(), dir)
	m, err := gen.Write(dir, cfg)
	if err != nil {
		b.Fatal(err)
	}
	keys, err := cfg.PublicKeys()
	if err == nil {
		err = os.WriteFile(corpusKeys(dir), keys, 0o644)
	}
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(done, []byte(strconv.FormatInt(m.Bytes, 10)+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// corpusKeys is where the public keys of corpus dir's digests are.
func corpusKeys(dir string) string { return dir + ".keys.json" }

// trailscanBinary builds cmd/trailscan once per benchmark run.
var trailscanBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "trailscan-bench-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "trailscan")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/trailscan").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build cmd/trailscan: %v\n%s", err, out)
	}
	return bin, nil
})

// childRun is one child scan: its wall time, peak RSS, and JSON summary.
type childRun struct {
	secs   float64
	cpu    float64 // user and system seconds: less noisy than secs on a busy machine
	rssMB  float64
	result map[string]any
	json   []byte // the summary as written
}

func scanChild(b *testing.B, jobs int, src string, flags ...string) childRun {
	b.Helper()
	return scanChildEnv(b, nil, jobs, src, flags...)
}

// scanChildEnv is scanChild with env (such as GODEBUG settings) added to
// the child's environment.
func scanChildEnv(b *testing.B, env []string, jobs int, src string, flags ...string) childRun {
	b.Helper()
	bin, err := trailscanBinary()
	if err != nil {
		b.Fatal(err)
	}
	tmp := b.TempDir()
	out, stats := filepath.Join(tmp, "result.json"), filepath.Join(tmp, "stats.json")
	args, _ := json.Marshal(append(append([]string{bin, "scan", "-q", "-j", strconv.Itoa(jobs), "-f", "json", "-o", out}, flags...), src))
	// The scan runs under a small helper process, this test binary run
	// afresh: a process started from a large one (this benchmark, which
	// may just have generated the corpus) reports that one's peak RSS as
	// its own, as Linux keeps the larger of the two across exec.
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchChild$")
	cmd.Env = append(append(os.Environ(), env...), "TRAILSCAN_BENCH_CHILD="+string(args), "TRAILSCAN_BENCH_STATS="+stats)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("trailscan scan %s: %v\n%s", src, err, out)
	}
	var r childRun
	var st struct{ Secs, CPUSecs, MaxRSSKB float64 }
	data, err := os.ReadFile(stats)
	if err == nil {
		err = json.Unmarshal(data, &st)
	}
	if err != nil {
		b.Fatalf("scan stats: %v", err)
	}
	r.secs, r.cpu, r.rssMB = st.Secs, st.CPUSecs, st.MaxRSSKB/1024
	if data, err = os.ReadFile(out); err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(data, &r.result); err != nil {
		b.Fatalf("scan result: %v", err)
	}
	r.json = data
	return r
}

// TestBenchChild is the helper process of scanChild: it runs the command
// in $TRAILSCAN_BENCH_CHILD and writes its wall time and peak RSS to
// $TRAILSCAN_BENCH_STATS. Without them it does nothing.
func TestBenchChild(t *testing.T) {
	spec := os.Getenv("TRAILSCAN_BENCH_CHILD")
	if spec == "" {
		t.Skip("only a helper of the benchmarks")
	}
	var args []string
	if err := json.Unmarshal([]byte(spec), &args); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	secs := time.Since(start).Seconds()
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	data, _ := json.Marshal(map[string]float64{"Secs": secs, "CPUSecs": cpu, "MaxRSSKB": float64(ru.Maxrss)}) // KiB on Linux
	if err := os.WriteFile(os.Getenv("TRAILSCAN_BENCH_STATS"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// decoder makes one floor worker's inflater. Each keeps its buffered
// reader and gzip reader from file to file, as a scan worker does: a new
// pkg/inflate Reader per file (some 600 KB) would cost more in zeroing
// and garbage collection than some of the decoding it is the floor of.
type decoder func() inflater

// inflater inflates one gzip file to nowhere through buf, returning the
// bytes it wrote.
type inflater func(path string, buf []byte) (int64, error)

// floor inflates every file to nowhere, jobs at a time, with dec and the
// buffer size the scan reads with, and parses nothing: the time no scan of
// these files can beat with that decoder, measured in the same run.
func floor(b *testing.B, jobs int, files []string, dec decoder) (secs float64, out int64) {
	b.Helper()
	start := time.Now()
	ch := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range jobs {
		wg.Go(func() {
			inflate := dec()
			buf := make([]byte, 256<<10)
			var n int64
			for p := range ch {
				m, err := inflate(p, buf)
				if err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
				}
				n += m
			}
			mu.Lock()
			out += n
			mu.Unlock()
		})
	}
	for _, p := range files {
		ch <- p
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	return time.Since(start).Seconds(), out
}

// klauspostFile is klauspost/compress's gzip decoder, the scan's before
// pkg/inflate.
func klauspostFile() inflater {
	zr := new(gzip.Reader)
	return inflateFile(zr, zr.Reset)
}

// inflateOwnFile is pkg/inflate, the decoder the scan uses.
func inflateOwnFile() inflater {
	zr := new(inflate.Reader)
	return inflateFile(zr, zr.Reset)
}

// hashOwnFile is pkg/inflate with the SHA-256 of what it writes, computed
// in p as a scan computes it (flush p after the floor): the floor under
// what --verify adds.
func hashOwnFile(p *multisha.Pool) decoder {
	return func() inflater {
		zr := new(inflate.Reader)
		h := integrity.NewHasher(p, zr)
		read := inflateFile(h, func(r io.Reader) error {
			h.Reset(zr)
			return zr.Reset(r)
		})
		return func(path string, buf []byte) (int64, error) {
			n, err := read(path, buf)
			if err == nil {
				err = h.Sum(func(string) {})
			}
			return n, err
		}
	}
}

// inflateFile returns an inflater reading each file through one buffered
// reader, which reset gives zr, and copying zr to nowhere.
func inflateFile(zr io.Reader, reset func(io.Reader) error) inflater {
	br := bufio.NewReaderSize(nil, 64<<10)
	// Wrapped, so that io.CopyBuffer reads zr into buf, as the scan
	// reads, not through zr's WriteTo or io.Discard's own small buffer.
	dst, src := struct{ io.Writer }{io.Discard}, struct{ io.Reader }{zr}
	return func(path string, buf []byte) (int64, error) {
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		br.Reset(f)
		if err := reset(br); err != nil {
			return 0, fmt.Errorf("inflate %s: %w", path, err)
		}
		n, err := io.CopyBuffer(dst, src, buf)
		if err != nil {
			return n, fmt.Errorf("inflate %s: %w", path, err)
		}
		return n, nil
	}
}

// libdeflateBatch is how many files each libdeflate-gunzip process
// inflates, as `xargs -P jobs -n libdeflateBatch` would hand them out: few
// enough that the jobs share the work evenly, enough that starting the
// processes costs little beside it.
const libdeflateBatch = 64

// libdeflateFloor inflates every file to /dev/null with libdeflate-gunzip
// -c, jobs processes at a time: the floor set by one of the fastest
// DEFLATE decoders there are, in C, on the same files. It returns false
// when libdeflate-gunzip is not on PATH.
func libdeflateFloor(b *testing.B, jobs int, files []string) (secs float64, ok bool) {
	b.Helper()
	bin, err := exec.LookPath("libdeflate-gunzip")
	if err != nil {
		return 0, false
	}
	start := time.Now()
	ch := make(chan []string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range jobs {
		wg.Go(func() {
			for batch := range ch {
				var stderr strings.Builder
				cmd := exec.Command(bin, append([]string{"-c"}, batch...)...)
				cmd.Stderr = &stderr // Stdout left nil is /dev/null.
				if err := cmd.Run(); err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, fmt.Errorf("libdeflate-gunzip %s...: %v\n%s", batch[0], err, stderr.String()))
					mu.Unlock()
				}
			}
		})
	}
	for i := 0; i < len(files); i += libdeflateBatch {
		ch <- files[i:min(i+libdeflateBatch, len(files))]
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	return time.Since(start).Seconds(), true
}

// scanCorpus returns the corpus and its log files, with the trailscan
// binary built, for the benchmarks that time the binary against the
// decoders alone.
func scanCorpus(b *testing.B) (dir string, files []string) {
	dir = corpus(b)
	files = logFiles(b, dir)
	if _, err := trailscanBinary(); err != nil {
		b.Fatal(err)
	}
	return dir, files
}

// bests holds the best (least) time of each thing timed over the rounds.
type bests map[string]float64

func (m bests) keep(k string, secs float64) {
	if old, ok := m[k]; !ok || secs < old {
		m[k] = secs
	}
}

func logFiles(b *testing.B, dir string) []string {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".json.gz") && !strings.Contains(p, "CloudTrail-") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return files
}

// noAVX512 turns AVX-512 off in a Go program, so the parser takes the path
// a CPU without it takes: the AVX2 index where there is AVX2.
const noAVX512 = "GODEBUG=cpu.avx512f=off"

// BenchmarkScan times, in one run on a corpus of at least 1 GB, inflating
// the files alone (libdeflate-gunzip when on PATH, klauspost/compress,
// and pkg/inflate, the scan's decoder) and the full scan, each at -j 1 and
// -j 2 and against libdeflate at the same parallelism; the -j 2 scan with
// AVX-512 off; and the scan with --verify at -j 2: hashing every log with
// SHA-256 and reading and checking every digest. Run it with -benchtime 1x.
func BenchmarkScan(b *testing.B) {
	dir, files := scanCorpus(b)
	for b.Loop() {
		best := bests{}
		var bytes int64
		var rss float64
		var scanned any
		haveLibdeflate := true
		for range rounds() {
			for _, j := range []int{2, 1} {
				if s, ok := libdeflateFloor(b, j, files); ok {
					best.keep(fmt.Sprintf("libdeflate%d", j), s)
				} else {
					haveLibdeflate = false
				}
				s, n := floor(b, j, files, klauspostFile)
				best.keep(fmt.Sprintf("klauspost%d", j), s)
				s, m := floor(b, j, files, inflateOwnFile)
				if m != n {
					b.Fatalf("pkg/inflate wrote %d bytes, klauspost/compress %d", m, n)
				}
				bytes = n
				best.keep(fmt.Sprintf("inflate%d", j), s)
				r := scanChild(b, j, dir)
				best.keep(fmt.Sprintf("scan%d", j), r.secs)
				best.keep(fmt.Sprintf("scanCPU%d", j), r.cpu)
				if j == 2 {
					rss = max(rss, r.rssMB)
					slow := scanChildEnv(b, []string{noAVX512}, j, dir)
					best.keep("scanNoAVX512_2", slow.secs)
					best.keep("scanNoAVX512CPU2", slow.cpu)
					v := scanChild(b, j, dir, "--verify", "--public-keys", corpusKeys(dir))
					checkVerified(b, v.result, len(files))
					best.keep("verify2", v.secs)
					best.keep("verifyCPU2", v.cpu)
				}
				scanned = r.result["events_scanned"]
			}
		}
		mb := float64(bytes) / 1e6
		fmt.Printf("corpus: %s: %d files, %.0f MB uncompressed, %v records; best of %d rounds\n", dir, len(files), mb, scanned, rounds())
		if !haveLibdeflate {
			fmt.Println("libdeflate-gunzip is not on PATH: its floor and the ratios to it are left out (apt-get install libdeflate-tools)")
		}
		fmt.Printf("AVX-512 VBMI2 here: %v, AVX2: %v (the parser indexes with the first there, and GODEBUG turns AVX-512 off)\n", fastParser(), cpu.X86.HasAVX2)
		rows := []struct{ key, name string }{
			{"libdeflate", "libdeflate-gunzip, inflate only"},
			{"klauspost", "klauspost/compress, inflate only"},
			{"inflate", "pkg/inflate, inflate only"},
			{"scan", "trailscan scan -f json"},
			{"scanNoAVX512_", "scan, " + noAVX512},
		}
		for _, j := range []int{2, 1} {
			lib := best[fmt.Sprintf("libdeflate%d", j)]
			for _, row := range rows {
				k := fmt.Sprintf("%s%d", row.key, j)
				s, ok := best[k]
				if !ok {
					continue
				}
				name := strings.TrimSuffix(row.key, "_")
				b.ReportMetric(mb/s, fmt.Sprintf("%s_j%d_MB/s", name, j))
				line := fmt.Sprintf("-j %d  %-44s %6.2fs %5.0f MB/s", j, row.name, s, mb/s)
				if lib > 0 && row.key != "libdeflate" {
					b.ReportMetric(s/lib, fmt.Sprintf("%s_j%d/libdeflate", name, j))
					line += fmt.Sprintf("  %.2fx libdeflate", s/lib)
				}
				if row.key == "scan" || row.key == "scanNoAVX512_" {
					line += fmt.Sprintf("  %.2fx pkg/inflate", s/best[fmt.Sprintf("inflate%d", j)])
				}
				fmt.Println(line)
			}
		}
		speedup := best["scan1"] / best["scan2"]
		b.ReportMetric(speedup, "j1/j2")
		b.ReportMetric(best["scanNoAVX512_2"]/best["scan2"], "noAVX512/scan")
		b.ReportMetric(best["scanNoAVX512CPU2"]/best["scanCPU2"], "noAVX512CPU/scanCPU")
		b.ReportMetric(rss, "maxRSS_MB")
		b.ReportMetric(best["verify2"]/best["scan2"], "verify/scan")
		b.ReportMetric(best["verifyCPU2"]/best["scanCPU2"], "verifyCPU/scanCPU")
		b.ReportMetric(0, "ns/op")
		fmt.Printf("-j 1 / -j 2 = %.2fx; AVX-512 off / on = %.2fx (CPU time %.2fx); peak RSS of the -j 2 scan: %.0f MB\n",
			speedup, best["scanNoAVX512_2"]/best["scan2"], best["scanNoAVX512CPU2"]/best["scanCPU2"], rss)
		fmt.Printf("-j 2 --verify: %.2fs (%.0f MB/s): verify/scan %.2fx; CPU time %.2fs against %.2fs: %.2fx\n", best["verify2"], mb/best["verify2"],
			best["verify2"]/best["scan2"], best["verifyCPU2"], best["scanCPU2"], best["verifyCPU2"]/best["scanCPU2"])
	}
}

// BenchmarkVerify is BenchmarkScan's --verify pair alone, at -j 2: the
// scan and the scan with --verify, interleaved, beside the floor under
// what --verify adds, pkg/inflate alone and pkg/inflate hashing what it
// writes with SHA-256 (CPU time of this process), so that the cost of
// --verify reads against the cost of the hash itself:
//
//	go test ./pkg/scan -run '^$' -bench 'BenchmarkVerify$' -benchtime 1x
func BenchmarkVerify(b *testing.B) {
	dir, files := scanCorpus(b)
	for b.Loop() {
		best := bests{}
		var bytes int64
		hashes := multisha.NewPool()
		for range rounds() {
			for _, f := range []struct {
				key string
				dec decoder
			}{{"inflate", inflateOwnFile}, {"hash", hashOwnFile(hashes)}} {
				cpu := cpuSecs(b)
				s, n := floor(b, 2, files, f.dec)
				hashes.Flush() // the last few, whose CPU the floor's is
				best.keep(f.key, s)
				best.keep(f.key+"CPU", cpuSecs(b)-cpu)
				bytes = n
			}
			r := scanChild(b, 2, dir)
			best.keep("scan", r.secs)
			best.keep("scanCPU", r.cpu)
			v := scanChild(b, 2, dir, "--verify", "--public-keys", corpusKeys(dir))
			checkVerified(b, v.result, len(files))
			best.keep("verify", v.secs)
			best.keep("verifyCPU", v.cpu)
		}
		mb := float64(bytes) / 1e6
		fmt.Printf("corpus: %s: %d files, %.0f MB uncompressed; best of %d rounds, -j 2\n", dir, len(files), mb, rounds())
		for _, row := range []struct{ key, name string }{
			{"inflate", "pkg/inflate, inflate only"},
			{"hash", "pkg/inflate and SHA-256"},
			{"scan", "trailscan scan -f json"},
			{"verify", "trailscan scan -f json --verify"},
		} {
			fmt.Printf("%-34s %6.2fs wall %6.2fs CPU\n", row.name, best[row.key], best[row.key+"CPU"])
		}
		hash := best["hashCPU"] - best["inflateCPU"]
		b.ReportMetric(best["verify"]/best["scan"], "verify/scan")
		b.ReportMetric(best["verifyCPU"]/best["scanCPU"], "verifyCPU/scanCPU")
		b.ReportMetric((best["scanCPU"]+hash)/best["scanCPU"], "hashfloorCPU/scanCPU")
		b.ReportMetric(0, "ns/op")
		fmt.Printf("SHA-256 adds %.2fs CPU to inflating (%.0f MB/s); --verify adds %.2fs CPU to the scan: %.2fx its CPU, against %.2fx for the hash alone; wall %.2fx\n",
			hash, mb/hash, best["verifyCPU"]-best["scanCPU"], best["verifyCPU"]/best["scanCPU"], (best["scanCPU"]+hash)/best["scanCPU"], best["verify"]/best["scan"])
	}
}

// cpuSecs is the user and system time this process has used.
func cpuSecs(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// fastParser reports whether this CPU has what pkg/parse's vector index
// needs.
func fastParser() bool {
	return cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI2
}

// checkVerified fails b unless a --verify result proves its logs: each
// listed and read, none altered, missing or unlisted, no digest invalid.
func checkVerified(b *testing.B, res map[string]any, logs int) {
	b.Helper()
	in, _ := res["integrity"].(map[string]any)
	for _, k := range []string{"altered", "missing", "unlisted", "invalid_digests", "chain_gaps"} {
		if l, ok := in[k].([]any); !ok || len(l) > 0 {
			b.Fatalf("--verify: %s: %v", k, in[k])
		}
	}
	if in["logs_listed"] != float64(logs) || in["logs_verified"].(float64) == 0 || in["digests_read"].(float64) == 0 {
		b.Fatalf("--verify: %v logs listed (want %d), %v verified, %v digests read", in["logs_listed"], logs, in["logs_verified"], in["digests_read"])
	}
}

// BenchmarkHugeRecord scans an archive of one file holding one record of
// recordMiB() (500 MiB unless the corpus is smaller), made by Support or by
// someone else: a record is never held whole just to be skipped, so memory
// stays far below its size.
func BenchmarkHugeRecord(b *testing.B) {
	for _, support := range []bool{true, false} {
		name := "ordinary"
		if support {
			name = "support"
		}
		b.Run(name, func(b *testing.B) {
			dir := hugeArchive(b, support)
			for b.Loop() {
				r := scanChild(b, 2, dir)
				want := 0.0
				if support {
					want = 1
				}
				if got := r.result["events_matched"]; got != want || r.result["events_scanned"] != 1.0 {
					b.Fatalf("scanned %v events, matched %v; want 1, %v", r.result["events_scanned"], got, want)
				}
				b.ReportMetric(r.rssMB, "maxRSS_MB")
				b.ReportMetric(float64(recordMiB()<<20)/1e6/r.secs, "MB/s")
				b.ReportMetric(0, "ns/op")
				fmt.Printf("one %d MiB %s record: %.2fs, peak RSS %.0f MB\n", recordMiB(), name, r.secs, r.rssMB)
			}
		})
	}
}

// hugeArchive writes, once, a log file with a single record whose
// responseElements hold recordMiB() of nested objects, strings with escapes and
// numbers, streaming it through gzip rather than building it in memory.
func hugeArchive(b *testing.B, support bool) string {
	name := "ordinary"
	identity := `{"type":"AssumedRole","principalId":"AROAEXAMPLE:i-0abc","arn":"arn:aws:sts::111122223333:assumed-role/AppRole/i-0abc","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/AppRole","accountId":"111122223333","userName":"AppRole"}}}`
	if support {
		name = "support"
		identity = `{"type":"AssumedRole","principalId":"AROAEXAMPLE:AWSSupport-big","arn":"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/AWSSupport-big","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport","accountId":"111122223333","userName":"AWSServiceRoleForSupport"}},"invokedBy":"support.amazonaws.com"}`
	}
	dir := filepath.Join(benchDir(b), fmt.Sprintf("huge-%s-%dMiB", name, recordMiB()))
	done := dir + ".complete"
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	path := filepath.Join(dir, "AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/111122223333_CloudTrail_us-east-1_20261001T0005Z_huge0001.json.gz")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zw, err := gzip.NewWriterLevel(f, gzip.BestSpeed)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(zw, 1<<20)
	fmt.Fprintf(w, `{"Records":[{"eventVersion":"1.09","userIdentity":%s,"eventTime":"2026-10-01T00:01:02Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"support.amazonaws.com","userAgent":"support.amazonaws.com","requestParameters":{"maxResults":1000},"responseElements":{"reservationSet":{"items":[`, identity)
	item := `{"instanceId":"i-0123456789abcdef0","state":{"code":16,"name":"running"},"tags":[{"key":"Name","value":"web \"frontend\" \u00e9\\n"}],"launchTime":1.7e12,"ebsOptimized":false,"AWSServiceRoleForSupport":null},`
	for n := int64(0); n < recordMiB()<<20; n += int64(len(item)) {
		w.WriteString(item)
	}
	w.WriteString(`{}]}},"requestID":"r-1","eventID":"huge-0001","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}]}`)
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkRun runs scan.Run in this process over the benchmark corpus at
// -j 2, so that a profile shows where a scan's time goes:
//
//	go test ./pkg/scan -run '^$' -bench BenchmarkRun -benchtime 1x -cpuprofile cpu.out
//	go tool pprof -top cpu.out
func BenchmarkRun(b *testing.B) {
	src, err := source.NewDir(corpus(b))
	if err != nil {
		b.Fatal(err)
	}
	var events int64
	start := time.Now()
	for b.Loop() {
		sum, err := scan.Run(context.Background(), []source.Source{src}, scan.Config{Jobs: 2})
		if err != nil {
			b.Fatal(err)
		}
		events += sum.EventsScanned
	}
	b.ReportMetric(float64(events)/time.Since(start).Seconds(), "events/s")
}
