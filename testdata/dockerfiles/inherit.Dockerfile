# Peers' false positives: the builder runs as root (fine), the final stage is
# built FROM a stage and inherits its USER and HEALTHCHECK, stage aliases are
# not images to pin, and --platform=$BUILDPLATFORM is no base.
FROM --platform=$BUILDPLATFORM golang:1.22.5-alpine3.20 AS builder
USER root
RUN CGO_ENABLED=0 go build -o /bin/app .
FROM gcr.io/distroless/static-debian12:nonroot@sha256:8dd8d3ca2cf283383304fd45a5c9c74d5f2cd9da8d3b077d720e264880077c65 AS runtime
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD ["/bin/app", "health"]
FROM runtime
COPY --from=builder /bin/app /bin/app
EXPOSE 8080
ENTRYPOINT ["/bin/app"]
