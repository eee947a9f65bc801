//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testGarbageCertificate replaces the serving certificate with bytes that
// are no certificate, as a broken rotation would: the webhook must log it
// and go on serving the certificate it has, judging as before.
func testGarbageCertificate(t *testing.T, s *suite) {
	const ns = "e2e-certificate"
	s.namespace(t, ns, nil)
	opts := s.env.WebhookInstallOptions
	crt := filepath.Join(opts.LocalServingCertDir, "tls.crt")
	good, err := os.ReadFile(crt)
	if err != nil {
		t.Fatal(err)
	}
	before := servingCertificate(t, s)
	logged := len(s.logs.String())
	t.Cleanup(func() {
		if err := os.WriteFile(crt, good, 0o600); err != nil {
			t.Errorf("put the serving certificate back: %v", err)
		}
	})
	if err := os.WriteFile(crt, []byte("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the webhook logging that it cannot read the new certificate", func(context.Context) (bool, error) {
		since := s.logs.String()[logged:]
		return strings.Contains(since, "error re-reading certificate") || strings.Contains(since, "failed read certificate"), nil
	})
	if after := servingCertificate(t, s); !bytes.Equal(after, before) {
		t.Fatal("the webhook serves another certificate after a garbage one was written")
	}
	mustDeny(t, s.create(t, noncompliantPod(ns)), "SEC001")
}

// servingCertificate is the certificate the webhook presents, verified
// against envtest's CA.
func servingCertificate(t *testing.T, s *suite) []byte {
	t.Helper()
	opts := s.env.WebhookInstallOptions
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(opts.LocalServingCAData)
	d := tls.Dialer{Config: &tls.Config{RootCAs: pool, ServerName: opts.LocalServingHost, MinVersion: tls.VersionTLS12}}
	conn, err := d.DialContext(t.Context(), "tcp", net.JoinHostPort(opts.LocalServingHost, fmt.Sprint(opts.LocalServingPort)))
	if err != nil {
		t.Fatalf("TLS handshake with the webhook: %v", err)
	}
	defer conn.Close()
	return conn.(*tls.Conn).ConnectionState().PeerCertificates[0].Raw
}
