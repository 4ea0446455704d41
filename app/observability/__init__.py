"""Seeing the service run: a request id on every log line, JSON logs, Prometheus metrics, and readiness."""
