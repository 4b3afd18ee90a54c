package parse

import (
	"bytes"
	"encoding/json"
	"strings"
)

// DetectByDecoder is detect as it was written on encoding/json's Decoder,
// which firstKeys reads as: the tests hold the two equal.
func DetectByDecoder(p []byte) (Shape, bool) {
	p = bytes.TrimPrefix(p, bom)
	p = bytes.TrimLeft(p, " \t\r\n")
	if len(p) == 0 {
		return Delivered, false
	}
	switch {
	case p[0] == '[':
		_, rec := firstKeysByDecoder(p[1:])
		return Array, rec.record
	case timestampByte(p[0], true):
		i := 1
		for i < len(p) && i < maxTimestamp && timestampByte(p[i], false) {
			i++
		}
		if i+1 < len(p) && p[i] == ' ' && p[i+1] == '{' {
			if sh, k := firstKeysByDecoder(p[i+1:]); sh == Lines && k.record {
				return CWLExport, true
			}
		}
		return Delivered, false
	case p[0] != '{':
		return Delivered, false
	}
	sh, k := firstKeysByDecoder(p)
	switch sh {
	case Delivered, LookupEvents, CWLSubscription:
		return sh, k.decided
	case EventBridge:
		return sh, k.fromCloudTrail
	}
	return sh, k.record
}

// DetectShape is detect.
func DetectShape(p []byte) (Shape, bool) { return detect(p) }

func firstKeysByDecoder(p []byte) (Shape, keys) {
	var k keys
	d := json.NewDecoder(bytes.NewReader(p))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return Delivered, k
	}
	var detail, detailType bool
	for d.More() {
		t, err := d.Token()
		if err != nil {
			break
		}
		name, _ := t.(string)
		k.decided = true
		switch name {
		case "Records":
			return Delivered, k
		case "Events", "CloudTrailEvent":
			return LookupEvents, k
		case "messageType", "logEvents":
			return CWLSubscription, k
		}
		k.decided = false
		switch name {
		case "detail":
			detail = true
		case "detail-type":
			detailType = true
		case "eventID", "eventVersion", "eventTime", "eventSource", "eventName":
			k.record = true
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			break
		}
		if name == "detail-type" {
			var dt string
			_ = json.Unmarshal(v, &dt)
			k.fromCloudTrail = strings.HasSuffix(dt, "via CloudTrail")
		}
	}
	switch {
	case detail && detailType:
		return EventBridge, k
	case k.record:
		return Lines, k
	}
	return Delivered, k
}
