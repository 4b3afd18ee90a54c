package trail

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// LateDelivery is how long after an event its file is still searched
// for. The key's date is the delivery's: CloudTrail delivers most events
// within 15 minutes, so an event at 23:58 may sit in the next day's folder.
const LateDelivery = 6 * time.Hour

// Scope restricts a scan to a time window and to some accounts and
// regions. The zero Scope keeps everything. Two scopes that keep the same
// events are Equal, print alike and are written alike, whatever the order
// or repetition of their accounts and regions.
type Scope struct {
	Since    time.Time // inclusive; zero: no lower bound
	Until    time.Time // exclusive; zero: no upper bound
	Accounts []string  // recipientAccountId; empty: all
	Regions  []string  // awsRegion; empty: all
}

// Canonical returns s with its times in UTC and its accounts and regions
// sorted, without repeats; empty lists are nil.
func (s Scope) Canonical() Scope {
	c := Scope{Accounts: sortedSet(s.Accounts), Regions: sortedSet(s.Regions)}
	if !s.Since.IsZero() {
		c.Since = s.Since.UTC()
	}
	if !s.Until.IsZero() {
		c.Until = s.Until.UTC()
	}
	return c
}

func sortedSet(v []string) []string {
	if len(v) == 0 {
		return nil
	}
	return slices.Compact(slices.Sorted(slices.Values(v)))
}

// Equal reports whether s and o keep the same events.
func (s Scope) Equal(o Scope) bool {
	a, b := s.Canonical(), o.Canonical()
	return a.Since.Equal(b.Since) && a.Until.Equal(b.Until) &&
		slices.Equal(a.Accounts, b.Accounts) && slices.Equal(a.Regions, b.Regions)
}

// HasAccount reports whether events of account a are in scope.
func (s Scope) HasAccount(a string) bool {
	return len(s.Accounts) == 0 || slices.Contains(s.Accounts, a)
}

// HasRegion reports whether events of region r are in scope.
func (s Scope) HasRegion(r string) bool {
	return len(s.Regions) == 0 || slices.Contains(s.Regions, r)
}

// Windowed reports whether the scope limits time at all.
func (s Scope) Windowed() bool { return !s.Since.IsZero() || !s.Until.IsZero() }

// HasTime reports whether an event at t is inside the time window.
func (s Scope) HasTime(t time.Time) bool {
	return (s.Since.IsZero() || !t.Before(s.Since)) && (s.Until.IsZero() || t.Before(s.Until))
}

// delivered reports whether deliveries in [from, to) can carry events in
// the window.
func (s Scope) delivered(from, to time.Time) bool {
	if !s.Until.IsZero() && !from.Before(s.Until.Add(LateDelivery)) {
		return false
	}
	if !s.Since.IsZero() && !to.After(s.Since) {
		return false
	}
	return true
}

// String says what the scope keeps, as a person reads it.
func (s Scope) String() string {
	w := s.written()
	var parts []string
	if w.Since != "" {
		parts = append(parts, "since "+w.Since)
	}
	if w.Until != "" {
		parts = append(parts, "until "+w.Until)
	}
	if len(w.Accounts) > 0 {
		parts = append(parts, "accounts "+strings.Join(w.Accounts, ","))
	}
	if len(w.Regions) > 0 {
		parts = append(parts, "regions "+strings.Join(w.Regions, ","))
	}
	if len(parts) == 0 {
		return "everything"
	}
	return strings.Join(parts, " ")
}

// writtenScope is a scope's one written form, in state files, shard parts
// and merged results: times in RFC 3339 (UTC), empty when unbounded;
// accounts and regions sorted, absent for all. Its JSON names are a
// contract.
type writtenScope struct {
	Since    string   `json:"since,omitempty"`
	Until    string   `json:"until,omitempty"`
	Accounts []string `json:"accounts,omitempty"`
	Regions  []string `json:"regions,omitempty"`
}

func (s Scope) written() writtenScope {
	c := s.Canonical()
	w := writtenScope{Accounts: c.Accounts, Regions: c.Regions}
	if !c.Since.IsZero() {
		w.Since = c.Since.Format(time.RFC3339Nano)
	}
	if !c.Until.IsZero() {
		w.Until = c.Until.Format(time.RFC3339Nano)
	}
	return w
}

// MarshalJSON writes the scope in its canonical form.
func (s Scope) MarshalJSON() ([]byte, error) { return json.Marshal(s.written()) }

// UnmarshalJSON reads a scope as MarshalJSON writes it.
func (s *Scope) UnmarshalJSON(b []byte) error {
	var w writtenScope
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var c Scope
	for _, f := range []struct {
		text string
		t    *time.Time
	}{{w.Since, &c.Since}, {w.Until, &c.Until}} {
		if f.text == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, f.text)
		if err != nil {
			return fmt.Errorf("scope: %w", err)
		}
		*f.t = t
	}
	c.Accounts, c.Regions = w.Accounts, w.Regions
	*s = c.Canonical()
	return nil
}
