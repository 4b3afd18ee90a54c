package diff

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/trailscan/trailscan/pkg/summarize"
)

func result(services []summarize.Service, sessions ...summarize.Session) summarize.Result {
	r := summarize.Result{Services: services, Sessions: sessions}
	seen := map[string]bool{}
	for _, s := range sessions {
		if !seen[s.Account] {
			r.Accounts = append(r.Accounts, s.Account)
			seen[s.Account] = true
		}
	}
	return r
}

func service(name string, actions ...summarize.Action) summarize.Service {
	s := summarize.Service{Service: name, Actions: actions}
	for _, a := range actions {
		s.Count += a.Count
		s.Errors += a.Errors
	}
	return s
}

func action(name string, count, errs int) summarize.Action {
	return summarize.Action{Action: name, Count: count, Errors: errs}
}

func TestCompare(t *testing.T) {
	a1 := summarize.Session{Account: "111122223333", Session: "AWSSupport-a"}
	b1 := summarize.Session{Account: "444455556666", Session: "AWSSupport-b"}
	a2 := summarize.Session{Account: "111122223333", Session: "AWSSupport-c"}
	for _, c := range []struct {
		name     string
		old, new summarize.Result
		want     Diff // Old and New aside
	}{
		{"the same",
			result([]summarize.Service{service("ec2.amazonaws.com", action("DescribeInstances", 3, 1))}, a1),
			result([]summarize.Service{service("ec2.amazonaws.com", action("DescribeInstances", 3, 1))}, a1),
			Diff{NewServices: []Service{}, GoneServices: []Service{}, NewActions: []Action{}, GoneActions: []Action{},
				Changed: []Change{}, NewAccounts: []string{}, NewSessions: []summarize.Session{}}},
		{"from nothing",
			result([]summarize.Service{}),
			result([]summarize.Service{service("ec2.amazonaws.com", action("DescribeInstances", 3, 1), action("RunInstances", 5, 0)), service("s3.amazonaws.com", action("GetBucketPolicy", 4, 0))}, a1),
			Diff{NewServices: []Service{{"ec2.amazonaws.com", 8, 1}, {"s3.amazonaws.com", 4, 0}}, GoneServices: []Service{},
				NewActions:  []Action{{"ec2.amazonaws.com", "RunInstances", 5, 0}, {"s3.amazonaws.com", "GetBucketPolicy", 4, 0}, {"ec2.amazonaws.com", "DescribeInstances", 3, 1}},
				GoneActions: []Action{}, Changed: []Change{}, NewAccounts: []string{"111122223333"}, NewSessions: []summarize.Session{a1}}},
		{"new, gone and changed",
			result([]summarize.Service{
				service("ec2.amazonaws.com", action("DescribeInstances", 10, 0), action("DescribeVolumes", 2, 0), action("DescribeVpcs", 5, 0)),
				service("iam.amazonaws.com", action("GetRole", 1, 0)),
				service("rds.amazonaws.com", action("DescribeDBInstances", 4, 4)),
			}, a1, b1),
			result([]summarize.Service{
				service("ec2.amazonaws.com", action("DescribeInstances", 12, 0), action("DescribeVpcs", 5, 0), action("ModifyInstanceAttribute", 1, 1)),
				service("iam.amazonaws.com", action("GetRole", 1, 0), action("ListRoles", 2, 0)),
				service("rds.amazonaws.com", action("DescribeDBInstances", 1, 0)),
				service("s3.amazonaws.com", action("PutBucketPolicy", 1, 0)),
			}, a1, a2),
			Diff{
				NewServices:  []Service{{"s3.amazonaws.com", 1, 0}},
				GoneServices: []Service{},
				NewActions:   []Action{{"iam.amazonaws.com", "ListRoles", 2, 0}, {"ec2.amazonaws.com", "ModifyInstanceAttribute", 1, 1}, {"s3.amazonaws.com", "PutBucketPolicy", 1, 0}},
				GoneActions:  []Action{{"ec2.amazonaws.com", "DescribeVolumes", 2, 0}},
				// rds lost 3 calls and 4 errors: more than ec2's 2 more calls.
				Changed:     []Change{{"rds.amazonaws.com", "DescribeDBInstances", 4, 1, 4, 0}, {"ec2.amazonaws.com", "DescribeInstances", 10, 12, 0, 0}},
				NewAccounts: []string{},
				NewSessions: []summarize.Session{a2},
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Compare(Report{"old.json", c.old}, Report{"new.json", c.new})
			if got.Old.File != "old.json" || got.New.File != "new.json" {
				t.Errorf("sides %q, %q", got.Old.File, got.New.File)
			}
			got.Old, got.New = Side{}, Side{}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestAlerts(t *testing.T) {
	none := Compare(Report{"a.json", result([]summarize.Service{})}, Report{"b.json", result([]summarize.Service{})})
	if got := none.Alerts(AlertKinds); len(got) != 0 {
		t.Errorf("nothing new: alerts %q", got)
	}
	var actions []summarize.Action
	for _, a := range []string{"A", "B", "C", "D", "E", "F", "G"} {
		actions = append(actions, action(a, 1, 0))
	}
	seven := Compare(Report{"a.json", result([]summarize.Service{})}, Report{"b.json", result([]summarize.Service{service("ec2.amazonaws.com", actions...)})})
	want := []string{"7 actions of AWS Support not in a.json: ec2:A, ec2:B, ec2:C, ec2:D, ec2:E and 2 more"}
	if got := seven.Alerts([]string{"new-action"}); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts %q, want %q", got, want)
	}
	if got := seven.Alerts(nil); len(got) != 0 {
		t.Errorf("no kinds asked: alerts %q", got)
	}
}

func TestPartial(t *testing.T) {
	for _, c := range []struct {
		side Side
		want string
	}{
		{Side{FilesScanned: 9}, ""},
		{Side{FilesScanned: 8, FilesFailed: make([]summarize.FileError, 2)}, "2 of 10 files could not be read"},
		{Side{FilesScanned: 8, FilesFailed: make([]summarize.FileError, 2), MissingShards: []string{"1/4", "3/4"}}, "2 of 10 files could not be read and shards 1/4, 3/4 are missing"},
	} {
		if got := c.side.Partial(); got != c.want {
			t.Errorf("%+v: Partial() = %q, want %q", c.side, got, c.want)
		}
	}
}

func TestRead(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		err       error // nil: read
	}{
		{"a report", `{"events_matched": 1, "services": [], "sessions": []}`, nil},
		{"a merged report", `{"scan": {"shards": 2, "parts": ["0/2", "1/2"]}, "services": []}`, nil},
		{"a table", "Files:  4 scanned, 0 failed\n", ErrNotReport},
		{"a state file", `{"version": 2, "summary": {"events_matched": 1}}`, ErrNotReport},
		{"evidence", `{"eventID": "e1", "eventName": "GetRole"}` + "\n", ErrNotReport},
		{"a shard's part", `{"scan": {"shard": "1/4"}, "services": []}`, ErrPart},
		{"truncated", `{"services": [`, ErrNotReport},
		{"empty", ``, ErrNotReport},
		{"a number", `42`, ErrNotReport},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Read("r.json", strings.NewReader(c.doc))
			if !errors.Is(err, c.err) || (err != nil && !strings.HasPrefix(err.Error(), "read r.json: ")) {
				t.Errorf("Read: %v, want %v, naming the file", err, c.err)
			}
			if r.Name != "r.json" {
				t.Errorf("Name %q", r.Name)
			}
		})
	}
	// A read that fails is not a file of the wrong kind.
	disk := errors.New("input/output error")
	if _, err := Read("r.json", iotest.ErrReader(disk)); !errors.Is(err, disk) || errors.Is(err, ErrNotReport) {
		t.Errorf("a failed read: %v, want %v and no ErrNotReport", err, disk)
	}
}
