"""activities.directory."""
