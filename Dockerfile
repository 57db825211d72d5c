# One image for every process (web, worker, beat, flower, migrate); the command picks the role.
# At run time it needs SECRET_KEY and the provider files (or MOJODEX_FAKE_PROVIDERS=true): without
# them every process stops at start with one message (the build's collectstatic gets throwaway ones).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MOJODEX_VAR_DIR=/var/lib/mojodex \
    MOJODEX_DATA_DIR=/data/users

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --upgrade pip \
    && pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --create-home --uid 1000 mojodex \
    && mkdir -p /var/lib/mojodex /data/users \
    && chown -R mojodex /var/lib/mojodex /data/users \
    && DATABASE_URL=postgresql://build@localhost/build SECRET_KEY=collectstatic-at-image-build-only \
       MOJODEX_FAKE_PROVIDERS=true python manage.py collectstatic --noinput
USER mojodex

EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "mojodex.asgi:application"]
