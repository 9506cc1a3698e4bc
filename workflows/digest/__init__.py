"""workflows.digest."""
