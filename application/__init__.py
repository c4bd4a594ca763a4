"""Use cases: the commands and queries the service offers, and the ports they need."""
