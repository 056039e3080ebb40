# Cordon API and worker image: `node dist/src/main.js api` or `node dist/src/main.js worker`.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# Build with the dev dependencies, then drop them so the runtime stage copies only what runs.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# The whole tree, not just dist/: the app finds its root by package.json and reads playbooks/ and
# integrations/ from there.
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js", "api"]
