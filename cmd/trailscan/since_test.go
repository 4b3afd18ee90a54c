package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// supportCall is a record of a call by the Support role in account
// 111122223333.
func supportCall(id, at, action string, readOnly bool) string {
	return fmt.Sprintf(`{"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"%s","awsRegion":"us-east-1","recipientAccountId":"111122223333","eventID":"%s","readOnly":%t,%s}`,
		at, action, id, readOnly, supportARN)
}

func logDoc(records ...string) string { return `{"Records":[` + strings.Join(records, ",") + `]}` }

// TestStateSeries: a scheduled job's runs of one --state. The first run
// alerts on what it finds; the second, over an unchanged archive, finds
// nothing new and exits 0 under --fail-on; the third, over new files that
// hold copies of events counted before (another trail's), counts exactly
// the events no earlier run counted, and alerts on them alone. Each run's
// cumulative result is still a full scan's.
func TestStateSeries(t *testing.T) {
	dir := t.TempDir()
	const day = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/"
	const orgDay = "org/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/2026/10/01/"
	e1, e2 := supportCall("e1", "2026-10-01T10:00:00Z", "DescribeVpcs", true), supportCall("e2", "2026-10-01T10:01:00Z", "StopInstances", false)
	e3, e4 := supportCall("e3", "2026-10-01T11:00:00Z", "RebootInstances", false), supportCall("e4", "2026-10-01T11:01:00Z", "DescribeVolumes", true)
	tree(t, dir, "logs", map[string]string{day + "a.json": logDoc(e1, e2)})
	failOn := []string{"--fail-on", "write,error,any-support"}
	steps := []struct {
		name   string
		add    map[string]string
		code   int
		alert  string // what stderr says of --fail-on
		new    int    // new_since_last_run.events_matched
		writes int
	}{
		{"first run", nil, exitAlert, `--fail-on: found 1 calls by AWS Support that were not read-only since the last run; 2 calls by AWS Support, 0 Support authorization events since the last run`, 2, 1},
		{"unchanged", nil, exitOK, ``, 0, 0},
		{"new files, with copies of old events", map[string]string{
			orgDay + "a.json": logDoc(e1, e2),
			day + "b.json":    logDoc(e2, e3, e4),
			orgDay + "b.json": logDoc(e2, e3, e4),
		}, exitAlert, `--fail-on: found 1 calls by AWS Support that were not read-only since the last run; 2 calls by AWS Support, 0 Support authorization events since the last run`, 2, 1},
		{"unchanged again", nil, exitOK, ``, 0, 0},
	}
	for i, s := range steps {
		tree(t, dir, "logs", s.add)
		out := fmt.Sprintf("run-%d.json", i)
		code, _, stderr := inDir(t, dir, append([]string{"scan", "--state", "st.json", "-f", "json", "-o", out, "logs"}, failOn...)...)
		if alert := regexp.MustCompile(`--fail-on: .*`).FindString(stderr); code != s.code || alert != s.alert {
			t.Errorf("%s: exit %d, %q; want %d, %q", s.name, code, alert, s.code, s.alert)
		}
		got := readJSON(t, filepath.Join(dir, out))
		n, _ := got["new_since_last_run"].(map[string]any)
		if n == nil || n["events_matched"] != float64(s.new) || n["writes"] != float64(s.writes) {
			t.Errorf("%s: new_since_last_run = %v, want %d calls, %d writes", s.name, got["new_since_last_run"], s.new, s.writes)
		}
		delete(got, "new_since_last_run")
		if code, _, _ := inDir(t, dir, "scan", "-q", "-f", "json", "-o", "full.json", "logs"); code != exitOK {
			t.Fatalf("%s: full scan exit %d", s.name, code)
		}
		if want := readJSON(t, filepath.Join(dir, "full.json")); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the cumulative result is not a full scan's:\n got %v\nwant %v", s.name, got, want)
		}
	}
	// The table and the page say what is new first.
	tree(t, dir, "logs", map[string]string{day + "c.json": logDoc(supportCall("e5", "2026-10-01T12:00:00Z", "DescribeVpcs", true))})
	_, table, _ := inDir(t, dir, "scan", "-q", "--state", "st.json", "logs")
	// The first line says whether the result is whole; what is new comes next.
	lines := strings.SplitN(table, "\n", 3)
	if len(lines) < 3 || !regexp.MustCompile(`^New since last run:\s+1 calls by AWS Support \(0 writes, 0 failed\), 1 sessions, 0 authorization events$`).MatchString(lines[1]) {
		t.Errorf("table begins %.200q, want what is new on its second line", table)
	}
	_, page, _ := inDir(t, dir, "scan", "-q", "--state", "st.json", "-f", "html", "logs")
	newAt, filesAt := strings.Index(page, "<dt>New since last run</dt>"), strings.Index(page, "<dt>Files</dt>")
	if newAt < 0 || newAt > filesAt || !strings.Contains(page[newAt:filesAt], ">0 calls by AWS Support") {
		t.Errorf("the page does not say first that nothing is new")
	}
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// cumulative is a JSON result without what is new since the last run,
// which only a run of a state says: what is left is what a full scan
// says.
func cumulative(t *testing.T, b []byte) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "new_since_last_run")
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}
