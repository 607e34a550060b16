# syntax=docker/dockerfile:1
# order-capture: one image for every role (api, worker, connectors; docs/scale-out.md).
# Small (Debian slim, production dependencies only), runs as the unprivileged `node` user, and
# holds everything it needs at run time: the OCR language data (@tesseract.js-data/eng, spa),
# the tesseract.js WebAssembly core, fonts for rendering, and the embedded database template.
# Nothing is downloaded when a container starts.

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# `prepare` (bin/build.js) runs on install; without TypeScript (dev only) it leaves the sources to tsx.
COPY bin ./bin
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    ORDERCAP_DATA_DIR=/data
# Fonts: pdf.js falls back to system fonts when it renders a PDF page for OCR.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json LICENSE README.md ./
COPY bin ./bin
COPY src ./src
COPY connectors ./connectors
COPY templates ./templates
COPY fixtures ./fixtures
COPY docs ./docs
# The migrated PGlite templates (node_modules/.cache; the small one is `extract --data`'s), built
# now: the image's files are not writable by the user it runs as, and a start must not have to
# build anything. The data
# folders exist, owned by `node`, so that a new named volume mounted on one takes that owner.
RUN node --import tsx --input-type=module -e "const o = await import('./src/db/open.ts'); await o.embeddedTemplate(); await o.scratchTemplate()" \
 && mkdir -p /data/inbox/edifact /data/inbox/fax /data/inbox/mail /data/erp-out /data/outbox/edifact \
 && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/order-capture.js"]
CMD ["serve"]
