# syntax=docker/dockerfile:1
# Accord's image: one image, two processes (`accord worker`, `accord api`). It holds a virtual
# environment with Accord's wheel and its locked dependencies, nothing else of the repository:
# no sandbox, no Temporal dev server, no tests (a dev cluster runs Temporal's own image).
#
#   docker build -t accord:$(git describe --tags) \
#     --build-arg VERSION=$(git describe --tags) --build-arg REVISION=$(git rev-parse HEAD) .
#
# Dependencies come only from requirements/main.lock, and the wheel's build backend only from
# requirements/build.lock, every file checked against its hash, as wheels (no compiler
# anywhere). Pin the base image by digest in your registry mirror:
# --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:...

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/venv \
    && python -m venv /opt/build
COPY requirements/main.lock requirements/build.lock requirements/
RUN /opt/venv/bin/pip install --require-hashes --only-binary=:all: --no-deps \
        -r requirements/main.lock \
    && /opt/build/bin/pip install --require-hashes --only-binary=:all: --no-deps \
        -r requirements/build.lock
# .dockerignore lets in only what the wheel is built from; pyproject.toml says what it holds.
COPY . .
RUN /opt/build/bin/python -m pip wheel --no-deps --no-build-isolation --no-index \
        --wheel-dir /wheels . \
    && /opt/venv/bin/pip install --no-deps --no-index /wheels/accord-*.whl
# The root filesystem is read-only at run time: compile everything now, so that each start
# does not recompile msgraph-sdk's thousands of modules. Accord's own code must compile; a
# dependency may ship a file for another Python version that is never imported.
RUN site=$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))') \
    && /opt/venv/bin/python -m compileall -q "$site/accord" "$site/activities" "$site/api" \
        "$site/domain" "$site/integrations" "$site/workflows" "$site/worker.py" \
    && (/opt/venv/bin/python -m compileall -q /opt/venv || true)
# The installed program starts without the repository (it runs from /opt/venv/bin, not /src).
RUN /opt/venv/bin/accord --help >/dev/null

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
# HOME and the data directory live on /tmp, the one writable mount (an emptyDir in a pod).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    ACCORD_DATA_DIR=/tmp/accord \
    ACCORD_LOG_FORMAT=json
WORKDIR /tmp
USER 10001:10001
EXPOSE 8000 8081 9464
ENTRYPOINT ["accord"]
CMD ["worker"]
