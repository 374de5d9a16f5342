"""Dutch texts of the file reading (issue 12 #3–#7: sheets, header row, formulas, error values)."""

NL = {
    "layout": "indeling",
    "The file has no sheet with data.": "Het bestand heeft geen werkblad met gegevens.",
    "The file has a header row but no rows under it: nothing to import.": "Het bestand heeft een kopregel maar geen rijen eronder: er is niets te importeren.",
    "Cells beyond the last column were not imported.": "Cellen voorbij de laatste kolom zijn niet geïmporteerd.",
    "%(column)s: a formula; its calculated value was imported.": "%(column)s: een formule; de berekende waarde is geïmporteerd.",
    "%(column)s: a formula without a calculated value.": "%(column)s: een formule zonder berekende waarde.",
    "%(column)s: an error value (%(error)s) instead of a value.": "%(column)s: een foutwaarde (%(error)s) in plaats van een waarde.",
    "Above the header row: not imported.": "Boven de kopregel: niet geïmporteerd.",
    "The sheet can be chosen only before the mapping is confirmed.": "Het werkblad kan alleen worden gekozen voordat de kolomindeling is bevestigd.",
    "The workbook has no sheet with data of that name.": "Het werkboek heeft geen werkblad met gegevens met die naam.",
    "Sheet": "Werkblad",
    "Read from sheet “%(sheet)s”.": "Gelezen uit werkblad “%(sheet)s”.",
    "The column names are in row %(row)s; the rows above it are not imported.": "De kolomnamen staan in rij %(row)s; de rijen erboven worden niet geïmporteerd.",
    "Read this sheet": "Dit werkblad lezen",
    "Own columns: this company's values from row %(row)d were kept; this row's were not imported.": "Eigen kolommen: de waarden van rij %(row)d zijn voor dit bedrijf bewaard; die van deze rij zijn niet geïmporteerd.",
}
