"""faqbot: answers patients' questions only with clinician-vetted text."""

__version__ = "0.1.0"
