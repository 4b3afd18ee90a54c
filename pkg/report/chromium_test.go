package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/summarize"
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

// browser is a headless Chromium driven over the DevTools protocol on a
// pipe (--remote-debugging-pipe: commands in on fd 3, answers out on fd
// 4, each a JSON message ending in a NUL byte). Unlike --dump-dom and
// --screenshot, it can lay a page out at any width (headless windows are
// at least 500 pixels wide), click and type, and read the page from
// outside it: the page's own Content-Security-Policy stays as shipped.
type browser struct {
	t       *testing.T
	ctx     context.Context
	in      *os.File
	msgs    chan map[string]json.RawMessage
	events  []string
	next    int
	session string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	bin := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	cmdIn, in, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	out, cmdOut, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--remote-debugging-pipe", "--user-data-dir="+t.TempDir(), "about:blank")
	cmd.ExtraFiles = []*os.File{cmdIn, cmdOut}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	cmdIn.Close()
	cmdOut.Close()
	b := &browser{t: t, ctx: ctx, in: in, msgs: make(chan map[string]json.RawMessage)}
	go func() {
		defer close(b.msgs)
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadBytes(0)
			if err != nil {
				return
			}
			var m map[string]json.RawMessage
			if json.Unmarshal(line[:len(line)-1], &m) == nil {
				b.msgs <- m
			}
		}
	}()
	t.Cleanup(func() {
		in.Close() // Chromium quits when its pipe closes
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		cancel()
		out.Close()
		if t.Failed() {
			t.Logf("chromium stderr:\n%s", stderr.Bytes())
		}
	})
	var target struct{ TargetID string }
	b.call("Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var attached struct{ SessionID string }
	b.call("Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	b.session = attached.SessionID
	b.call("Page.enable", nil, nil)
	return b
}

// call sends one command to the page (to the browser before a page is
// attached) and decodes its result into result, if not nil.
func (b *browser) call(method string, params, result any) {
	b.t.Helper()
	b.next++
	msg := map[string]any{"id": b.next, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if b.session != "" {
		msg["sessionId"] = b.session
	}
	data, err := json.Marshal(msg)
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.in.Write(append(data, 0)); err != nil {
		b.t.Fatalf("chromium %s: %v", method, err)
	}
	for {
		m := b.receive(method)
		var id int
		if json.Unmarshal(m["id"], &id) != nil || id != b.next {
			continue
		}
		if e, ok := m["error"]; ok {
			b.t.Fatalf("chromium %s: %s", method, e)
		}
		if result != nil {
			if err := json.Unmarshal(m["result"], result); err != nil {
				b.t.Fatalf("chromium %s: %v", method, err)
			}
		}
		return
	}
}

// receive returns the next message, noting the names of events.
func (b *browser) receive(waiting string) map[string]json.RawMessage {
	b.t.Helper()
	select {
	case m, ok := <-b.msgs:
		if !ok {
			b.t.Fatalf("chromium quit while waiting for %s", waiting)
		}
		var event string
		if json.Unmarshal(m["method"], &event) == nil {
			b.events = append(b.events, event)
		}
		return m
	case <-b.ctx.Done():
		b.t.Fatalf("chromium: no answer to %s", waiting)
	}
	return nil
}

// open lays the page out in a window width pixels wide and windowHeight
// high, as a phone would below 500, and waits for it to load.
func (b *browser) open(path string, width int) {
	b.t.Helper()
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": windowHeight, "deviceScaleFactor": 1, "mobile": width < 500,
	}, nil)
	b.events = nil
	b.call("Page.navigate", map[string]any{"url": "file://" + path}, nil)
	for !b.seen("Page.loadEventFired") {
		b.receive("Page.loadEventFired")
	}
}

const windowHeight = 1500

func (b *browser) seen(event string) bool {
	for _, e := range b.events {
		if e == event {
			return true
		}
	}
	return false
}

// eval runs a script in the page, from outside it (the page's CSP does
// not apply), and decodes the value it returns into result.
func (b *browser) eval(script string, result any) {
	b.t.Helper()
	var r struct {
		Result struct {
			Value json.RawMessage
		}
		ExceptionDetails *struct {
			Text      string
			Exception struct{ Description string }
		}
	}
	b.call("Runtime.evaluate", map[string]any{"expression": script, "returnByValue": true}, &r)
	if r.ExceptionDetails != nil {
		b.t.Fatalf("script failed: %s %s", r.ExceptionDetails.Text, r.ExceptionDetails.Exception.Description)
	}
	if err := json.Unmarshal(r.Result.Value, result); err != nil {
		b.t.Fatalf("script returned %s: %v", r.Result.Value, err)
	}
}

