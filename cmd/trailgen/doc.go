// Command trailgen writes a synthetic CloudTrail archive, with a manifest
// of what it holds, for testing and benchmarking trailscan.
//
// Usage:
//
//	trailgen [flags] -o DIR
//
// Examples:
//
//	trailgen -o /tmp/archive
//	trailgen --damaged --org o-a1b2c3d4e5 --partitions aws,aws-us-gov -o /tmp/archive --manifest /tmp/archive.json
//	trailgen --size-mb 1024 --uneven -o /tmp/big
//	trailgen --digests --public-keys /tmp/keys.json -o /tmp/signed --manifest /tmp/signed.json
//
// The testdata/sample archive is made by the go:generate directive of
// package internal/gen.
//
// It only wires flags to internal/gen, and must never import a package of
// trailscan's own scanner (pkg/...): what it writes is what the scanner is
// judged on.
package main
