"""workflows.commitment."""
