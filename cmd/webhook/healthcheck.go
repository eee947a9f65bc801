package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/spf13/cobra"
)

type healthcheckOptions struct {
	url     string
	timeout time.Duration
}

func newHealthcheckCommand(s streams) *cobra.Command {
	opts := &healthcheckOptions{}
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Probe the webhook's /healthz (for the image's HEALTHCHECK): exit 0 when healthy",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHealthcheck(cmd.Context(), opts, s)
		},
	}
	cmd.Flags().StringVar(&opts.url, "url", "http://127.0.0.1:8081/healthz", "health endpoint to probe")
	cmd.Flags().DurationVar(&opts.timeout, "timeout", 3*time.Second, "how long to wait for an answer")
	return cmd
}

// runHealthcheck needs no shell or curl in the image: the scratch image
// runs the webhook's own binary as its HEALTHCHECK.
func runHealthcheck(ctx context.Context, opts *healthcheckOptions, s streams) error {
	ctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, opts.url, nil)
	if err != nil {
		return cli.UsageError{Err: fmt.Errorf("--url: %w", err)}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(s.err, "unhealthy: %v\n", err)
		return cli.StatusError(exitUnhealth)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(s.err, "unhealthy: %s answered %s\n", opts.url, resp.Status)
		return cli.StatusError(exitUnhealth)
	}
	fmt.Fprintln(s.out, "healthy")
	return nil
}
