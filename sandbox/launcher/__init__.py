"""sandbox.launcher."""