// screenshot is what the window shows: the top of the page, as a PNG.
// (Capturing beyond the window lays out a long page again, slowly.)
func (b *browser) screenshot() []byte {
	b.t.Helper()
	var shot struct{ Data string }
	b.call("Page.captureScreenshot", map[string]any{"format": "png"}, &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		b.t.Fatal(err)
	}
	return png
}

// writePage writes the HTML report of r to a file and returns its path.
func writePage(t *testing.T, r summarize.Result) string {
	t.Helper()
	var page bytes.Buffer
	if err := HTML(&page, r); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// pixels counts the pixels of the colour #rrggbb in a PNG.
func pixels(t *testing.T, shot []byte, colour string) int {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	var want [3]uint32
	if _, err := fmt.Sscanf(colour, "#%02x%02x%02x", &want[0], &want[1], &want[2]); err != nil {
		t.Fatal(err)
	}
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 == want[0] && g>>8 == want[1] && b>>8 == want[2] {
				n++
			}
		}
	}
	return n
}

// TestHTMLInBrowser opens the report of the fixture archive and checks
// what a reader gets: the page's own style and script applied, the chart
// with one bar per day and account, the tables holding the expected rows,
// none of the script, handlers or attributes the logged strings try to
// inject, which show as text instead, and no sideways scrolling on a
// phone.
func TestHTMLInBrowser(t *testing.T) {
	b := newBrowser(t)
	page := writePage(t, fixture(t).Result())
	b.open(page, 1400)
	var got struct {
		Script, Title, MaxWidth string
		Bars, Bar               int
		Rows, Hot               map[string]int
		Pwned, Handlers         int
		Shown                   []bool
	}
	b.eval(`(() => {
	  const count = (sel) => Object.fromEntries(Array.from(document.querySelectorAll("table.sortable"), (t) => [t.id, t.querySelectorAll(sel).length]));
	  const text = document.body.textContent;
	  return {
	    Script: document.documentElement.getAttribute("data-script"),
	    Title: document.title,
	    MaxWidth: getComputedStyle(document.body).maxWidth,
	    Bars: document.querySelectorAll("rect.bar").length,
	    Bar: document.querySelectorAll('rect.bar[data-day="2026-10-02"][data-account="444455556666"][data-calls="2"]').length,
	    Rows: count("tbody tr"),
	    Hot: count("tbody tr.hot"),
	    Pwned: document.querySelectorAll("[data-pwned]").length,
	    Handlers: Array.from(document.querySelectorAll("*")).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith("on"))).length,
	    Shown: [text.includes('<script>document.title="pwned"'), text.includes("\" onmouseover=\"document.title='pwned'\" x=\"")],
	  };
	})()`, &got)
	checks := []struct {
		what      string
		got, want any
	}{
		{"own script ran", got.Script, "ran"},
		{"own style applied (body max-width)", got.MaxWidth, "1200px"},
		{"title untouched", got.Title, "trailscan: AWS Support activity"},
		{"bars: 2026-10-01 x1 account, 10-02 x2, 10-03 x1", got.Bars, 4},
		{"bar of account 444455556666 on 2026-10-02", got.Bar, 1},
		{"action rows", got.Rows["main"], 5},
		{"actions that wrote", got.Hot["main"], 2},
		{"session rows", got.Rows["sessions"], 2},
		{"notable call rows", got.Rows["notable"], 2},
		{"authorization rows", got.Rows["authorizations"], 1},
		{"no injected attribute", got.Pwned, 0},
		{"no injected handler", got.Handlers, 0},
		{"injected script shown as text", got.Shown[0], true},
		{"injected handler shown as text", got.Shown[1], true},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}

	// The hostile strings are long words too: on a phone they wrap.
	b.open(page, 420)
	var width int
	b.eval(`document.documentElement.scrollWidth`, &width)
	if width > 420 {
		t.Errorf("at 420 pixels the page is %d wide: it scrolls sideways", width)
	}
}

