"""workflows.calendar."""
