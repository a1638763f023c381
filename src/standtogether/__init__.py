"""Stand Together: report hate crime and hate incidents, and handle them across a local partnership."""
