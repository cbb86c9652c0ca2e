"""The cast of a synthetic archive: organizations, people, campaigns, themes, drawn Zipf-like.

Real archives are dominated by a few actors (the big brands, the trade bodies) and have a
long tail of organizations that appear once; facet pages, the related-cases scorer and the
search filters only behave realistically on such a distribution. ``Pool`` builds the cast
from the name tables below with a seeded ``random.Random``, so that the same ``(cases, seed)``
always gives the same archive.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field

from casebook.schema import slugify

# Name parts. Invented brand stems (none is a real company) and common French and Italian
# first and last names; sizes chosen so that every pool size used by the benchmark (up to a
# few thousand organizations) is drawn without repeats.
BRAND_ONSETS = ("Val", "Nor", "Cal", "Ar", "Ber", "Lum", "Tri", "Ver", "Sol", "Mar", "Or", "Alt", "Cor", "Pro",
                "Ste", "Ga", "Mon", "Rive", "Fla", "Dal", "Ter", "Bel", "Vit", "Ino", "Ele", "Quar", "Sen", "Ma")
BRAND_CODAS = ("mont", "vexa", "idor", "vel", "tin", "ina", "dis", "aris", "ene", "ago", "ura", "enza", "ac",
               "ivo", "ys", "ance", "eo", "io", "ora", "alis", "ium", "essa")
COMPANY_SUFFIXES = ("Industries", "Énergie", "Mobilité", "Assurances", "Distribution", "Santé", "Télécom",
                    "Automobiles", "Banque", "Alimentaire", "Logistique", "Cosmétiques", "Textile", "Numérique")
AGENCY_FORMS = ("Agence {b}", "{b} & Associés", "{b} Communication", "Studio {b}", "{b} Conseil")
MEDIA_FORMS = ("{b} Magazine", "Radio {b}", "{b} TV", "Le Journal de {p}", "{b} Hebdo")
ASSOCIATION_FORMS = ("Association {b}", "Fondation {b}", "Collectif {b}", "Réseau {b}")
TRADE_BODIES = ("Fédération française du bâtiment", "Fédération des industries mécaniques",
                "Union des industries textiles", "Confédération de l'artisanat", "Chambre syndicale de la presse",
                "Fédération nationale de l'agriculture", "Union des métiers de l'hôtellerie",
                "Fédération du commerce et de la distribution", "Syndicat national de la publicité",
                "Fédération des entreprises de propreté", "Union sociale pour l'habitat",
                "Fédération bancaire française", "Confindustria Moda", "Federazione italiana della meccanica",
                "Associazione nazionale dei costruttori", "Unione italiana del vino")
PUBLIC_FORMS = ("Région {p}", "Ville de {p}", "CCI {p}", "Département de {p}", "Comune di {p}",
                "Camera di Commercio di {p}", "Université de {p}", "Pôle emploi {p}")

FIRST_NAMES = ("Claire", "Florence", "Estelle", "Yann", "Arnaud", "Pascal", "Stéphanie", "Jean-Pierre", "Emilie",
               "Olivier", "Aurélien", "Armelle", "Frédéric", "Sophie", "Nathalie", "Thomas", "Julien", "Camille",
               "Isabelle", "Laurent", "Céline", "Nicolas", "Hélène", "Mathieu", "Sandrine", "Vincent", "Élodie",
               "Guillaume", "Anne", "Sébastien", "Marie", "Benoît", "Lucie", "Antoine", "Chloé", "Damien",
               "Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Valentina", "Matteo", "Sara",
               "Giorgio", "Elena", "Paolo", "Federica", "Davide", "Martina", "Stefano", "Alice", "Riccardo")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel",
              "Garnier", "Rousseau", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Chevalier",
              "Robin", "Masson", "Gauthier", "Perrin", "Morel", "Mercier", "Blanc", "Guérin", "Boyer", "Roux",
              "Faure", "André", "Le Goff", "Le Guyader", "Berthier", "Drumare", "Gilbert", "Marko", "Lagalle",
              "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
              "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi",
              "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli")

# (French, Italian) pairs; the converter decides which of them become themes or sectors.
THEMES = (
    ("attractivité des métiers", "attrattività dei mestieri"), ("mobilité durable", "mobilità sostenibile"),
    ("crise sanitaire", "crisi sanitaria"), ("emploi des jeunes", "occupazione giovanile"),
    ("transition écologique", "transizione ecologica"), ("économie circulaire", "economia circolare"),
    ("inclusion", "inclusione"), ("diversité", "diversità"), ("égalité femmes-hommes", "parità di genere"),
    ("marque employeur", "employer branding"), ("réindustrialisation", "reindustrializzazione"),
    ("innovation sociale", "innovazione sociale"), ("responsabilité sociétale", "responsabilità sociale"),
    ("sécurité routière", "sicurezza stradale"), ("santé publique", "salute pubblica"),
    ("prévention", "prevenzione"), ("apprentissage", "apprendistato"), ("orientation", "orientamento"),
    ("formation professionnelle", "formazione professionale"), ("reconversion", "riqualificazione"),
    ("commerce de proximité", "commercio di prossimità"), ("tourisme", "turismo"),
    ("patrimoine", "patrimonio"), ("culture", "cultura"), ("sport", "sport"), ("solidarité", "solidarietà"),
    ("pouvoir d'achat", "potere d'acquisto"), ("logement", "abitazione"), ("numérique", "digitale"),
    ("cybersécurité", "sicurezza informatica"), ("intelligence artificielle", "intelligenza artificiale"),
    ("données personnelles", "dati personali"), ("alimentation", "alimentazione"),
    ("agriculture", "agricoltura"), ("énergies renouvelables", "energie rinnovabili"),
    ("sobriété énergétique", "sobrietà energetica"), ("climat", "clima"), ("biodiversité", "biodiversità"),
    ("eau", "acqua"), ("déchets", "rifiuti"), ("handicap", "disabilità"), ("vieillissement", "invecchiamento"),
    ("santé mentale", "salute mentale"), ("citoyenneté", "cittadinanza"), ("engagement associatif", "volontariato"),
    ("image de marque", "immagine del marchio"), ("communication de crise", "comunicazione di crisi"),
    ("influence", "influenza"), ("relation client", "relazione con il cliente"), ("made in France", "made in Italy"),
    ("territoires", "territori"), ("ruralité", "ruralità"), ("ville durable", "città sostenibile"),
    ("mécénat", "mecenatismo"), ("co-construction", "co-progettazione"), ("entrepreneuriat", "imprenditorialità"),
    ("télétravail", "lavoro agile"), ("qualité de vie au travail", "benessere organizzativo"),
    ("recrutement", "reclutamento"), ("fidélisation", "fidelizzazione"),
)
SECTORS = (
    ("automobile", "automotive"), ("industrie", "industria"), ("BTP", "edilizia"), ("banque", "banca"),
    ("assurance", "assicurazioni"), ("énergie", "energia"), ("santé", "sanità"), ("distribution", "distribuzione"),
    ("agroalimentaire", "agroalimentare"), ("transport", "trasporti"), ("télécoms", "telecomunicazioni"),
    ("textile", "tessile"), ("cosmétique", "cosmetica"), ("luxe", "lusso"), ("tourisme", "turismo"),
    ("hôtellerie-restauration", "ristorazione"), ("enseignement", "istruzione"), ("collectivités", "enti locali"),
    ("économie sociale et solidaire", "terzo settore"), ("médias", "media"), ("numérique", "digitale"),
    ("logistique", "logistica"), ("chimie", "chimica"), ("aéronautique", "aerospazio"), ("agriculture", "agricoltura"),
    ("artisanat", "artigianato"), ("immobilier", "immobiliare"), ("sport", "sport"), ("culture", "cultura"),
    ("commerce", "commercio"),
)
PLACES = ("Paris", "Lyon", "Marseille", "Lille", "Bordeaux", "Nantes", "Toulouse", "Strasbourg", "Rennes",
          "Grenoble", "Montpellier", "Nice", "Dijon", "Rouen", "Reims", "Le Havre", "Saint-Étienne", "Toulon",
          "Angers", "Brest", "Tours", "Limoges", "Clermont-Ferrand", "Amiens", "Metz", "Besançon", "Orléans",
          "Caen", "Nancy", "Perpignan", "Mulhouse", "Poitiers", "Pau", "Bayonne", "La Rochelle", "Annecy",
          "Valence", "Avignon", "Nîmes", "Quimper", "Lorient", "Vannes", "Chambéry", "Troyes", "Ajaccio",
          "Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze", "Genova", "Venezia", "Verona", "Bari",
          "Palermo", "Padova", "Trieste", "Brescia", "Parma", "Modena", "Bergamo", "Lecce", "Perugia",
          "Bruxelles", "Genève", "Lausanne", "Luxembourg", "Montréal", "Casablanca", "Dakar", "Tunis")
CAMPAIGN_NAMES = ("On se bouge avec {o}", "Avec {o}, osez {t}", "{o} s'engage", "Cap sur {t}", "Les métiers de demain",
                  "Tous concernés", "Fiers de nos métiers", "Un avenir à fabriquer", "Ensemble pour {t}",
                  "{o} Solidaire", "Objectif {t}", "Insieme per {t}", "Il futuro si costruisce", "Mobiliz {o}")
ROLES_FR = ("directrice de la communication", "directeur de la communication", "directrice marketing",
            "directeur général", "présidente", "président", "responsable RSE", "directrice RSE", "fondatrice",
            "fondateur", "chargée de communication", "responsable des relations presse", "vice-président",
            "trésorier", "déléguée générale", "directeur de la marque")
ROLES_IT = ("direttrice della comunicazione", "direttore della comunicazione", "direttore marketing",
            "amministratore delegato", "presidente", "responsabile CSR", "fondatrice", "fondatore",
            "responsabile ufficio stampa", "cofondatrice")


class Zipf:
    """Ranks 0..n-1 drawn with probability proportional to 1 / (rank + offset) ** exponent.

    The offset (Zipf-Mandelbrot) flattens the head: with the defaults, the most frequent
    organization appears in under a tenth of the cases, as the busiest actor of a real trade
    press archive would, and half the pool appears only a few times.
    """

    def __init__(self, n: int, exponent: float = 1.07, offset: float = 8.0):
        self.n = n
        self.cumulative = list(itertools.accumulate(1.0 / (rank + offset) ** exponent for rank in range(n)))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])

    def sample(self, rng: random.Random, k: int) -> list[int]:
        """``k`` distinct ranks (fewer when the pool is smaller)."""
        chosen: list[int] = []
        for _ in range(k * 20):
            if len(chosen) == min(k, self.n):
                break
            rank = self.draw(rng)
            if rank not in chosen:
                chosen.append(rank)
        return chosen


@dataclass(frozen=True)
class Actor:
    """One organization, person or campaign of the pool; ``registered`` ones get a registry file."""

    kind: str
    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    role: str = ""
    organization: str = ""  # people: the id of their organization
    registered: bool = False


@dataclass
class Pool:
    organizations: list[Actor] = field(default_factory=list)
    people: list[Actor] = field(default_factory=list)
    campaigns: list[Actor] = field(default_factory=list)
    organization_ranks: Zipf | None = None
    people_ranks: Zipf | None = None
    campaign_ranks: Zipf | None = None
    theme_ranks: Zipf | None = None
    sector_ranks: Zipf | None = None
    place_ranks: Zipf | None = None

    @staticmethod
    def sizes(cases: int) -> dict[str, int]:
        """How many actors of each kind: hundreds of organizations, growing slower than the archive."""
        organizations = 150 + cases // 20
        return {"organizations": organizations, "people": 2 * organizations, "campaigns": organizations // 3}


def _acronym(name: str) -> str:
    words = [w for w in name.replace("'", " ").split() if w[:1].isupper() or len(w) > 3]
    return "".join(w[0].upper() for w in words) if len(words) >= 3 else ""


def _organization_names(rng: random.Random, count: int) -> list[tuple[str, str, tuple[str, ...]]]:
    """(name, type, aliases) for ``count`` distinct organizations."""
    short = [onset + coda for onset in BRAND_ONSETS for coda in BRAND_CODAS]
    longer = [brand + end for brand in short for end in ("a", "o", "is")]
    rng.shuffle(short)
    rng.shuffle(longer)
    brand_iter = iter(short + longer)
    names: dict[str, tuple[str, tuple[str, ...]]] = {}
    trade_bodies = list(TRADE_BODIES)
    while len(names) < count:
        roll = rng.random()
        place = rng.choice(PLACES)
        if roll < 0.42:
            brand = next(brand_iter)
            form = rng.choice(("{b}", "Groupe {b}", "{b} {s}"))
            name = form.format(b=brand, s=rng.choice(COMPANY_SUFFIXES))
            kind, aliases = "company", ((brand,) if name != brand else ())
        elif roll < 0.58:
            name, kind, aliases = rng.choice(AGENCY_FORMS).format(b=next(brand_iter)), "agency", ()
        elif roll < 0.68:
            name, kind, aliases = rng.choice(MEDIA_FORMS).format(b=next(brand_iter), p=place), "media", ()
        elif roll < 0.80:
            name, kind, aliases = rng.choice(ASSOCIATION_FORMS).format(b=next(brand_iter)), "association", ()
        elif roll < 0.86 and trade_bodies:
            name = trade_bodies.pop(rng.randrange(len(trade_bodies)))
            kind, aliases = "trade-body", tuple(a for a in (_acronym(name),) if a)
        else:
            name, kind, aliases = rng.choice(PUBLIC_FORMS).format(p=place), "public-body", ()
        if name not in names:
            names[name] = (kind, aliases)
    return [(name, kind, aliases) for name, (kind, aliases) in names.items()]


def build_pool(cases: int, rng: random.Random) -> Pool:
    """The cast for an archive of ``cases`` cases; registry files for the most frequent part of it."""
    sizes = Pool.sizes(cases)
    pool = Pool()
    used_ids: set[str] = set()

    def unique_id(name: str) -> str:
        base = slugify(name) or "entite"
        candidate, n = base, 2
        while candidate in used_ids:
            candidate, n = f"{base}-{n}", n + 1
        used_ids.add(candidate)
        return candidate

    org_count = sizes["organizations"]
    for rank, (name, kind, aliases) in enumerate(_organization_names(rng, org_count)):
        # A curator registers the organizations that come back often, and some of the rest.
        registered = rank < org_count * 0.4 or rng.random() < 0.1
        pool.organizations.append(Actor("organizations", unique_id(name), name, kind, aliases, registered=registered))

    full_names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(full_names)
    employers = Zipf(org_count)
    for rank, name in enumerate(full_names[: sizes["people"]]):
        organization = pool.organizations[employers.draw(rng)]
        italian = name.split()[0] in FIRST_NAMES[FIRST_NAMES.index("Giulia"):]
        role = rng.choice(ROLES_IT if italian else ROLES_FR)
        registered = rank < sizes["people"] * 0.25 and organization.registered
        pool.people.append(Actor("people", unique_id(name), name, "person", (), role, organization.id, registered))

    seen: set[str] = set()
    while len(pool.campaigns) < sizes["campaigns"]:
        owner = pool.organizations[rng.randrange(org_count)]
        theme = rng.choice(THEMES)[0]
        name = rng.choice(CAMPAIGN_NAMES).format(o=owner.aliases[0] if owner.aliases else owner.name, t=theme)
        if name in seen:
            continue
        seen.add(name)
        kind = rng.choice(("advertising", "programme", "operation", "brand"))
        pool.campaigns.append(Actor("campaigns", unique_id(name), name, kind, (), "", owner.id,
                                    registered=len(pool.campaigns) < sizes["campaigns"] // 2))

    pool.organization_ranks = Zipf(len(pool.organizations))
    pool.people_ranks = Zipf(len(pool.people))
    pool.campaign_ranks = Zipf(len(pool.campaigns))
    pool.theme_ranks = Zipf(len(THEMES), 1.0, 2.0)
    pool.sector_ranks = Zipf(len(SECTORS), 1.0, 2.0)
    pool.place_ranks = Zipf(len(PLACES), 1.0, 2.0)
    return pool
