# One stage, a moving base, root, no health check.
FROM golang:latest
WORKDIR /src
ADD . .
RUN go build -o /app .
ENTRYPOINT /app --serve
