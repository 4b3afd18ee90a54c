package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// Shapes names the shapes Reshape writes, besides "delivered": one record
// a line, a bare array, EventBridge events one a line, a lookup-events
// page as the AWS CLI prints it, its Events one a line, CloudWatch Logs
// subscription payloads as Firehose writes them, and a CloudWatch Logs
// export.
var Shapes = []string{"ndjson", "array", "eventbridge", "lookup", "lookup-jsonl", "cwl-subscription", "cwl-export"}

// payloadEvents is how many log events a subscription payload holds, at
// most: CloudWatch Logs batches a few seconds of a log stream.
const payloadEvents = 25

// Reshape rewrites a delivered log document, {"Records":[...]}, in
// another of the shapes trailscan reads (see Shapes). Records are kept
// byte for byte, except in lookup-events and subscription payloads, where
// each is a JSON string.
func Reshape(doc []byte, shape string) ([]byte, error) {
	if shape == "cwl-subscription" {
		ps, err := Payloads(doc)
		return bytes.Join(ps, nil), err
	}
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
	case "lookup":
		b.WriteString("{\n    \"Events\": [\n")
		sep, end = ",\n", "\n    ],\n    \"NextToken\": \"eyJ0\"\n}\n"
	case "ndjson", "eventbridge", "lookup-jsonl", "cwl-export":
	default:
		return nil, fmt.Errorf("reshape: no shape %q", shape)
	}
	for i, r := range d.Records {
		if i > 0 {
			b.WriteString(sep)
		}
		switch shape {
		case "eventbridge":
			m := fieldsOf(r)
			fmt.Fprintf(&b, `{"version":"0","id":%q,"detail-type":"AWS API Call via CloudTrail","source":%q,"account":%q,"time":%q,"region":%q,"resources":[],"detail":`,
				m.ID, m.EventSource, m.RecipientAccountID, m.EventTime, m.AWSRegion)
			b.Write(r)
			b.WriteString("}")
		case "lookup", "lookup-jsonl":
			q, err := json.Marshal(string(r))
			if err != nil {
				return nil, fmt.Errorf("reshape: %w", err)
			}
			if shape == "lookup" {
				b.WriteString("        ")
			}
			b.WriteString(`{"EventId":"x","ReadOnly":"true","Resources":[],"CloudTrailEvent":`)
			b.Write(q)
			b.WriteString("}")
		case "cwl-export":
			b.WriteString(fieldsOf(r).time().Format("2006-01-02T15:04:05.000Z") + " ")
			b.Write(r)
		default:
			b.Write(r)
		}
	}
	if len(d.Records) > 0 || shape == "array" || shape == "lookup" {
		b.WriteString(end)
	}
	return b.Bytes(), nil
}

// Payloads rewrites a delivered log document as the CloudWatch Logs
// subscription payloads that carry its records, each a JSON string: a
// control message, as CloudWatch Logs sends when a subscription starts,
// then data messages of up to payloadEvents events. Firehose writes them
// back to back, each its own gzip member.
func Payloads(doc []byte) ([][]byte, error) {
	var d struct{ Records []json.RawMessage }
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("reshape: %w", err)
	}
	out := [][]byte{[]byte(`{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":0,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}`)}
	for batch := range slices.Chunk(d.Records, payloadEvents) {
		first := fieldsOf(batch[0])
		var b bytes.Buffer
		fmt.Fprintf(&b, `{"messageType":"DATA_MESSAGE","owner":%q,"logGroup":"aws-cloudtrail-logs-%s","logStream":"%s_CloudTrail_%s","subscriptionFilters":["cloudtrail-to-s3"],"logEvents":[`,
			first.RecipientAccountID, first.RecipientAccountID, first.RecipientAccountID, first.AWSRegion)
		for i, r := range batch {
			if i > 0 {
				b.WriteByte(',')
			}
			q, err := json.Marshal(string(r))
			if err != nil {
				return nil, fmt.Errorf("reshape: %w", err)
			}
			fmt.Fprintf(&b, `{"id":"%056d","timestamp":%d,"message":`, i, fieldsOf(r).time().UnixMilli())
			b.Write(q)
			b.WriteByte('}')
		}
		b.WriteString("]}")
		out = append(out, b.Bytes())
	}
	return out, nil
}

// fields are what the wrappers of a record repeat of it.
type fields struct {
	EventSource, EventTime, AWSRegion, RecipientAccountID string
	ID                                                    string `json:"eventID"`
}

func fieldsOf(rec []byte) fields {
	var m fields
	_ = json.Unmarshal(rec, &m) // a field of another type is left out
	return m
}

func (f fields) time() time.Time {
	t, _ := time.Parse(time.RFC3339, f.EventTime)
	return t
}

// shapeKey is where a log file written in shape is stored, given the key
// of its delivered copy: a name of the shape's own, below the trail's
// folders, or in the layout CloudWatch Logs and Firehose write.
func shapeKey(shape, prefix, key, account, region string, deliver time.Time, unique string) string {
	base := strings.TrimSuffix(strings.TrimSuffix(key, ".gz"), ".json")
	switch shape {
	case "ndjson":
		return base + ".ndjson.gz"
	case "eventbridge", "lookup-jsonl":
		return base + ".jsonl.gz"
	case "cwl-subscription":
		return path.Join(prefix, "firehose", deliver.Format("2006/01/02/15"),
			"cloudtrail-to-s3-1-"+deliver.Format("2006-01-02-15-04-05")+"-"+unique+".gz")
	case "cwl-export":
		return path.Join(prefix, "exportedlogs", unique, account+"_CloudTrail_"+region, "000000.gz")
	}
	return base + ".json.gz"
}
