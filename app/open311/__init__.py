"""Open311 GeoReport v2 for city platforms: services, requests, partner keys."""
