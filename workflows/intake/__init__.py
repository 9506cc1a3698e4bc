"""workflows.intake."""
