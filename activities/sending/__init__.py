"""activities.sending."""
