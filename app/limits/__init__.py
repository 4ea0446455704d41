"""Limits that keep one client from exhausting the service: request body size, sign-in and ordering rates.

Counters live in the database (`rate_counters`), so every API process sees the same count.
"""
