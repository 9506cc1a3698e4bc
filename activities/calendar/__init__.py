"""activities.calendar."""
