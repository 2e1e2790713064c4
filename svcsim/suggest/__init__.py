"""suggest."""
