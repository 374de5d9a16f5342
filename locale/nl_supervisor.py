# ruff: noqa: E501  (a translation table: one message per line reads best)
"""Dutch translations of the supervisor's working day (issue 13 #6-9: live board, charts,
admin, assignments ending on their end date); merged by locale/nl.py."""

NL = {
    "Assignment ended": "Opdracht beëindigd",
    "Assignment %(assignment)s reached its end date (%(date)s) and is now inactive: its agents no longer have access to it. Set a later end date and activate it again to continue.": "Opdracht %(assignment)s bereikte zijn einddatum (%(date)s) en is nu inactief: de callagents hebben er geen toegang meer toe. Stel een latere einddatum in en activeer de opdracht opnieuw om verder te gaan.",
    "This assignment ended on its end date; set a later end date first.": "Deze opdracht is op zijn einddatum beëindigd; stel eerst een latere einddatum in.",
}
