"""domain.intake.due_dates."""
