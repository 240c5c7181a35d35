"""Notifications: turns the platform's decisions into emails that arrive, once, and says when one did not."""
