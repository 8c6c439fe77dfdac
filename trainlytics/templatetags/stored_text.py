"""{% load stored_text %}{{ connection.status_detail|translate_stored }}: a sentence
the database keeps in English, in the page's language (trainlytics.stored_text)."""

from django import template

from trainlytics.stored_text import shown

register = template.Library()


@register.filter
def translate_stored(text):
    return shown(text)
