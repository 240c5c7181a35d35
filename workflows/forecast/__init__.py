"""Forecast: simulate each school's remaining months many times with the journey's own rules (Monte Carlo)."""
