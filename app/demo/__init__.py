"""Offline demo and test infrastructure, kept apart from the product's own modules.

- ``replay``: a local HTTP server that answers from the recorded corpus (``resources/sites``),
  as the real sites would (``regwatch demo``, the tests, the benchmarks;
  ``python -m app.replay``).
- ``sample_data``: sample notices from the corpus's oracle, loaded straight into a database
  (``regwatch screenshot``, GUI tests and benchmarks).
"""
