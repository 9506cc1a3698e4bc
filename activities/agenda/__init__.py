"""activities.agenda."""
