package gen_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/reference"
	"github.com/trailscan/trailscan/pkg/parse"
)

// TestReshape: every shape holds the events of the delivered document, as
// the parser and the reference read them.
func TestReshape(t *testing.T) {
	doc := []byte(`{"Records":[{"eventVersion":"1.08","eventTime":"2026-10-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"A","awsRegion":"us-east-1","eventID":"e1","recipientAccountId":"1","requestParameters":{"s":"a\"b\\c\u00e9"}},{"eventID":"e2","eventName":"B","x":[1,{"y":null}]}]}`)
	ids := func(dec func(*bytes.Reader) ([]string, error), in []byte) ([]string, error) {
		return dec(bytes.NewReader(in))
	}
	read := func(records func(r *bytes.Reader, fn func(*parse.Event) error) (int64, error)) func(*bytes.Reader) ([]string, error) {
		return func(r *bytes.Reader) ([]string, error) {
			var got []string
			_, err := records(r, func(ev *parse.Event) error { got = append(got, ev.EventID+"/"+ev.EventName); return nil })
			return got, err
		}
	}
	parser := read(func(r *bytes.Reader, fn func(*parse.Event) error) (int64, error) { return parse.Records(r, fn) })
	oracle := read(func(r *bytes.Reader, fn func(*parse.Event) error) (int64, error) { return reference.Records(r, fn) })
	want := []string{"e1/A", "e2/B"}
	for _, shape := range append([]string{"delivered"}, gen.Shapes...) {
		out, err := gen.Reshape(doc, shape)
		if err != nil {
			t.Fatal(err)
		}
		for name, dec := range map[string]func(*bytes.Reader) ([]string, error){"parse": parser, "reference": oracle} {
			got, err := ids(dec, out)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s, read by %s: %v, %v; want %v\n%s", shape, name, got, err, want, out)
			}
		}
	}
	if _, err := gen.Reshape(doc, "csv"); err == nil {
		t.Error("Reshape to no shape did not fail")
	}
}
