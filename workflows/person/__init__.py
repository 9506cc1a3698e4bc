"""workflows.person."""
