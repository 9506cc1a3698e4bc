"""activities.intake."""
