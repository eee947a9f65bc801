# A named user, then back to root: the image runs as root.
FROM alpine:3.20 AS base
RUN adduser -D app
USER app
FROM base
ENV API_TOKEN=abc123
ARG DB_PASSWORD
RUN apt-get update && apt-get install -y curl
USER 0:0
CMD ["sh"]
