"""Screens and tab bodies: one module per tab or dialog."""
