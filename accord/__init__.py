"""Accord's application shell: settings, logging and the command line."""
