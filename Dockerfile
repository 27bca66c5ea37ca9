# The policykg service on its embedded store, with the corpus ingested at first start.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ingest ingest
COPY service service
COPY ontology ontology
COPY shapes shapes
COPY corpus corpus
RUN pip install --no-cache-dir .
ENV POLICYKG_STORE=/data/store
VOLUME /data
EXPOSE 8000
CMD ["sh", "-c", "policykg ingest corpus/ && policykg serve --host 0.0.0.0 --port 8000"]
