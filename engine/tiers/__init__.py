"""Tiers: standing on a day, recalibration, the outlook, what a deal would do to them."""
