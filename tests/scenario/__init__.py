"""Helpers of the year-in-the-life scenario test (tests/test_year_in_the_life.py, issue 11)."""
