"""The demo city: a realistic Wuhan built into the configured database by ``wangge demo``.

``services.demo_city_build`` is the entry point; ``builder`` generates and writes the rows,
``population`` the households and people, ``data`` holds the reference data.
"""
