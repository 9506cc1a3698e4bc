"""activities.digest."""
