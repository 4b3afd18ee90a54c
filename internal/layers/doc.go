// Package layers holds no code: its test keeps trailscan's packages in
// their layers, failing when a package imports one its doc.go says it must
// never import.
package layers
