# Hookline container image: a static binary on a distroless base, run as an
# unprivileged user. Build: docker build -t hookline .
# Run (SQLite in a volume):   docker run -p 8080:8080 -v hookline-data:/data hookline
# Run (PostgreSQL, scalable): docker run -p 8080:8080 -e HOOKLINE_DATABASE_URL=postgres://... hookline

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# CGO off: the SQLite driver is pure Go, so the binary needs no libc.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/hookline ./cmd/hookline \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hookline /usr/local/bin/hookline
# The SQLite data folder, owned by the nonroot user (uid 65532).
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV HOOKLINE_ADDR=:8080 \
    HOOKLINE_DATA_DIR=/data \
    HOOKLINE_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/hookline"]
CMD ["serve"]
