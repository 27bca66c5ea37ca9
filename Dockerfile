# The policykg image: the service, its CLI and the Oxigraph server (the same engine the tests use).
# Alone (`docker run -p 8000:8000 -v policykg:/data IMAGE`) it serves the embedded store at
# /data/store, ingesting the corpus on first start; in docker-compose.yml the same image runs the
# Oxigraph server, the loader and the stateless service processes. See docs/stores.md.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ingest ingest
COPY service service
COPY ontology ontology
COPY shapes shapes
COPY corpus corpus
RUN pip install --no-cache-dir . "oxigraph>=0.5"
ENV POLICYKG_STORE=/data/store
VOLUME /data
EXPOSE 8000
CMD ["sh", "-c", "policykg documents | grep -q . || policykg ingest corpus/; exec policykg serve --host 0.0.0.0 --port 8000"]
