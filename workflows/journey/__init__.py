"""The SchoolJourney workflow: one per enrolled school, driving its 18 months."""
