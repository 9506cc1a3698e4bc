"""domain.messages."""
