package main

import (
	"io"

	"github.com/go-logr/logr"
	"go.uber.org/zap/zapcore"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// newLogger is the webhook's JSON logger. Errors it logs are about one
// review (a namespace not in the cache, a policy that could not be
// evaluated) and say so in their message; a stack trace of the logging call
// would add kilobytes per review and nothing a reader needs, so traces are
// kept for panics, which controller-runtime also reports with their own.
func newLogger(w io.Writer) logr.Logger {
	return zap.New(zap.UseDevMode(false), zap.WriteTo(w), zap.JSONEncoder(), zap.StacktraceLevel(zapcore.DPanicLevel))
}
