"""regwatch application layer: services (pipeline, topics, translation, export), CLI and GUI."""

__version__ = "0.1.0"
