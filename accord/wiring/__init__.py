"""accord.wiring."""
