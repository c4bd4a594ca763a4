FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY application application
COPY infrastructure infrastructure
COPY interfaces interfaces
RUN pip install --no-cache-dir . \
    && useradd --system --no-create-home taskpool

USER taskpool
ENV TASKPOOL_HOST=0.0.0.0 TASKPOOL_DATA_DIR=/tmp/taskpool
EXPOSE 8000
CMD ["taskpool", "api"]
