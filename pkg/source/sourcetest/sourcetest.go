// Package sourcetest is the conformance suite every driver of a
// source.Location runs: the same tree of CloudTrail keys, listed in and
// out of a trail.Scope, named whole or one object at a time, must give the
// same objects, bytes and errors from a local directory and from S3.
package sourcetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"

	"github.com/trailscan/trailscan/pkg/source"
)

// File is one file of the test tree, with what its key says (zero for a
// file outside the CloudTrail layout).
type File struct {
	Key     string // slash-separated, relative to the tree
	Account string
	Region  string
	Day     string // YYYY/MM/DD of delivery
	Log     bool   // a CloudTrail log a source must list when in scope
}

const (
	acctA = "111122223333"
	acctB = "444455556666"
	org   = "o-exampleorg1"
)

// Tree is the test tree: an account trail at the top, an organization
// trail under a prefix, several accounts, regions and days (across a
// month and a year boundary), digest and Insight files that must never be
// listed, a file outside the layout and files that are not logs.
func Tree() []File {
	var fs []File
	add := func(base, account, region, day, name string) {
		key := base + account + "/CloudTrail/" + region + "/" + day + "/" + name
		fs = append(fs, File{Key: key, Account: account, Region: region, Day: day, Log: source.IsLog(name)})
	}
	stamp := func(account, region, day, hm string) string {
		return account + "_CloudTrail_" + region + "_" + strings.ReplaceAll(day, "/", "") + "T" + hm + "Z_abc.json.gz"
	}
	days := []string{"2025/12/31", "2026/09/30", "2026/10/01", "2026/10/02", "2026/10/03"}
	for _, acct := range []string{acctA, acctB} {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			for _, day := range days {
				add("AWSLogs/", acct, region, day, stamp(acct, region, day, "0005"))
			}
		}
	}
	// Two files in a day folder, one of them decompressed by a download.
	add("AWSLogs/", acctA, "us-east-1", "2026/10/01", strings.TrimSuffix(stamp(acctA, "us-east-1", "2026/10/01", "2355"), ".gz"))
	// Something that is not a log inside a day folder.
	add("AWSLogs/", acctA, "us-east-1", "2026/10/01", "README.txt")
	// The organization trail, under a prefix, with the o-ORGID level.
	for _, acct := range []string{acctA, acctB} {
		for _, day := range []string{"2026/10/01", "2026/10/02"} {
			add("org-trail/AWSLogs/"+org+"/", acct, "us-east-1", day, stamp(acct, "us-east-1", day, "1210"))
		}
	}
	// Digests and Insights: logs by name, never to be listed.
	for _, kind := range []string{"CloudTrail-Digest", "CloudTrail-Insight"} {
		fs = append(fs, File{Key: "AWSLogs/" + acctA + "/" + kind + "/us-east-1/2026/10/01/" + acctA + "_" + kind + "_us-east-1_20261001T0100Z_abc.json.gz"})
		fs = append(fs, File{Key: "org-trail/AWSLogs/" + org + "/" + acctB + "/" + kind + "/us-east-1/2026/10/02/" + acctB + "_" + kind + "_us-east-1_20261002T0100Z_abc.json.gz"})
	}
	// Outside the layout: listed whatever the query, as nothing says
	// which events they hold.
	fs = append(fs,
		File{Key: "exports/2026-10-01-support.json", Log: true},
		File{Key: "exports/old/trail.json.gz", Log: true},
		File{Key: "exports/notes.txt"},
		File{Key: "README.md"},
	)
	return fs
}

// Content is the bytes of a test file: unique per key, and of several
// sizes so that a source that truncates or mixes files up is caught.
func Content(key string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Records":[]} `)
	for i := 0; i < len(key)*37; i++ {
		b.WriteString(key[i%len(key) : i%len(key)+1])
	}
	return b.Bytes()
}

// WriteTree writes Tree below dir.
func WriteTree(t testing.TB, dir string) {
	t.Helper()
	files := map[string][]byte{}
	for _, f := range Tree() {
		files[f.Key] = Content(f.Key)
	}
	WriteFiles(t, dir, files)
}

