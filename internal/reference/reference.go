package reference

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/trailscan/trailscan/pkg/parse"
)

// Records has the contract of parse.Records.
func Records(r io.Reader, fn func(*parse.Event) error) (int64, error) {
	d := json.NewDecoder(r)
	d.UseNumber()
	t, err := d.Token()
	if err == io.EOF {
		return 0, fmt.Errorf("%w: the file is empty", parse.ErrNotCloudTrail)
	}
	if err != nil {
		return 0, err
	}
	if t != json.Delim('{') {
		return 0, fmt.Errorf("%w: the document is not a JSON object", parse.ErrNotCloudTrail)
	}
	var n int64
	seen := false
	err = members(d, func(k string) error {
		if k != "Records" {
			var v any
			return d.Decode(&v)
		}
		if seen {
			return errors.New("duplicate Records key")
		}
		seen = true
		var err error
		n, err = records(d, fn)
		return err
	})
	if err != nil {
		return n, err
	}
	if !seen {
		return n, fmt.Errorf("%w: no Records key", parse.ErrNotCloudTrail)
	}
	if _, err := d.Token(); err != io.EOF {
		return n, fmt.Errorf("data after the end of the document: %v", err)
	}
	return n, nil
}

// members walks an object whose { was read; fn must read each value.
func members(d *json.Decoder, fn func(string) error) error {
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		if err := fn(t.(string)); err != nil {
			return err
		}
	}
	_, err := d.Token()
	return err
}

func records(d *json.Decoder, fn func(*parse.Event) error) (int64, error) {
	t, err := d.Token()
	if err != nil {
		return 0, err
	}
	if t != json.Delim('[') {
		return 0, fmt.Errorf("%w: Records is not an array", parse.ErrNotCloudTrail)
	}
	var n int64
	for d.More() {
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return n, err
		}
		// The raw value holds no surrounding space, and the decoder stops
		// right after it.
		start := d.InputOffset() - int64(len(raw))
		m, err := object(raw)
		if err != nil {
			return n, err
		}
		if m == nil {
			return n, fmt.Errorf("%w: record %d is not an object", parse.ErrNotCloudTrail, n+1)
		}
		ev := parse.Event{Offset: start, Length: int64(len(raw))}
		if err := fields(m, &ev); err != nil {
			return n, err
		}
		n++
		if err := fn(&ev); err != nil {
			return n, err
		}
	}
	_, err = d.Token()
	return n, err
}

// member is one key and value of an object, in document order, so that
// every occurrence of a duplicate key is checked and the last one wins.
type member struct {
	key string
	val json.RawMessage
}

// object splits raw into its members, or returns nil if raw is not an object.
func object(raw json.RawMessage) ([]member, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	t, err := d.Token()
	if err != nil || t != json.Delim('{') {
		return nil, err
	}
	ms := []member{}
	err = members(d, func(k string) error {
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return err
		}
		ms = append(ms, member{k, v})
		return nil
	})
	return ms, err
}

func fields(ms []member, ev *parse.Event) error {
	strs := map[string]*string{
		"eventTime": &ev.EventTime, "eventSource": &ev.EventSource, "eventName": &ev.EventName,
		"eventType": &ev.EventType, "awsRegion": &ev.AWSRegion, "recipientAccountId": &ev.RecipientAccountID,
		"eventID": &ev.EventID, "errorCode": &ev.ErrorCode, "errorMessage": &ev.ErrorMessage,
		"sourceIPAddress": &ev.SourceIPAddress, "userAgent": &ev.UserAgent,
	}
	for _, m := range ms {
		var err error
		switch p := strs[m.key]; {
		case p != nil:
			err = text(m.val, p)
		case m.key == "readOnly":
			err = boolean(m.val, &ev.ReadOnly)
		case m.key == "userIdentity":
			ev.UserIdentity = parse.Identity{}
			err = nested(m.val, func(ms []member) error { return identity(ms, &ev.UserIdentity) })
		case m.key == "serviceEventDetails":
			ev.CaseID, ev.PermitRequestARN = "", ""
			err = nested(m.val, func(ms []member) error {
				return texts(ms, map[string]*string{
					"supportCaseDisplayId": &ev.CaseID, "supportPermitRequestArn": &ev.PermitRequestARN,
				})
			})
		}
		if err != nil {
			return fmt.Errorf("%s: %w", m.key, err)
		}
	}
	return nil
}

func identity(ms []member, id *parse.Identity) error {
	if err := texts(ms, map[string]*string{
		"type": &id.Type, "arn": &id.ARN, "accountId": &id.AccountID,
		"principalId": &id.PrincipalID, "invokedBy": &id.InvokedBy,
	}); err != nil {
		return err
	}
	for _, m := range ms {
		if m.key != "sessionContext" {
			continue
		}
		id.Issuer = parse.Issuer{}
		err := nested(m.val, func(ms []member) error {
			for _, m := range ms {
				if m.key != "sessionIssuer" {
					continue
				}
				id.Issuer = parse.Issuer{}
				if err := nested(m.val, func(ms []member) error {
					return texts(ms, map[string]*string{
						"type": &id.Issuer.Type, "arn": &id.Issuer.ARN,
						"userName": &id.Issuer.UserName, "accountId": &id.Issuer.AccountID,
					})
				}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// nested decodes an object-or-null value and hands its members to fn.
func nested(raw json.RawMessage, fn func([]member) error) error {
	if string(raw) == "null" {
		return nil
	}
	ms, err := object(raw)
	if err != nil {
		return err
	}
	if ms == nil {
		return errors.New("want an object")
	}
	return fn(ms)
}

func texts(ms []member, into map[string]*string) error {
	for _, m := range ms {
		if p := into[m.key]; p != nil {
			if err := text(m.val, p); err != nil {
				return fmt.Errorf("%s: %w", m.key, err)
			}
		}
	}
	return nil
}

func text(raw json.RawMessage, p *string) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case nil:
		*p = ""
	case string:
		*p = v
	default:
		return errors.New("want a string")
	}
	return nil
}

func boolean(raw json.RawMessage, p *parse.Bool) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	switch v {
	case nil:
		*p = parse.Unset
	case true:
		*p = parse.True
	case false:
		*p = parse.False
	default:
		return errors.New("want a boolean")
	}
	return nil
}
