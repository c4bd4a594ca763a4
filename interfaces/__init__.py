"""How the service is reached: the HTTP API and the command line."""
