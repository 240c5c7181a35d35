"""Benchmarks kept with the code: each starts the real local stack and measures one behaviour of the platform."""
