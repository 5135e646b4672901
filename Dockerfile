# syntax=docker/dockerfile:1
# The engine's production image: one image for every role, chosen by `--role` (gate, lobby,
# services, standalone). Built from the repository root: `docker build -t tessera .`
# See docs/deploy.md.

# Stage 1: compile TypeScript to dist/ with the full (dev) dependency set.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

# Stage 2: production dependencies only, installed apart so that no build tool reaches the image.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# Stage 3: the runtime image: dist/, config/ and production node_modules, run as a non-root user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root config ./config
# data/ holds files a server writes (the gate's generated identity key when none is mounted).
RUN mkdir -p /app/data /app/logs && chown node:node /app/data /app/logs
USER node
# Client ports of a gate (TCP, WebSocket, KCP over UDP) and the HTTP ports of gate, lobby, services.
EXPOSE 3010/tcp 3011/tcp 3012/udp 8080/tcp 8081/tcp 8082/tcp
ENTRYPOINT ["node", "dist/main.js"]
CMD ["--role", "standalone"]
