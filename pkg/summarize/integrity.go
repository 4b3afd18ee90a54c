package summarize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/trailscan/trailscan/pkg/integrity"
)

// WithIntegrity adds what CloudTrail's signed digests prove about the
// logs read (scan --verify), under "integrity".
func WithIntegrity(f integrity.Findings) Option {
	return func(o *options) { o.integrity = &f }
}

// WithVerification adds what a shard read for verifying the whole scan,
// under "verification": its part's findings alone would be wrong, as a
// chain of digests crosses shards, so merge verifies the parts' ledgers
// merged.
func WithVerification(v Verification) Option {
	return func(o *options) { o.verification = &v }
}

// Verification is what verifying a scan needs of a part of it: the
// Ledger of what it read, and the public keys it had (none: signatures
// are not checked). Its JSON form is a contract, like Result's: the keys
// are written as `aws cloudtrail list-public-keys` prints them, which
// integrity.ReadKeys and --public-keys read.
type Verification struct {
	Ledger *integrity.Ledger
	Keys   []integrity.PublicKey
}

type verificationJSON struct {
	Ledger *integrity.Ledger `json:"ledger"`
	Keys   *publicKeysJSON   `json:"public_keys,omitempty"`
}

type publicKeysJSON struct {
	PublicKeyList []publicKeyJSON
}

type publicKeyJSON struct {
	Value             []byte    // base64, as encoding/json writes it
	ValidityStartTime time.Time `json:",omitzero"`
	ValidityEndTime   time.Time `json:",omitzero"`
	Fingerprint       string
}

func (v Verification) MarshalJSON() ([]byte, error) {
	w := verificationJSON{Ledger: v.Ledger}
	if w.Ledger == nil {
		w.Ledger = integrity.NewLedger()
	}
	if len(v.Keys) > 0 {
		w.Keys = &publicKeysJSON{}
		for _, k := range v.Keys {
			w.Keys.PublicKeyList = append(w.Keys.PublicKeyList, publicKeyJSON{k.Value, k.ValidFrom, k.ValidUntil, k.Fingerprint})
		}
	}
	return json.Marshal(w)
}

func (v *Verification) UnmarshalJSON(b []byte) error {
	var w struct {
		Ledger *integrity.Ledger `json:"ledger"`
		Keys   json.RawMessage   `json:"public_keys"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("verification: %w", err)
	}
	if w.Ledger == nil {
		return fmt.Errorf("verification: no ledger")
	}
	*v = Verification{Ledger: w.Ledger}
	if len(w.Keys) == 0 || bytes.Equal(w.Keys, []byte("null")) {
		return nil
	}
	keys, err := integrity.ReadKeys(bytes.NewReader(w.Keys))
	if err != nil {
		return fmt.Errorf("verification: %w", err)
	}
	v.Keys = keys
	return nil
}
