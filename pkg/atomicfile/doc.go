// Package atomicfile replaces files whole: a reader, or the next run after
// a crash, sees the old file or the new one, never a part of either.
//
// It is a leaf, importing only the standard library, and must never import
// another trailscan package.
package atomicfile
