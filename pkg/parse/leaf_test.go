package parse_test

import (
	"go/build"
	"strings"
	"testing"
)

// TestLeaf holds the package to what doc.go says it may import.
func TestLeaf(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"github.com/klauspost/compress/", "golang.org/x/sys/cpu"}
	for _, imp := range pkg.Imports {
		std := !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".")
		ok := std
		for _, a := range allowed {
			ok = ok || imp == strings.TrimSuffix(a, "/") || strings.HasPrefix(imp, a)
		}
		if !ok {
			t.Errorf("parse imports %s: it may import only the standard library, klauspost/compress and x/sys/cpu", imp)
		}
	}
}
