"""Issue 17's journey: a browser that asks for French gets French on every page.

The context's locale makes Chromium send `Accept-Language: fr-FR`. On each page the
journey checks a few French strings of its own, then `assert_french` reads every
visible text node and fails on one that still reads as English: two or more
English-only words, or exactly the English msgid of an entry the catalog translates.
"""

import re
from functools import cache

import pytest
from babel.messages import pofile
from django.conf import settings
from playwright.sync_api import expect

from providers.sandbox import data
from sync.models import Activity

from .test_sandbox_journey import demo  # noqa: F401
from .test_streams_journey import stay_on_this_machine

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]

EMAIL = "coureuse@example.fr"
PASSWORD = "une longue phrase secrète 42"

# Words French never uses ("on", "a", "as", "in", "or", "date" would be ambiguous).
ENGLISH_ONLY = {
    *("the", "your", "you", "with", "and", "this", "that", "from", "have", "has"),
    *("are", "will", "not", "which", "what", "when", "of", "to", "for", "is", "it"),
    *("its", "be", "been", "by", "at", "was", "were", "can", "there", "their"),
    *("here", "into", "about", "they", "than", "yet", "all", "any", "no", "none"),
}
DAY_NAMES = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
# Strava's brand wording stays English by its guidelines; the rest is data: the
# sandbox names sessions "Tuesday hike", its athletes "Alex Sandbox", and time zones
# are IANA names.
NOT_CHROME = [
    re.compile(r"^(Connect with|Powered by) Strava$"),
    re.compile(rf"^({DAY_NAMES}) ({'|'.join(data.SPORTS)})$"),
    re.compile("|".join(re.escape(athlete.name) for athlete in data.ATHLETES)),
    re.compile(r"^[A-Z][A-Za-z_-]+/[\w /+-]+$"),
]

SIGNED_IN_NAV = ("Tableau de bord", "Activités", "Calendrier", "Analyses", "Connexions")
GUEST_NAV = ("Se connecter", "Créer un compte")

