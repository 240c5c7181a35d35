"""Learning: the 15 online modules and (later) the face-to-face programme."""
