"""accord.keys."""
