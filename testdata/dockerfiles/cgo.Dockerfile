# A scratch image whose binary was built without CGO_ENABLED=0: it is
# dynamically linked and cannot start on scratch.
FROM golang:1.22@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /out/server ./cmd/server

FROM scratch
COPY --from=build /out/server /server
USER 10001
HEALTHCHECK --interval=10s --timeout=2s --start-period=5s --retries=3 CMD ["/server", "-health"]
ENTRYPOINT ["/server"]
