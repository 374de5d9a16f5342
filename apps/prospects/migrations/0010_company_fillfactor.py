"""Issue 16 #1: room on every page of the shared companies for an update in place.

An import fills or corrects tens of thousands of companies at once, and agents correct
them all day. At the default fillfactor (100) a page has no room for a row's new version,
so every update writes it to another page and adds an entry to each of the table's seven
indexes: 50,000 companies given a phone number took 4–6 s, nearly all of it index pages
read and written. With a tenth of each page kept free, an update that changes no indexed
column (a phone, a website, an industry; not the verification date) stays on its page
without touching an index (a "HOT" update): the same 50,000 in 0.8 s.

New pages are filled to 90 %; pages written before this migration get the room when the
table is next rewritten (`VACUUM FULL prospects_company`, at a quiet hour).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0009_database_page_keyset_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE prospects_company SET (fillfactor = 90)",
            reverse_sql="ALTER TABLE prospects_company RESET (fillfactor)",
        ),
    ]
