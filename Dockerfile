# syntax=docker/dockerfile:1
# Portolan: build stage compiles TypeScript and the web UI; the runtime stage has production
# dependencies only and runs as a non-root user. Build: `docker build -t portolan .`
#
# chDB (the embedded store) ships its native library in the optional npm package
# @chdb/lib-<platform>; the lock lists every platform's, but only linux-x64 was checked here:
# build and run the image as linux/amd64 (docker-compose.yml pins `platform: linux/amd64`). With `--clickhouse URL`
# the native library is loaded only if the embedded store is used.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; chdb's install script is a no-op.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY common ./common
COPY collector ./collector
COPY analyzer ./analyzer
COPY dashboard ./dashboard
COPY cli ./cli
COPY native ./native
# `npm run build` compiles to dist/; the web UI (Vite) is built here too when the build script does not do it.
RUN npm run build \
 && if [ -f dashboard/web/vite.config.ts ] && [ ! -f dashboard/web/dist/index.html ]; then npx vite build --config dashboard/web/vite.config.ts; fi \
 && mkdir -p dashboard/web/dist
# native/page-out (optional): lets the embedded store hand chDB's start-up pages back (about 150 MiB
# of RSS). The slim image has no compiler: install one here, in the build stage only.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ >/dev/null \
 && npm run build:native && mkdir -p native/build/Release

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORTOLAN_LOG_FORMAT=json \
    PORTOLAN_CACHE_DIR=/app/registry
WORKDIR /app
# lbzip2 and bzip2: RouteViews archives are .bz2, decoded on every core by lbzip2, else by bzip2
# (common/bzip2.ts; a JS fallback is several times slower).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends lbzip2 bzip2 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/dashboard/web/dist ./dashboard/web/dist
COPY --from=build /app/native/build/Release ./native/build/Release
# Relative defaults (./data/portolan, ./data/spool, ./data/alerts-dead-letter.jsonl) land in /app/data.
RUN groupadd --system portolan \
 && useradd --system --gid portolan --home-dir /app --shell /usr/sbin/nologin portolan \
 && mkdir -p /app/data /app/registry \
 && chown portolan:portolan /app/data /app/registry
USER portolan
VOLUME ["/app/data"]
EXPOSE 8080
# SIGTERM is handled (flush, close sockets); node runs as PID 1 directly, so it receives it.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/portolan.js"]
CMD ["--help"]
