"""Ready citations of a practice or an event report: plain text and BibTeX, with the record's
permanent address and the day it was read."""

from django.utils.formats import date_format
from django.utils.translation import gettext

# BibTeX's special characters, each written so that LaTeX prints it as it is.
_BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def bibtex_escape(text):
    return " ".join(text.split()).translate(_BIBTEX_ESCAPES)


def _collection(record):
    if record._meta.model_name == "event":
        return gettext("CityLearn event reports")
    return gettext("CityLearn good practices catalogue")


def citation_text(record, address, accessed_on):
    year = record.published_at.year if record.published_at else gettext("n.d.")
    return gettext(
        "CityLearn (%(year)s). “%(title)s”. %(collection)s. %(address)s (accessed %(day)s)."
    ) % {
        "year": year,
        "title": " ".join(record.title.split()),
        "collection": _collection(record),
        "address": address,
        "day": date_format(accessed_on, "DATE_FORMAT"),
    }


def citation_bibtex(record, address, accessed_on):
    fields = [
        ("title", "{" + bibtex_escape(record.title) + "}"),
        ("author", "{CityLearn}"),
        ("howpublished", "\\url{" + address + "}"),
        ("url", address),
        ("urldate", accessed_on.isoformat()),
        ("note", f"{bibtex_escape(_collection(record))}. Accessed {accessed_on.isoformat()}"),
    ]
    if record.published_at:
        fields.insert(2, ("year", str(record.published_at.year)))
    key = f"citylearn-{record._meta.model_name}-{record.pk}"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"
