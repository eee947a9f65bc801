# escape=`
# A custom escape character and a heredoc that installs packages with a cache.
FROM alpine:3.20
RUN <<EOF
apk add curl
echo done
EOF
RUN echo one `
    two
# slotcheck:ignore DF005 the shell form expands $PORT at start
CMD /bin/serve --port $PORT
# slotcheck:ignore DF012
ADD files/ /srv/
USER nobody