// WriteFiles writes each of files, by its slash-separated name, below dir.
func WriteFiles(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// ReadFiles returns every file below dir by its slash-separated name, as
// WriteFiles takes them.
func ReadFiles(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func day(s string) time.Time {
	t, err := time.Parse("2006/01/02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// cases are the queries, each with the files it must list, said by hand
// from the layout: a day folder holds deliveries of that UTC day, which
// carry events from up to trail.LateDelivery (6h) before.
var cases = []struct {
	name string
	q    trail.Scope
	want func(f File) bool // for layout files; files outside it are always wanted
}{
	{"all", trail.Scope{}, func(File) bool { return true }},
	{"two days", trail.Scope{Since: day("2026/10/02"), Until: day("2026/10/03")},
		// 10/03's folder holds events of 10/02's last hours.
		func(f File) bool { return f.Day == "2026/10/02" || f.Day == "2026/10/03" }},
	{"midday hour", trail.Scope{Since: at("2026-10-01T12:00:00Z"), Until: at("2026-10-01T13:00:00Z")},
		func(f File) bool { return f.Day == "2026/10/01" }},
	{"evening hours", trail.Scope{Since: at("2026-10-01T20:00:00Z"), Until: at("2026-10-01T23:00:00Z")},
		// Until plus 6h is 10/02 05:00.
		func(f File) bool { return f.Day == "2026/10/01" || f.Day == "2026/10/02" }},
	{"until only", trail.Scope{Until: day("2026/10/01")},
		// Until 10/01 00:00 plus 6h reaches into 10/01's folder.
		func(f File) bool { return f.Day <= "2026/10/01" }},
	{"since only", trail.Scope{Since: day("2026/10/03")},
		func(f File) bool { return f.Day >= "2026/10/03" }},
	{"since in last year", trail.Scope{Since: at("2025-12-31T23:00:00Z"), Until: day("2026/01/01")},
		func(f File) bool { return f.Day == "2025/12/31" }},
	{"month", trail.Scope{Since: day("2026/09/01"), Until: day("2026/09/30")},
		// Until 09/30 00:00 plus 6h: 09/30's folder.
		func(f File) bool { return f.Day == "2026/09/30" }},
	{"account", trail.Scope{Accounts: []string{acctB}},
		func(f File) bool { return f.Account == acctB }},
	{"region", trail.Scope{Regions: []string{"eu-west-1"}},
		func(f File) bool { return f.Region == "eu-west-1" }},
	{"account region day", trail.Scope{Accounts: []string{acctA}, Regions: []string{"us-east-1"}, Since: day("2026/10/01"), Until: at("2026-10-01T12:00:00Z")},
		func(f File) bool { return f.Account == acctA && f.Region == "us-east-1" && f.Day == "2026/10/01" }},
	{"two accounts", trail.Scope{Accounts: []string{acctA, acctB}, Regions: []string{"us-east-1", "eu-west-1"}},
		func(File) bool { return true }},
	{"no such account", trail.Scope{Accounts: []string{"999999999999"}},
		func(File) bool { return false }},
	{"no such time", trail.Scope{Since: day("2027/01/01")},
		func(File) bool { return false }},
}

// shares are the shares ListShare is checked with.
var shares = []struct {
	name string
	owns source.Share
}{
	{"odd days", func(l trail.Layout) bool { return l.Day%2 == 1 }},
	{"one account's region", func(l trail.Layout) bool { return l.Account == acctA && l.Region == "us-east-1" }},
	{"nothing", func(trail.Layout) bool { return false }},
}

// layout is what f's key says, as a Share is asked.
func (f File) layout() trail.Layout {
	l, _ := trail.ParseLayout(f.Key)
	return l
}

// Stored is the test tree as one driver keeps it.
type Stored struct {
	// At returns the source a user names by the tree's location followed
	// by key: "" for the whole tree, or an object's key.
	At func(key string) (*source.Location, error)
	// Remove deletes the object at key, so that opening it fails.
	Remove func(key string) error
	// Unreadable, when not nil, adds below the tree a folder that can be
	// found but not read, and returns its key or that of a folder above
	// it. It skips t where it cannot make one.
	Unreadable func(t *testing.T) string
}

// Run checks a driver. store keeps Tree, written below dir, where the
// driver reads it; it is called once. The whole tree's source must name
// the tree's files by their key below it as Object.Key.
func Run(t *testing.T, store func(t *testing.T, dir string) Stored) {
	dir := t.TempDir()
	WriteTree(t, dir)
	st := store(t, dir)
	src, err := st.At("")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	for _, c := range cases {
		t.Run("List/"+c.name, func(t *testing.T) {
			got := list(t, ctx, src, c.q)
			if want := wanted(c.want); !slices.Equal(got, want) {
				t.Errorf("List(%+v):\n%s", c.q, diff(got, want))
			}
		})
	}

	// A share leaves out the day folders it does not own, and nothing
	// else, in every scope.
	for _, sh := range shares {
		for _, c := range cases {
			t.Run("ListShare/"+sh.name+"/"+c.name, func(t *testing.T) {
				var keys []string
				err := src.ListShare(ctx, c.q, sh.owns, func(o source.Object) error {
					keys = append(keys, o.Key)
					return nil
				})
				if err != nil {
					t.Fatalf("ListShare(%+v): %v", c.q, err)
				}
				slices.Sort(keys)
				if want := wanted(func(f File) bool { return c.want(f) && sh.owns(f.layout()) }); !slices.Equal(keys, want) {
					t.Errorf("ListShare(%+v):\n%s", c.q, diff(keys, want))
				}
			})
		}
	}

	t.Run("Objects", func(t *testing.T) {
		n := 0
		err := src.List(ctx, trail.Scope{}, func(o source.Object) error {
			n++
			if o.Err != nil {
				t.Errorf("%s: Err %v", o.Key, o.Err)
			}
			if o.Path == "" || !strings.HasSuffix(o.Path, filepath.FromSlash(o.Key)) && !strings.HasSuffix(o.Path, o.Key) {
				t.Errorf("%s: Path %q does not end with the key", o.Key, o.Path)
			}
			if o.ModTime.IsZero() {
				t.Errorf("%s: no ModTime", o.Key)
			}
			read(t, ctx, src, o, o.Key)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatal("nothing listed")
		}
	})

	// One object named: listed whatever the scope, as the user named it.
	nothing := trail.Scope{Accounts: []string{"999999999999"}}
	for _, key := range []string{
		"AWSLogs/" + acctA + "/CloudTrail/eu-west-1/2026/10/02/" + acctA + "_CloudTrail_eu-west-1_20261002T0005Z_abc.json.gz",
		"exports/2026-10-01-support.json",
	} {
		t.Run("Single/"+path.Base(key), func(t *testing.T) {
			one, err := st.At(key)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(one.String(), key) && !strings.HasSuffix(one.String(), filepath.FromSlash(key)) {
				t.Errorf("String() = %q, want one that ends with %s", one.String(), key)
			}
			var objs []source.Object
			if err := one.List(ctx, nothing, func(o source.Object) error { objs = append(objs, o); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(objs) != 1 {
				t.Fatalf("listed %d objects, want the one named", len(objs))
			}
			// A key names the object inside its source: the whole key in a
			// bucket, the file's name in its folder.
			if o := objs[0]; !strings.HasSuffix(key, o.Key) || path.Base(o.Key) != path.Base(key) || o.Err != nil || o.Size != int64(len(Content(key))) {
				t.Errorf("listed %+v, want %s", o, key)
			}
			read(t, ctx, one, objs[0], key)

			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			if err := one.List(cancelled, trail.Scope{}, func(source.Object) error { return nil }); !errors.Is(err, context.Canceled) {
				t.Errorf("List with a cancelled context returned %v, want context.Canceled", err)
			}
		})
	}

	t.Run("Single/missing", func(t *testing.T) {
		const key = "AWSLogs/" + acctA + "/CloudTrail/us-east-1/2026/10/01/missing.json.gz"
		if one, err := st.At(key); err == nil || !strings.Contains(err.Error(), "missing.json.gz") {
			t.Errorf("At(%s) = %v, %v; want an error that names it", key, one, err)
		}
	})

	t.Run("ListDigests", func(t *testing.T) {
		for _, c := range []struct {
			name string
			f    folders
			want func(key string) bool
		}{
			{"all", folders{}, func(string) bool { return true }},
			{"in one go", folders{covers: true}, func(string) bool { return true }},
			{"one account", folders{excludes: "/" + acctB + "/"}, func(k string) bool { return !strings.Contains(k, "/"+acctB+"/") }},
		} {
			t.Run(c.name, func(t *testing.T) {
				var got, want []string
				err := src.ListDigests(ctx, c.f, func(o source.Object) error {
					got = append(got, o.Key)
					read(t, ctx, src, o, o.Key)
					rc, _, err := src.OpenWithMetadata(ctx, o)
					if err != nil {
						t.Fatalf("OpenWithMetadata(%s): %v", o.Key, err)
					}
					if b, err := io.ReadAll(rc); err != nil || !bytes.Equal(b, Content(o.Key)) {
						t.Errorf("OpenWithMetadata(%s): read %d bytes, %v; want its content", o.Key, len(b), err)
					}
					return rc.Close()
				})
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range Tree() {
					if strings.Contains(f.Key, "/CloudTrail-Digest/") && c.want(f.Key) {
						want = append(want, f.Key)
					}
				}
				slices.Sort(got)
				slices.Sort(want)
				if len(want) == 0 || !slices.Equal(got, want) {
					t.Errorf("ListDigests:\n%s", diff(got, want))
				}
			})
		}
		one, err := st.At("AWSLogs/" + acctA + "/CloudTrail-Digest/us-east-1/2026/10/01/" + acctA + "_CloudTrail-Digest_us-east-1_20261001T0100Z_abc.json.gz")
		if err != nil {
			t.Fatal(err)
		}
		if err := one.ListDigests(ctx, folders{}, func(o source.Object) error {
			t.Errorf("a location naming one object listed the digest %s", o.Key)
			return nil
		}); err != nil {
			t.Error(err)
		}
	})

	t.Run("StopsAtFirstError", func(t *testing.T) {
		stop := errors.New("enough")
		calls := 0
		err := src.List(ctx, trail.Scope{}, func(source.Object) error {
			calls++
			return stop
		})
		if err != stop {
			t.Errorf("List returned %v, want fn's error as it is", err)
		}
		if calls != 1 {
			t.Errorf("fn called %d times after returning an error, want once", calls)
		}
	})

	t.Run("Cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		err := src.List(ctx, trail.Scope{}, func(source.Object) error { return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("List with a cancelled context returned %v, want context.Canceled", err)
		}
	})

	t.Run("String", func(t *testing.T) {
		if src.String() == "" {
			t.Error("String() is empty")
		}
	})

	// From here on the tree changes.
	t.Run("OpenErrors", func(t *testing.T) {
		objs := map[string]source.Object{}
		if err := src.List(ctx, trail.Scope{}, func(o source.Object) error { objs[o.Key] = o; return nil }); err != nil {
			t.Fatal(err)
		}
		const gone, goneOne = "exports/old/trail.json.gz", "exports/2026-10-01-support.json"
		one, err := st.At(goneOne)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{gone, goneOne} {
			if err := st.Remove(key); err != nil {
				t.Fatal(err)
			}
		}
		o := objs[gone]
		_, err = src.Open(ctx, o)
		once(t, err, "open", o.Path)
		err = one.List(ctx, trail.Scope{}, func(source.Object) error { return nil })
		once(t, err, "list", one.String())

		o.Err = errors.New("unreadable")
		if _, err := src.Open(ctx, o); !errors.Is(err, o.Err) {
			t.Errorf("Open of an object listed with Err: %v, want its Err", err)
		}
	})

	t.Run("Unreadable", func(t *testing.T) {
		if st.Unreadable == nil {
			t.Skip("this driver cannot make a folder it cannot read")
		}
		bad := st.Unreadable(t)
		var keys, failed []string
		err := src.List(ctx, trail.Scope{}, func(o source.Object) error {
			if o.Err == nil {
				keys = append(keys, o.Key)
				return nil
			}
			if !strings.HasPrefix(o.Key, bad) || o.Path == "" {
				t.Errorf("listed %s (%s) with Err %v, want a folder below %s", o.Key, o.Path, o.Err, bad)
			}
			if _, err := src.Open(ctx, o); !errors.Is(err, o.Err) {
				t.Errorf("Open(%s) = %v, want its Err", o.Key, err)
			}
			failed = append(failed, o.Key)
			return nil
		})
		if err != nil {
			t.Fatalf("List stopped at an unreadable folder: %v", err)
		}
		if len(failed) != 1 {
			t.Errorf("listed %d objects with Err, want 1: %q", len(failed), failed)
		}
		// Everything else is still listed. (exports/ is left out: it has
		// lost files to OpenErrors, or not, when that did not run.)
		slices.Sort(keys)
		want := slices.DeleteFunc(wanted(func(File) bool { return true }), func(k string) bool { return strings.HasPrefix(k, "exports/") })
		if keys = slices.DeleteFunc(keys, func(k string) bool { return strings.HasPrefix(k, "exports/") }); !slices.Equal(keys, want) {
			t.Errorf("List past an unreadable folder:\n%s", diff(keys, want))
		}
	})
}

// AllFolders excludes no folder, and covers none: a listing of everything,
// folder by folder.
var AllFolders source.Folders = folders{}

// folders excludes the folders whose key, with a final slash, holds
// excludes ("" for none), and covers what is not excluded when covers.
type folders struct {
	excludes string
	covers   bool
}

func (f folders) Excludes(dir string) bool {
	return f.excludes != "" && strings.Contains(strings.TrimSuffix(dir, "/")+"/", f.excludes)
}

func (f folders) Covers(dir string) bool { return f.covers && !f.Excludes(dir) }

// wanted is the keys of the logs of Tree a listing must give when it
// wants the layout files want says, and every file outside the layout.
func wanted(want func(File) bool) []string {
	var keys []string
	for _, f := range Tree() {
		if f.Log && (f.Day == "" || want(f)) {
			keys = append(keys, f.Key)
		}
	}
	slices.Sort(keys)
	return keys
}

// read checks that o, listed by src, holds the content of the tree's key.
func read(t *testing.T, ctx context.Context, src source.Source, o source.Object, key string) {
	t.Helper()
	want := Content(key)
	if o.Size != int64(len(want)) {
		t.Errorf("%s: Size %d, want %d", o.Key, o.Size, len(want))
	}
	rc, err := src.Open(ctx, o)
	if err != nil {
		t.Errorf("Open(%s): %v", o.Key, err)
		return
	}
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Errorf("read %s: %v", o.Key, err)
	}
	if err := rc.Close(); err != nil {
		t.Errorf("close %s: %v", o.Key, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: read %d bytes %.40q..., want %d bytes %.40q...", o.Key, len(got), got, len(want), want)
	}
}

// once checks that err says what failed (op) on what, naming it once.
func once(t *testing.T, err error, op, what string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s %s: no error", op, what)
		return
	}
	if msg := err.Error(); !strings.HasPrefix(msg, op+" "+what+": ") || strings.Count(msg, what) != 1 {
		t.Errorf("%s %s: error %q, want one that starts %q and names it once", op, what, msg, op+" "+what+": ")
	}
}

func list(t *testing.T, ctx context.Context, src source.Source, q trail.Scope) []string {
	t.Helper()
	what := fmt.Sprintf("List(%+v)", q)
	return Keys(t, what, func(each func(source.Object) error) error { return src.List(ctx, q, each) },
		func(o source.Object) {
			if probe := !source.IsLog(o.Key) && strings.HasSuffix(o.Key, ".gz"); o.Probe != probe {
				t.Errorf("%s: %s listed with Probe %v, want %v", what, o.Key, o.Probe, probe)
			}
		})
}

// Keys returns the keys of the objects list hands to each, sorted, after
// check has seen each object; an error from list, named by what, ends the
// test, and a key listed twice fails it.
func Keys(t testing.TB, what string, list func(each func(source.Object) error) error, check func(source.Object)) []string {
	t.Helper()
	var keys []string
	err := list(func(o source.Object) error {
		check(o)
		keys = append(keys, o.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	slices.Sort(keys)
	if k := slices.Compact(slices.Clone(keys)); len(k) != len(keys) {
		t.Errorf("%s gave some objects twice", what)
	}
	return keys
}

// diff says what got has that want has not, and the reverse.
func diff(got, want []string) string {
	var b strings.Builder
	for _, k := range got {
		if !slices.Contains(want, k) {
			b.WriteString("  unexpected " + k + "\n")
		}
	}
	for _, k := range want {
		if !slices.Contains(got, k) {
			b.WriteString("  missing    " + k + "\n")
		}
	}
	return b.String()
}
