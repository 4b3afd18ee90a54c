// Package toxiproxy drives a running toxiproxy v2 server (see
// .ci/toxiproxy.sh) through its HTTP API, for tests that need a real TCP
// proxy that stalls, slows, cuts or resets connections.
package toxiproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// Env names the variable that holds the URL of toxiproxy's API.
const Env = "TRAILSCAN_TOXIPROXY"

// RequireEnv, when set (as CI does), makes a missing toxiproxy a failure
// rather than a reason to skip.
const RequireEnv = "TRAILSCAN_REQUIRE_TOXIPROXY"

// Server is a toxiproxy server's API.
type Server struct {
	api    string
	client *http.Client
}

// FromEnv returns the server named by TRAILSCAN_TOXIPROXY, and skips the
// test when there is none.
func FromEnv(t testing.TB) *Server {
	t.Helper()
	api := os.Getenv(Env)
	if api == "" && os.Getenv(RequireEnv) != "" {
		t.Fatal(Env + " is not set, and " + RequireEnv + " says the toxiproxy tests must run: start it with: eval \"$(.ci/toxiproxy.sh start)\"")
	}
	if api == "" {
		t.Skip(Env + ` is not set: run the fault tests with: eval "$(.ci/toxiproxy.sh start)"`)
	}
	return &Server{api: strings.TrimSuffix(api, "/"), client: &http.Client{Timeout: 10 * time.Second}}
}

// Proxy is one proxy of the server: connections to Listen are forwarded
// to its upstream, through its toxics.
type Proxy struct {
	Name   string `json:"name"`
	Listen string `json:"listen"` // host:port
	s      *Server
}

// Proxy creates a proxy to upstream (host:port) on a free loopback port,
// deleted when the test ends.
func (s *Server) Proxy(t testing.TB, upstream string) *Proxy {
	t.Helper()
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()) + fmt.Sprintf("-%d", time.Now().UnixNano())
	var p Proxy
	err := s.call(http.MethodPost, "/proxies", map[string]any{
		"name": name, "listen": "127.0.0.1:0", "upstream": upstream, "enabled": true,
	}, &p)
	if err != nil {
		t.Fatalf("toxiproxy: create proxy to %s: %v", upstream, err)
	}
	p.s = s
	t.Cleanup(func() {
		if err := s.call(http.MethodDelete, "/proxies/"+url.PathEscape(p.Name), nil, nil); err != nil {
			t.Logf("toxiproxy: delete proxy %s: %v", p.Name, err)
		}
	})
	return &p
}

// Toxic is one fault of a proxy; see toxiproxy's README for the types and
// their attributes (timeout, latency, limit_data, reset_peer, ...).
type Toxic struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Stream string `json:"stream"` // "downstream" (to the client) or "upstream"
	// Toxicity is the chance that a connection gets the toxic.
	Toxicity   float32        `json:"toxicity"`
	Attributes map[string]any `json:"attributes"`
}

// Add adds a toxic to the proxy; it applies to connections open and new.
func (p *Proxy) Add(t testing.TB, x Toxic) {
	t.Helper()
	if x.Name == "" {
		x.Name = x.Type + "-" + x.Stream
	}
	if err := p.s.call(http.MethodPost, "/proxies/"+url.PathEscape(p.Name)+"/toxics", x, nil); err != nil {
		t.Fatalf("toxiproxy: add %s toxic to %s: %v", x.Type, p.Name, err)
	}
}

// URL is the proxy as an http:// endpoint.
func (p *Proxy) URL() string { return "http://" + p.Listen }

func (s *Server) call(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, s.api+path, body)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}
