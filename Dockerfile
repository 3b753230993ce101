# The service alone: no dev tools, no tests. Embedded SQLite in /data unless
# KAP_DATABASE_URL names a PostgreSQL database (see docker-compose.yml).

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY application ./application
COPY interface ./interface
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels

RUN useradd --system --uid 10001 --user-group --no-create-home kap \
    && mkdir /data && chown kap:kap /data
# The SQLite database and its key file (mode 0600) live here; mount a volume to keep them.
VOLUME ["/data"]
ENV KAP_DATABASE_URL=sqlite:////data/kap-journeys.db
USER kap
WORKDIR /data

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
CMD ["kap-journeys", "serve", "--host", "0.0.0.0", "--port", "8000"]
