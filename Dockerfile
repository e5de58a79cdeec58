# syntax=docker/dockerfile:1
# padellm-stream image. CPU (default) or CUDA, chosen with a build arg:
#   docker build -t padellm-stream:0.1.0 .
#   docker build --build-arg VARIANT=cuda -t padellm-stream:0.1.0-cuda .
# The CUDA image runs ONNX Runtime's CUDA execution provider: CUDA 12 + cuDNN 9 (what onnxruntime-node 1.30's
# Linux GPU binaries are built against); GPU nodes need a driver that supports CUDA 12.

ARG VARIANT=cpu
ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04

# ---- build: dependencies, TypeScript compile, dev-dependency prune -------------------------------------------
FROM ${NODE_IMAGE} AS build
ARG VARIANT
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: the package's own `prepare` (tsc) needs sources that are not copied yet.
# `npm rebuild` then runs only onnxruntime-node's install script, which on linux/x64 fetches the CUDA execution-provider
# libraries (libonnxruntime_providers_cuda.so, _shared.so) from the Microsoft.ML.OnnxRuntime.Gpu.Linux NuGet
# package unless ONNXRUNTIME_NODE_INSTALL=skip. The CPU image skips them; the CUDA image forces cuda12.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && if [ "$VARIANT" = "cuda" ]; then \
      ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node; \
    elif [ "$VARIANT" = "cpu" ]; then \
      ONNXRUNTIME_NODE_INSTALL=skip npm rebuild onnxruntime-node; \
    else echo "VARIANT must be cpu or cuda, got $VARIANT" >&2; exit 1; fi
COPY tsconfig.json ./
COPY src ./src
# Other platforms' ONNX Runtime binaries are dead weight in a Linux image.
RUN npx tsc -p . \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && arch="$(node -p process.arch)" \
 && find node_modules/onnxruntime-node/bin/napi-v6 -mindepth 2 -maxdepth 2 -type d ! -path "*/linux/${arch}" \
      -exec rm -rf {} +

# ---- runtime bases ----------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime-cpu
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*

FROM ${CUDA_IMAGE} AS runtime-cuda
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Node from the official image (glibc 2.36 build; the CUDA base is newer, so it runs unchanged).
COPY --from=build /usr/local/bin/node /usr/local/bin/node

# ---- final ------------------------------------------------------------------------------------------------------
# hadolint ignore=DL3006
FROM runtime-${VARIANT}
ARG VARIANT
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
# Read at run time relative to dist/: Avro schemas and the embedded model bundle (the default PADELLM_MODEL_DIR,
# /app/models/padellm-conll03-smollm2-v6).
COPY schemas ./schemas
COPY models ./models
LABEL org.opencontainers.image.title="padellm-stream" \
      org.opencontainers.image.description="Streaming NER for Kafka (PaDeLLM-NER on ONNX Runtime), ${VARIANT} build" \
      org.opencontainers.image.licenses="Apache-2.0"
# Numeric uid so Kubernetes can verify runAsNonRoot; files stay root-owned and read-only to it.
USER 1000:1000
EXPOSE 9464
# tini forwards SIGTERM to node (PID 1 would otherwise ignore it) so the processor drains before exit.
ENTRYPOINT ["tini", "--", "node", "dist/src/cli/main.js"]
CMD ["run"]
