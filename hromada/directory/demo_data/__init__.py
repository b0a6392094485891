"""Data of the demo directory (see directory.py); the loader is hromada.directory.demo."""
