"""The platform's deployable services; each owns its schema and talks to others only through events and HTTP."""
