"""activities.messaging."""
