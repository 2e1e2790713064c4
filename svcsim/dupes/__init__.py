"""dupes."""
