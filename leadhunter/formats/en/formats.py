"""English in the British form (issue 14 #10): our English readers are in Europe, so dates
read 27 November 2026 / 27/11/2026 and weeks start on Monday, not the American forms
Django's plain "en" locale gives."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

# Written out, as a British letter dates it: 27 November 2026 (en_GB's own is "27 Nov 2026").
DATE_FORMAT = "j F Y"
