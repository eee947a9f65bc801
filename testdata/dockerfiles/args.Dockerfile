# ARGs before FROM: a versioned template is pinned, a bare image is not.
ARG GO_VERSION=1.22
ARG BASE=alpine
FROM golang:${GO_VERSION}-alpine AS build
RUN CGO_ENABLED=0 go build -o /app .
FROM ${BASE}
COPY --from=build /app /app
USER 1000
ENTRYPOINT ["/app"]
