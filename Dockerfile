# syntax=docker/dockerfile:1
# slotcheck-webhook image, built to the deployment standard that slotcheck
# enforces (and checked by it in CI): a pinned Go builder, a static
# CGO_ENABLED=0 build, a scratch final stage with CA certificates, a numeric
# non-root user and a HEALTHCHECK that needs no shell. The image also
# carries the slotcheck CLI.
ARG GO_VERSION=1.26.8
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine3.22 AS build
RUN apk add --no-cache ca-certificates
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG VERSION=v0.1.0
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \
      -ldflags "-s -w -X github.com/slotwise/slotcheck/internal/version.version=${VERSION}" \
      -o /out/slotcheck-webhook ./cmd/webhook && \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \
      -ldflags "-s -w -X github.com/slotwise/slotcheck/internal/version.version=${VERSION}" \
      -o /out/slotcheck ./cmd/slotcheck

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/slotcheck-webhook /slotcheck-webhook
COPY --from=build /out/slotcheck /slotcheck
USER 65532:65532
EXPOSE 9443 8080 8081
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/slotcheck-webhook", "healthcheck"]
ENTRYPOINT ["/slotcheck-webhook"]
