# syntax=docker/dockerfile:1
# Accord's image: one image, two processes (`accord worker`, `accord api`; and, on dev
# clusters, Temporal's dev server through the `temporal` program it ships).
#
#   docker build -t accord:$(git describe --tags) \
#     --build-arg VERSION=$(git describe --tags) --build-arg REVISION=$(git rev-parse HEAD) .
#
# Dependencies come only from requirements/main.lock, every file checked against its hash,
# as wheels (no compiler anywhere). Pin the base image by digest in your registry mirror:
# --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:...

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
RUN python -m venv /opt/venv
COPY requirements/main.lock requirements/main.lock
RUN /opt/venv/bin/pip install --require-hashes --only-binary=:all: --no-deps \
        -r requirements/main.lock
COPY accord/ accord/
COPY activities/ activities/
COPY api/ api/
COPY domain/ domain/
COPY integrations/ integrations/
COPY sandbox/ sandbox/
COPY workflows/ workflows/
COPY worker.py ./
# The root filesystem is read-only at run time: compile everything now, so that each start
# does not recompile msgraph-sdk's thousands of modules. Accord's own code must compile; a
# dependency may ship a file for another Python version that is never imported.
RUN /opt/venv/bin/python -m compileall -q /app \
    && (/opt/venv/bin/python -m compileall -q /opt/venv || true)

FROM ${PYTHON_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="Accord" \
      org.opencontainers.image.description="Compassionate accountability agent for Microsoft 365 teams: worker and API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Proprietary"
RUN groupadd --gid 10001 accord \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin accord
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# HOME and the data directory live on /tmp, the one writable mount (an emptyDir in a pod).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    ACCORD_DATA_DIR=/tmp/accord \
    ACCORD_LOG_FORMAT=json
WORKDIR /app
USER 10001:10001
EXPOSE 8000 8081 9464
ENTRYPOINT ["python", "-m", "accord.cli"]
CMD ["worker"]
