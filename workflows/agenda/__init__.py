"""workflows.agenda."""
