package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Shapes names the shapes Reshape writes, besides "delivered".
var Shapes = []string{"lines", "array", "eventbridge", "lookup-events", "lookup-lines"}

// Reshape rewrites a delivered log document, {"Records":[...]}, in another
// shape that holds CloudTrail events: one record a line, a bare array,
// EventBridge events one a line, a lookup-events page as the AWS CLI
// prints it, or its Events one a line. Records are kept byte for byte,
// except in lookup-events, where each is the JSON string CloudTrailEvent.
func Reshape(doc []byte, shape string) ([]byte, error) {
	var d struct{ Records []json.RawMessage }
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("reshape: %w", err)
	}
	var b bytes.Buffer
	sep, end := "\n", "\n"
	switch shape {
	case "delivered":
		return doc, nil
	case "array":
		b.WriteString("[")
		sep, end = ",\n", "]\n"
	case "lookup-events":
		b.WriteString("{\n    \"Events\": [\n")
		sep, end = ",\n", "\n    ],\n    \"NextToken\": \"eyJ0\"\n}\n"
	case "lines", "eventbridge", "lookup-lines":
	default:
		return nil, fmt.Errorf("reshape: no shape %q", shape)
	}
	for i, r := range d.Records {
		if i > 0 {
			b.WriteString(sep)
		}
		switch shape {
		case "eventbridge":
			var m struct {
				EventSource, EventTime, AWSRegion, RecipientAccountID string
				ID                                                    string `json:"eventID"`
			}
			_ = json.Unmarshal(r, &m) // a field of another type is left out
			fmt.Fprintf(&b, `{"version":"0","id":%q,"detail-type":"AWS API Call via CloudTrail","source":%q,"account":%q,"time":%q,"region":%q,"resources":[],"detail":`,
				m.ID, m.EventSource, m.RecipientAccountID, m.EventTime, m.AWSRegion)
			b.Write(r)
			b.WriteString("}")
		case "lookup-events", "lookup-lines":
			q, err := json.Marshal(string(r))
			if err != nil {
				return nil, fmt.Errorf("reshape: %w", err)
			}
			if shape == "lookup-events" {
				b.WriteString("        ")
			}
			b.WriteString(`{"EventId":"x","ReadOnly":"true","Resources":[],"CloudTrailEvent":`)
			b.Write(q)
			b.WriteString("}")
		default:
			b.Write(r)
		}
	}
	if len(d.Records) > 0 || shape == "array" || shape == "lookup-events" {
		b.WriteString(end)
	}
	return b.Bytes(), nil
}
