package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// chromium finds a headless browser, or skips: CI installs Debian's
// chromium package; TRAILSCAN_REQUIRE_CHROMIUM=1 makes its absence a
// failure rather than a skip.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("TRAILSCAN_REQUIRE_CHROMIUM") != "" {
		t.Fatal("no chromium on PATH and TRAILSCAN_REQUIRE_CHROMIUM is set")
	}
	t.Skip("no chromium on PATH: the HTML report is not checked in a browser (apt-get install chromium)")
	return ""
}

// runChromium opens page in a fresh headless profile, with no network
// access, and returns the DOM after its scripts ran.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.Bytes())
	}
	return out
}

// TestHTMLInBrowser renders the report of the fixture archive and checks
// what a reader sees: the chart drawn with one bar per day and account,
// the tables holding the expected rows, and no injected script having run
// (while the page's own script did, so scripts were not merely off).
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	page := filepath.Join(t.TempDir(), "report.html")
	var b bytes.Buffer
	if err := HTML(&b, fixture(t).Result()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(runChromium(t, bin, "--dump-dom", "file://"+page))

	count := func(re string) int { return len(regexp.MustCompile(re).FindAllStringIndex(dom, -1)) }
	checks := []struct {
		what string
		re   string
		want int
	}{
		{"own script ran", `<html[^>]* data-script="ran"`, 1},
		{"chart", `<svg id="daychart"`, 1},
		{"bars: 2026-10-01 x1 account, 10-02 x2, 10-03 x1", `<rect class="bar"`, 4},
		{"bar of account 444455556666 on 2026-10-02", `<rect class="bar"[^>]*data-day="2026-10-02" data-account="444455556666" data-calls="2"`, 1},
		{"service rows", `<tr class="svc">`, 4},
		{"action rows", `<tr class="action`, 5},
		{"notable action rows", `<tr class="action notable">`, 2},
		{"session rows", `<td>\d{12}</td><td class="code">AWSSupport-Case(174829301|99)</td><td`, 2},
		{"notable call rows", `<td class="mark">write(,error)?</td>`, 2},
		{"authorization with case", `<td>SupportPermitRequestCreated</td><td>111122223333</td><td>us-east-1</td><td>174829301</td>`, 1},
		{"title untouched", `<title>trailscan: AWS Support activity</title>`, 1},
		{"no injected attribute", `<[a-z][^>]*\sdata-pwned=`, 0},
		{"no injected handler", `<[a-z][^>]*\sonmouseover="`, 0},
		{"handler text shown as text", `>" onmouseover="document.title='pwned'" x="<`, 1},
		{"no injected element", `<script>document`, 0},
		{"injected text shown as text", `&lt;script&gt;document.title="pwned"`, 1},
	}
	for _, c := range checks {
		if got := count(c.re); got != c.want {
			t.Errorf("%s: %d matches of %s, want %d", c.what, got, c.re, c.want)
		}
	}
	if t.Failed() {
		t.Logf("DOM:\n%s", dom)
	}
	if dir := os.Getenv("TRAILSCAN_SCREENSHOT_DIR"); dir != "" {
		shot, _ := filepath.Abs(filepath.Join(dir, "report.png"))
		runChromium(t, bin, "--window-size=1280,2000", "--screenshot="+shot, "file://"+page)
		t.Logf("screenshot: %s", shot)
	}
}
