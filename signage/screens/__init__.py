"""Screens as the server sees them: keys, cached manifests, status, alerts, proof of play."""
