"""Partner Dashboard's Textual app: reads the engine, never re-implements it."""
