"""Dutch texts of the privacy registers (issue 6, R-REG-1, R-REG-2), merged by locale/nl.py."""

NL = {
    # The registers
    "Privacy registers": "Privacyregisters",
    "data categories received": "ontvangen gegevenscategorieën",
    "Leadhunter's own limit: %(limit)s.": "Eigen termijn van Leadhunter: %(limit)s.",
    "Leadhunter sets no limit for this category; a term is optional.": (
        "Leadhunter hanteert voor deze categorie geen termijn; een termijn is optioneel."
    ),
    "Retention term: %(category)s": "Bewaartermijn: %(category)s",
    "unit": "eenheid",
    "Unit of the term: %(category)s": "Eenheid van de termijn: %(category)s",
    "data categories affected": "getroffen gegevenscategorieën",
    "clients affected": "getroffen opdrachtgevers",
    "company name": "bedrijfsnaam",
    "service": "dienst",
    "Enter a two-letter country code such as NL, DE or US.": "Vul een landcode van twee letters in, zoals NL, DE of US.",
    "Where the data is processed: a two-letter ISO code such as NL, DE or US.": (
        "Waar de gegevens worden verwerkt: een ISO-landcode van twee letters, zoals NL, DE of US."
    ),
    "location": "locatie",
    "contact": "contactpersoon",
    "subprocessor": "subverwerker",
    "subprocessors": "subverwerkers",
    "signed on": "getekend op",
    "reference or version": "kenmerk of versie",
    "where the signed document is kept": "waar het getekende document bewaard wordt",
    "valid until": "geldig tot",
    "ended on": "beëindigd op",
    "data category": "gegevenscategorie",
    "retention term": "bewaartermijn",
    "retention terms": "bewaartermijnen",
    "Not decided yet": "Nog niet besloten",
    "Reported to the Autoriteit Persoonsgegevens": "Gemeld bij de Autoriteit Persoonsgegevens",
    "Not reported": "Niet gemeld",
    "what happened, in short": "wat er gebeurde, in het kort",
    "what happened": "wat er gebeurde",
    "happened at": "gebeurd op",
    "discovered at": "ontdekt op",
    "approximate number of persons": "geschat aantal personen",
    "likely consequences": "waarschijnlijke gevolgen",
    "measures taken": "genomen maatregelen",
    "report to the authority": "melding aan de toezichthouder",
    "reported at": "gemeld op",
    "reference of the authority": "kenmerk van de Autoriteit Persoonsgegevens",
    "why not reported": "waarom niet gemeld",
    "data subjects informed at": "betrokkenen geïnformeerd op",
    "breach": "datalek",
    "breaches": "datalekken",
    "The 72 hours for reporting to the Autoriteit Persoonsgegevens have passed for:": (
        "De 72 uur voor een melding bij de Autoriteit Persoonsgegevens zijn verstreken voor:"
    ),
    "The 72 hours for reporting to the Autoriteit Persoonsgegevens end within 24 hours for:": (
        "De 72 uur voor een melding bij de Autoriteit Persoonsgegevens lopen binnen 24 uur af voor:"
    ),
    "Record the report, or the reason for not reporting, in the breach register.": (
        "Leg de melding, of de reden om niet te melden, vast in het register van datalekken."
    ),
    "Breaches to report to the Autoriteit Persoonsgegevens": "Datalekken te melden bij de Autoriteit Persoonsgegevens",
    "These processor agreements keep data longer than Leadhunter's own periods allow:": (
        "Deze verwerkersovereenkomsten bewaren gegevens langer dan de eigen termijnen van Leadhunter toestaan:"
    ),
    "Agree shorter terms with these subprocessors and record the new agreement in the register.": (
        "Spreek kortere termijnen af met deze subverwerkers en leg de nieuwe overeenkomst vast in het register."
    ),
    "Subprocessors keep data too long": "Subverwerkers bewaren gegevens te lang",
    "Unknown data category.": "Onbekende gegevenscategorie.",
    "A subprocessor with this name is already in the register.": "Er staat al een subverwerker met deze naam in het register.",
    "%(category)s: enter a term of at least 1.": "%(category)s: vul een termijn van minstens 1 in.",
    "%(category)s: enter the retention term of the agreement (ours is %(limit)s).": (
        "%(category)s: vul de bewaartermijn uit de overeenkomst in (de onze is %(limit)s)."
    ),
    "%(category)s: a term of %(term)s is longer than Leadhunter's own limit of %(limit)s; "
    "a subprocessor may never keep data longer than we do.": (
        "%(category)s: een termijn van %(term)s is langer dan de eigen termijn van Leadhunter van %(limit)s; "
        "een subverwerker mag gegevens nooit langer bewaren dan wij."
    ),
    "An agreement cannot be valid until a date before it was signed.": (
        "Een overeenkomst kan niet geldig zijn tot een datum vóór de ondertekening."
    ),
    "An agreement cannot end before it was signed.": "Een overeenkomst kan niet eindigen vóór de ondertekening.",
    "A term was given for a data category this subprocessor does not receive.": (
        "Er is een termijn opgegeven voor een gegevenscategorie die deze subverwerker niet ontvangt."
    ),
    "The discovery cannot lie in the future.": "De ontdekking kan niet in de toekomst liggen.",
    "A breach cannot have happened after it was discovered.": "Een datalek kan niet na de ontdekking zijn gebeurd.",
    "Enter when the breach was reported to the Autoriteit Persoonsgegevens.": (
        "Vul in wanneer het datalek bij de Autoriteit Persoonsgegevens is gemeld."
    ),
    "A breach cannot have been reported before it was discovered.": "Een datalek kan niet vóór de ontdekking zijn gemeld.",
    "The report cannot lie in the future.": "De melding kan niet in de toekomst liggen.",
    "A report date belongs with the decision to report, and only there.": (
        "Een meldingsdatum hoort bij het besluit om te melden, en alleen daar."
    ),
    "Give the reason why the breach is not reported to the Autoriteit Persoonsgegevens.": (
        "Geef de reden waarom het datalek niet bij de Autoriteit Persoonsgegevens wordt gemeld."
    ),
    "Data subjects cannot have been informed before the breach was discovered.": (
        "Betrokkenen kunnen niet vóór de ontdekking van het datalek zijn geïnformeerd."
    ),
    "The date the data subjects were informed cannot lie in the future.": (
        "De datum waarop de betrokkenen zijn geïnformeerd kan niet in de toekomst liggen."
    ),
    "Decide whether to report the breach before closing it.": "Besluit of het datalek gemeld wordt voordat u het sluit.",
    "A breach cannot be closed before it was discovered.": "Een datalek kan niet vóór de ontdekking gesloten zijn.",
    "Enter an email address, a phone number, or a name with the company name.": (
        "Vul een e-mailadres, een telefoonnummer, of een naam met de bedrijfsnaam in."
    ),
    "Contact persons (prospects)": "Contactpersonen (prospects)",
    "Company data": "Bedrijfsgegevens",
    "Employees and payroll": "Personeel en salarisadministratie",
    "Access logs and IP addresses": "Toegangslogs en IP-adressen",
    "Backups": "Back-ups",
    "days": "dagen",
    "months": "maanden",
    "years": "jaren",
    "1 day": "1 dag",
    "1 month": "1 maand",
    "1 year": "1 jaar",
    "%(n)d days": "%(n)d dagen",
    "%(n)d months": "%(n)d maanden",
    "%(n)d years": "%(n)d jaar",
    "New subprocessor": "Nieuwe subverwerker",
    "Edit subprocessor": "Subverwerker wijzigen",
    "New processor agreement": "Nieuwe verwerkersovereenkomst",
    "Edit processor agreement": "Verwerkersovereenkomst wijzigen",
    "New breach": "Nieuw datalek",
    "Edit breach": "Datalek wijzigen",
    "Breach register": "Register van datalekken",
    "Subprocessors": "Subverwerkers",
    "Suppression list": "Blokkeerlijst",
    "Erasure ledger": "Verwijderregister",
    "%(hours)s h %(minutes)s min overdue": "%(hours)s u %(minutes)s min te laat",
    "%(hours)s h %(minutes)s min left": "nog %(hours)s u %(minutes)s min",
    "Per reason": "Per reden",
    "%(total)s entries in all.": "%(total)s regels in totaal.",
    "No entries.": "Geen regels.",
    "Per month": "Per maand",
    "month": "maand",
    "Latest entries": "Laatste regels",
    "Breach": "Datalek",
    "Deadline (72 hours)": "Termijn (72 uur)",
    "A breach is reported to the Autoriteit Persoonsgegevens within 72 hours of its discovery (GDPR Art. 33), "
    "unless it is unlikely to result in a risk to the persons concerned; record the reason then.": (
        "Een datalek wordt binnen 72 uur na de ontdekking gemeld bij de Autoriteit Persoonsgegevens (AVG art. 33), "
        "tenzij het waarschijnlijk geen risico voor de betrokkenen meebrengt; leg dan de reden vast."
    ),
    "deadline (72 hours)": "termijn (72 uur)",
    "time left": "resterende tijd",
    "closed": "gesloten",
    "open": "open",
    "No breaches recorded.": "Geen datalekken vastgelegd.",
    "Every person deleted for a privacy reason, kept outside the backups so that a restore deletes them again. "
    "The ledger holds record ids and keyed hashes only.": (
        "Iedere persoon die om een privacyreden is verwijderd, bewaard buiten de back-ups zodat een herstel hen "
        "opnieuw verwijdert. Het register bevat alleen record-id's en sleutel-hashes."
    ),
    "outside the EEA": "buiten de EER",
    "Processor agreements": "Verwerkersovereenkomsten",
    "signed on %(date)s": "getekend op %(date)s",
    "current": "lopend",
    "not current": "niet lopend",
    "Leadhunter's own limit": "Eigen termijn van Leadhunter",
    "longer than ours": "langer dan de onze",
    "No retention terms.": "Geen bewaartermijnen.",
    "No processor agreement yet.": "Nog geen verwerkersovereenkomst.",
    "Agreements that keep data longer than we do": "Overeenkomsten die gegevens langer bewaren dan wij",
    "Our own retention periods are shorter than these current agreements allow. "
    "Agree shorter terms and record the new agreement.": (
        "Onze eigen bewaartermijnen zijn korter dan deze lopende overeenkomsten toestaan. "
        "Spreek kortere termijnen af en leg de nieuwe overeenkomst vast."
    ),
    "ours: %(limit)s": "de onze: %(limit)s",
    "ended": "beëindigd",
    "none": "geen",
    "No subprocessors yet.": "Nog geen subverwerkers.",
    "Persons who must never be imported or added again. The list holds keyed hashes only, no readable data.": (
        "Personen die nooit meer geïmporteerd of toegevoegd mogen worden. De lijst bevat alleen sleutel-hashes, "
        "geen leesbare gegevens."
    ),
    "Is this person on the list?": "Staat deze persoon op de lijst?",
    "Yes: this person is on the suppression list.": "Ja: deze persoon staat op de blokkeerlijst.",
    "No: this person is not on the suppression list.": "Nee: deze persoon staat niet op de blokkeerlijst.",
    "Enter an email address, a phone number, or a first and last name with the company name. "
    "The values are not stored; that you checked is recorded in the access log.": (
        "Vul een e-mailadres, een telefoonnummer, of een voor- en achternaam met de bedrijfsnaam in. "
        "De waarden worden niet bewaard; dat u het controleerde, staat in het toegangslog."
    ),
    "Check": "Controleren",
    "Signed document": "Getekend document",
    "Optional, at most 20 MB. A new file replaces the previous one.": (
        "Optioneel, hoogstens 20 MB. Een nieuw bestand vervangt het vorige."
    ),
}
