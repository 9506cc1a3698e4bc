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
# anywhere). Its size, and how it was measured: docs/operations.md, "The image".
#
# The base image is pinned by digest, so that a rebuild of the same commit gets the same
# Python and Debian. No digest is written below yet: this file was last edited where no
# container registry could be reached, and a digest copied from elsewhere cannot be checked.
# To pin it (and again to take a newer patch release of the base), read the "Digest:" line
# (the multi-platform index's digest) of
#   docker buildx imagetools inspect python:3.11-slim-bookworm
# then set the default below to python:3.11-slim-bookworm@sha256:<that digest>, or pass it:
#   --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:<digest>
# Both stages use this one argument, so one pin covers the build and the runtime.

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
# Installers are not needed at run time: the venv's own pip and setuptools leave the image.
RUN /opt/venv/bin/python -m pip uninstall --yes --quiet pip setuptools
# The root filesystem is read-only at run time, so bytecode is compiled now: all of Accord's
# own code (it must compile), and every module of the dependencies that the worker and the API
# import when they start, found by importing them. Compiling all of msgraph-sdk's generated
# modules would add about 120 MB for thousands never imported; the few that a request imports
# later are compiled in memory then.
RUN site=$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))') \
    && /opt/venv/bin/python -m compileall -q "$site/accord" "$site/activities" "$site/api" \
        "$site/domain" "$site/integrations" "$site/workflows" "$site/worker.py" \
    && env -u PYTHONDONTWRITEBYTECODE /opt/venv/bin/python -c "import worker, accord.cli.main, \
        accord.wiring.api, uvicorn.lifespan.on, uvicorn.loops.auto, uvicorn.protocols.http.auto"
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
# The API (8000) and its metrics (9465); the worker's probes (8081) and metrics (9464).
EXPOSE 8000 9465 8081 9464
ENTRYPOINT ["accord"]
CMD ["worker"]
