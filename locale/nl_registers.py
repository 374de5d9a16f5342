"""Dutch texts of the privacy registers (issue 6, R-REG-1, R-REG-2), merged by locale/nl.py."""

NL = {}