// layoutProbe measures the page as laid out: whether it is wider than the
// window, which words the browser broke inside (a stretch the page keeps
// whole, between <wbr>s or spaces, on more than one line), and what a
// click on the sessions' Calls head and typing in their filter do.
const layoutProbe = `(filter) => {
  const lines = (node, from, to) => {
    const r = document.createRange();
    r.setStart(node, from);
    r.setEnd(node, to);
    return new Set(Array.from(r.getClientRects(), (c) => Math.round(c.top))).size;
  };
  const broken = [];
  const cells = [...document.querySelectorAll(".totals dd")];
  document.querySelectorAll("table.sortable").forEach((t) => Array.from(t.tBodies[0].rows).slice(0, 40).forEach((r) => cells.push(...r.cells)));
  for (const cell of cells) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      let at = 0;
      for (const word of n.textContent.split(" ")) {
        if (word && lines(n, at, at + word.length) > 1) broken.push(word);
        at += word.length + 1;
      }
    }
  }
  const table = document.getElementById("sessions");
  const heads = Array.from(table.tHead.rows[0].cells);
  const col = heads.findIndex((h) => h.textContent.trim() === "Calls");
  const rows = () => Array.from(table.tBodies[0].rows);
  const calls = () => rows().map((r) => Number(r.cells[col].textContent));
  const sorted = (xs, dir) => xs.every((x, i) => i === 0 || dir * (x - xs[i - 1]) >= 0);
  const before = calls();
  heads[col].querySelector("button").click();
  const up = calls();
  heads[col].querySelector("button").click();
  const down = calls();
  const input = document.querySelector('input.filter[data-table="sessions"]');
  input.value = filter;
  input.dispatchEvent(new Event("input"));
  const shown = rows().filter((r) => getComputedStyle(r).display !== "none");
  const box = (el) => el.getBoundingClientRect();
  return {
    Width: window.innerWidth,
    ScrollWidth: document.documentElement.scrollWidth,
    Broken: broken,
    SortedBefore: sorted(before, 1),
    SortedUp: sorted(up, 1) && up.length === before.length,
    SortedDown: sorted(down, -1) && down.length === before.length,
    AriaSort: heads[col].getAttribute("aria-sort"),
    Shown: shown.length,
    ShownMatch: shown.every((r) => r.textContent.includes(filter)),
    Count: input.parentNode.querySelector(".count").textContent,
    FilterRight: box(input).right,
    ChartRight: box(document.getElementById("daychart")).right,
  };
}`

// TestHTMLLayout opens the report of two weeks of eight accounts at 1400
// and at 420 pixels: the page is never wider than the window, no word
// breaks in the middle, the sessions sort on a click and filter as one
// types, and the chart is drawn in the palette's colours. With -update it
// writes docs/report.png, the README's picture of the page; with
// TRAILSCAN_SCREENSHOT_DIR set, both screenshots go there to be looked at.
func TestHTMLLayout(t *testing.T) {
	r := twoWeeks(t)
	page := writePage(t, r)
	account := r.Sessions[0].Account
	wantShown := 0
	for _, s := range r.Sessions {
		if s.Account == account {
			wantShown++
		}
	}
	b := newBrowser(t)
	for _, width := range []int{1400, 420} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b.t = t
			b.open(page, width)
			var got struct {
				Width, ScrollWidth                 int
				Broken                             []string
				SortedBefore, SortedUp, SortedDown bool
				AriaSort, Count                    string
				Shown                              int
				ShownMatch                         bool
				FilterRight, ChartRight            float64
			}
			b.eval("("+layoutProbe+")("+fmt.Sprintf("%q", account)+")", &got)
			if got.Width != width || got.ScrollWidth > width {
				t.Errorf("page is %d pixels wide in a window of %d (want %d): it scrolls sideways", got.ScrollWidth, got.Width, width)
			}
			if len(got.Broken) > 0 {
				t.Errorf("%d words broken inside, such as %q", len(got.Broken), got.Broken[:min(len(got.Broken), 5)])
			}
			if got.SortedBefore || !got.SortedUp || !got.SortedDown || got.AriaSort != "descending" {
				t.Errorf("sessions by calls: sorted before any click %v, after one %v, after two %v (aria-sort %q); want false, true, true (descending)",
					got.SortedBefore, got.SortedUp, got.SortedDown, got.AriaSort)
			}
			wantCount := fmt.Sprintf("%d of %d rows", wantShown, len(r.Sessions))
			if got.Shown != wantShown || !got.ShownMatch || got.Count != wantCount {
				t.Errorf("filter %q: %d rows shown (all matching: %v), count %q; want %d, true, %q", account, got.Shown, got.ShownMatch, got.Count, wantShown, wantCount)
			}
			if got.FilterRight > float64(width) || got.ChartRight > float64(width) {
				t.Errorf("filter ends at %v, chart at %v: beyond the window's %d pixels", got.FilterRight, got.ChartRight, width)
			}
			shot := b.screenshot()
			if n := pixels(t, shot, palette[0]); n < 200 {
				t.Errorf("%d pixels of the first account's colour %s in the screenshot: the chart is not drawn", n, palette[0])
			}
			if dir := os.Getenv("TRAILSCAN_SCREENSHOT_DIR"); dir != "" {
				path := filepath.Join(dir, fmt.Sprintf("report-%d.png", width))
				if err := os.WriteFile(path, shot, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("screenshot: %s", path)
			}
			if *update && width == 1400 {
				if err := os.WriteFile("../../docs/report.png", shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
