"""The user's own files: paths, settings, the SQLite store, exports."""
