"""Reusable parts of the app: the calculator sidebar and its fields, result figures."""
