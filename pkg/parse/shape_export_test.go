package parse

import (
	"bytes"
	"encoding/json"
	"strings"
)

// DetectByDecoder is detect reading the first object's keys with
// encoding/json's Decoder, as firstKeys reads them by hand: the tests
// hold the two equal.
func DetectByDecoder(p []byte) (Shape, bool) { return detectBy(p, firstKeysByDecoder) }

// DetectShape is detect.
func DetectShape(p []byte) (Shape, bool) { return detect(p) }

func firstKeysByDecoder(p []byte) (Shape, keys) {
	var ks keyShapes
	d := json.NewDecoder(bytes.NewReader(p))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return Delivered, ks.keys
	}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			break
		}
		name, _ := t.(string)
		if sh, ok := ks.see(name); ok {
			return sh, ks.keys
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			break
		}
		if name == "detail-type" {
			var dt string
			_ = json.Unmarshal(v, &dt)
			ks.fromCloudTrail = strings.HasSuffix(dt, "via CloudTrail")
		}
	}
	return ks.shape()
}
