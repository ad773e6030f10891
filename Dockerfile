# CityLearn: gunicorn serving Django; static files compressed and hashed at build time.
# Untested by a container engine (none runs where it was written); see README, "Deployment".

FROM python:3.13-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN python -m venv /venv
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN /venv/bin/pip install .
COPY . .
# The translations are compiled here, as make install does in a clone (.mo files are not committed).
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/* \
    && for po in locale/*/LC_MESSAGES/django.po; do msgfmt --check -o "${po%.po}.mo" "$po"; done
# collectstatic reads settings, which need a key; this one exists only for this step.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only-not-a-real-key \
    /venv/bin/python manage.py collectstatic --no-input -v0

FROM python:3.13-slim
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=false PORT=8000
RUN useradd --system --uid 10001 --no-create-home citylearn
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build /app /app
USER citylearn
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'X-Forwarded-Proto': 'https'}), timeout=3)"]
# gunicorn reads ./gunicorn.conf.py: one worker per core, no control socket, logs to stdout.
CMD ["gunicorn", "citylearn.wsgi"]
