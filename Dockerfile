# npq-mock in a container: docker build -t npq-mock . && docker run -p 8000:8000 npq-mock
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    NPQ_MOCK_HOST=0.0.0.0 NPQ_MOCK_PORT=8000 NPQ_MOCK_SEED=1
WORKDIR /opt/npq
COPY pyproject.toml README.md ARCHITECTURE.md ./
COPY npq_lead_provider_kit ./npq_lead_provider_kit
COPY mockserver ./mockserver
COPY contract_tests ./contract_tests
COPY openapi ./openapi
COPY fixtures ./fixtures
RUN pip install . && useradd --create-home --uid 10001 npq
USER npq
WORKDIR /home/npq
EXPOSE 8000
# Seed and size from the environment: NPQ_MOCK_SEED, NPQ_MOCK_APPLICATIONS, NPQ_MOCK_JOURNAL_SIZE, ...
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('NPQ_MOCK_PORT', '8000'), timeout=2)"
CMD ["npq-mock", "serve", "--host", "0.0.0.0"]
