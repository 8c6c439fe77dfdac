"""Template tags sync's dashboard uses to show what accounts knows, so that sync's
views need not import accounts (the dependency runs accounts -> sync)."""

from django import template

from accounts import withdrawals

register = template.Library()


@register.inclusion_tag("accounts/includes/withdrawals.html", takes_context=True)
def access_withdrawals(context, cards):
    """ "Strava access was withdrawn on 7 Dec 2026; 12 activities deleted." for each
    provider that withdrew our access and whose connection is still revoked."""
    connections = [card["connection"] for card in cards if card.get("connection")]
    return {"withdrawals": withdrawals.shown(context["request"].user, connections)}