VISIBLE_TEXT = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    let element = node.parentElement;
    if (!text || element.closest("script, style, template")) continue;
    // An option or a chart's <title> is never "visible" itself; its select or
    // drawing is what the athlete sees (or hears).
    element = element.closest("select") || element.closest("svg") || element;
    if (element.checkVisibility({visibilityProperty: true})) texts.push(text);
  }
  // What screen readers and tooltips say is athlete-facing text too.
  for (const element of document.body.querySelectorAll(
      "[aria-label], [title], [placeholder], img[alt]")) {
    if (!element.checkVisibility({visibilityProperty: true})) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      const value = (element.getAttribute(name) || "").trim();
      if (value) texts.push(value);
    }
  }
  return texts;
}"""


@cache
def translated_msgids():
    """Whole English texts the catalog puts differently in French, e.g. "Save"."""
    with (settings.BASE_DIR / "locale/fr/LC_MESSAGES/django.po").open("rb") as po:
        catalog = pofile.read_po(po)
    return {
        message.id
        for message in catalog
        if isinstance(message.id, str)
        and message.string not in ("", message.id)
        and not re.search(r"[%{]", message.id)
    }


def reads_as_english(text):
    if any(pattern.search(text) for pattern in NOT_CHROME):
        return False
    words = re.findall(r"[a-z']+", text.lower())
    return text in translated_msgids() or sum(w in ENGLISH_ONLY for w in words) >= 2


def assert_french(page, *texts, nav=SIGNED_IN_NAV):
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    for link in nav:
        expect(
            page.get_by_role("navigation", name="Principale").get_by_role(
                "link", name=link, exact=True
            )
        ).to_be_visible()
    for text in texts:
        expect(page.get_by_text(text).filter(visible=True).first).to_be_visible()
    english = [text for text in page.evaluate(VISIBLE_TEXT) if reads_as_english(text)]
    assert english == [], f"English on {page.url}: {english}"


def heading(page, name):
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def approve_on_the_sandbox(page, provider):
    heading(page, f"Autoriser Trainlytics à accéder à votre compte {provider}")
    # The sandbox's page is the provider's: no Trainlytics navigation there.
    expect(page.get_by_role("navigation")).to_have_count(0)
    assert_french(page, "Se connecter en tant que", "Refuser", nav=())
    page.get_by_role("button", name="Autoriser").click()


@pytest.fixture
def context_options():
    # Chromium then sends `Accept-Language: fr-FR` and reports French to scripts.
    return {"locale": "fr-FR"}


def sign_up(page):
    page.goto("/accounts/signup/")
    heading(page, "Créer votre compte")
    assert_french(
        page, "Vous avez déjà un compte ?", "Changer de langue", nav=GUEST_NAV
    )
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill("une autre phrase")
    page.get_by_role("button", name="Créer un compte").click()
    # Form errors are French too (this one is Django's own catalog).
    expect(page.get_by_role("alert")).to_contain_text("ne correspondent pas")
    assert_french(page, nav=GUEST_NAV)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer un compte").click()


def connect_polar_and_strava(page):
    page.get_by_role("button", name="Connecter Polar").click()
    approve_on_the_sandbox(page, "Polar Flow")
    expect(page.get_by_role("status")).to_contain_text("Polar est connecté.")
    assert_french(page, "Synchroniser maintenant", "Cette semaine")
    expect(page.locator("#card-polar")).to_contain_text(re.compile(r"\d+ activités"))

    # Strava's button is its own artwork, whose wording its guidelines fix.
    page.get_by_role("button", name="Connect with Strava").click()
    approve_on_the_sandbox(page, "Strava")
    expect(page.get_by_role("status")).to_contain_text("Strava est connecté.")
    assert_french(page)
    assert set(Activity.objects.values_list("provider", flat=True)) == {
        "polar",
        "strava",
    }


def see_activities_in_french(page):
    page.get_by_role("link", name="Activités", exact=True).click()
    heading(page, "Activités")
    assert_french(page, "Filtrer", "Voir sur Strava", "Début (heure locale)")
    # Numbers and dates in the French format: "16,73 km", "ven. 4 déc. 2026, 12:44".
    rows = page.locator("tr.activity")
    expect(rows.first).to_contain_text(re.compile(r"\d,\d\d km"))
    expect(rows.first).to_contain_text(
        re.compile(r"(lun|mar|mer|jeu|ven|sam|dim)\. \d+ \S+ \d{4}")
    )

    run = (
        Activity.objects.filter(provider="strava", avg_hr_bpm__isnull=False)
        .exclude(distance_m=None)
        .latest("start_time")
    )
    page.goto(f"/activities/{run.pk}/")
    heading(page, "Données détaillées")
    # The streams block arrives by htmx; its charts' titles are checked too.
    expect(page.locator("svg[data-chart]").first).to_be_visible(timeout=15_000)
    assert_french(page, "Toutes les activités", "Temps en mouvement", "Voir sur Strava")


def switch_to_english(page):
    # Django's set_language stores the choice in a cookie, over Accept-Language.
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer de langue").click()
    heading(page, "Your account")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Activities", exact=True).click()
    heading(page, "Activities")
    expect(page.get_by_text("View on Strava").first).to_be_visible()


def test_a_french_browser_sees_french_on_every_page_it_visits(page, demo, live_server):  # noqa: F811
    stay_on_this_machine(page, live_server)
    sign_up(page)
    heading(page, "Tableau de bord")
    expect(page.get_by_role("status")).to_contain_text(
        "Bienvenue sur Trainlytics. Connectez un service pour commencer."
    )
    assert_french(page, "Totaux", "Non connecté.", "Connecter Garmin")
    connect_polar_and_strava(page)
    see_activities_in_french(page)

    page.get_by_role("link", name="Calendrier", exact=True).click()
    heading(page, "Calendrier d'entraînement")
    assert_french(page, "Semaine suivante →", "Planifier une séance", "Fuseau horaire")

    page.get_by_role("link", name="Analyses", exact=True).click()
    heading(page, "Analyses d'entraînement")
    assert_french(
        page, "Records personnels", "Plus longue distance", "Charge d'entraînement"
    )

    page.get_by_role("link", name="Connexions", exact=True).click()
    heading(page, "Connexions")
    assert_french(page, "Déconnecter Strava", "Connecter Wahoo")

    page.get_by_role("link", name=EMAIL).click()
    heading(page, "Votre compte")
    assert_french(page, "Vos données", "Exporter vos données", "Supprimer votre compte")

    switch_to_english(page)
