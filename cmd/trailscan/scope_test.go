package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestScopeFlagsChecked: an account ID or region name that cannot name
// anything is bad usage, not a clean "no Support activity".
func TestScopeFlagsChecked(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--account", "11112222333"}, exitUsage, `--account "11112222333" is not an account ID`},
		{[]string{"--account", "111122223333,abc"}, exitUsage, `--account "abc" is not an account ID`},
		{[]string{"--region", "us-east1"}, exitUsage, `--region "us-east1" is not a region name`},
		{[]string{"--region", "US-EAST-1"}, exitUsage, `--region "US-EAST-1" is not a region name`},
		{[]string{"--account", "111122223333", "--region", "us-east-1"}, exitOK, ""},
	} {
		var stdout, stderr bytes.Buffer
		args := append(append([]string{"scan", "-q"}, c.args...), "../../testdata/golden/fixture")
		code := run(context.Background(), args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with %q", c.args, code, stderr.String(), c.code, c.msg)
		}
	}
}
