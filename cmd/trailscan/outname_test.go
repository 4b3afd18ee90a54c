package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOutputFormatName: -o json, as the AWS CLI's --output json is typed
// out of habit, is refused before any work, by scan, merge and diff alike,
// with the flag that was meant; -o ./json still writes a file so named.
func TestOutputFormatName(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, "logs", archiveFiles)
	refused := func(name string) string {
		return "trailscan: error: -o " + name + " names a format, not a file: -o/--output is where the result goes\n" +
			"trailscan: hint: choose the format with -f " + name + " (add -o FILE to write it to a file); for a file named " + name + ", write -o ./" + name + "\n"
	}
	for _, c := range []cliCase{
		{"scan -o json", []string{"scan", "--state", "st.json", "-o", "json", "logs"}, exitUsage, refused("json"), ""},
		{"scan --output html", []string{"scan", "--state", "st.json", "--output", "html", "logs"}, exitUsage, refused("html"), ""},
		{"scan --output=table", []string{"scan", "--state", "st.json", "--output=table", "logs"}, exitUsage, refused("table"), ""},
		{"scan -o csv", []string{"scan", "--state", "st.json", "-f", "csv", "-o", "csv", "logs"}, exitUsage, refused("csv"), ""},
		{"merge -o json", []string{"merge", "-o", "json", "part.json"}, exitUsage, refused("json"), ""},
		{"scan -o ./json", []string{"scan", "-q", "-o", "./json", "logs"}, exitOK, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, dir) })
	}
	for _, name := range []string{"st.json", "table", "html", "csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("a refused run wrote %s", name)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "json")); err != nil || len(b) == 0 {
		t.Errorf("-o ./json: %v, %d bytes", err, len(b))
	}
}
