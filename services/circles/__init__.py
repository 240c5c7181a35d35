"""Circles: reflective and practice discussion circles in each school (this slice keeps the enrolled schools)."""
