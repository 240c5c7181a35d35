# syntax=docker/dockerfile:1
# One image for every platform process: the services, the console, the journey worker and the event bridge.
# docker-compose.yml and deploy/k8s/ pick the process with the command (`python -m services.<name>`,
# `python -m workflows.worker`, `python -m workflows.bridge`); every setting comes from RSP_ variables.

FROM node:20-slim AS assets
# The console's front-end assets (govuk-frontend), exactly as package-lock.json pins them; no dev packages.
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund


FROM python:3.12-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the package is built from: the local data folder, the venv and the tests stay out of the image.
COPY pyproject.toml ./
COPY contracts ./contracts
COPY runtime ./runtime
COPY services ./services
COPY workflows ./workflows
RUN pip wheel --wheel-dir /wheels .


FROM python:3.12-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RSP_HOST=0.0.0.0 \
    RSP_CONSOLE_NODE_MODULES=/opt/rsp/node_modules

# The wheels are mounted for the install only, so they never become a layer of the final image.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links /wheels relational-schools-platform

# A fixed numeric id, so Kubernetes can check runAsNonRoot without resolving a user name.
RUN groupadd --system --gid 10001 rsp \
    && useradd --system --uid 10001 --gid rsp --home-dir /app --shell /usr/sbin/nologin rsp \
    && mkdir /app \
    && chown rsp:rsp /app

COPY --from=assets /assets/node_modules /opt/rsp/node_modules

WORKDIR /app
USER 10001:10001

EXPOSE 18101 18102 18103 18104 18105

CMD ["python", "-m", "services.enrolment"]
