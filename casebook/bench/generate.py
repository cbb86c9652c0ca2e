"""Synthetic seeds for the benchmark, recombined from the real ones.

Each synthetic article keeps the shape of a real seed (news piece with a byline, dated lead
with a reading-time line, interview with speaker labels, event recap with a bullet list of
speakers, Italian article with a footnote), the real seeds' sentences recombined as body
text, and a cast drawn Zipf-like from ``pool.build_pool``: organizations with roles, people
with their titles, a campaign, channels, audiences, figures, themes and places, in the date
forms the real seeds use ("24 avril 2013", "Le 17 février 2023", "Il 17 febbraio 2023").

``generate(cases, folder)`` writes ``seeds/*.txt`` and the registry files of the registered
part of the pool into ``content/entities/``; everything is a function of ``(cases, seed)``.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from casebook.bench.pool import PLACES, SECTORS, THEMES, Actor, Pool, build_pool
from casebook.frontmatter import render
from casebook.schema import ENTITY_FIELD_NAMES, slugify

ROOT = Path(__file__).resolve().parent.parent.parent
SEEDS = ROOT / "seeds"
DEFAULT_SEED = 20240226

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre"),
}
LANG_WEIGHTS = {"fr": 0.78, "it": 0.22}
FORMAT_WEIGHTS = {"news": 0.38, "interview": 0.25, "event-recap": 0.14, "press-release": 0.12, "analysis": 0.11}

# Phrases for the vocabularies, as the seeds word them: (French, Italian).
CHANNEL_PHRASES = {
    "facebook": ("une page Facebook", "una pagina Facebook"), "linkedin": ("LinkedIn", "LinkedIn"),
    "tv": ("des spots sur les chaînes de télévision nationales", "spot sulle reti televisive nazionali"),
    "cinema": ("les salles de cinéma", "le sale cinematografiche"),
    "billboards": ("des panneaux d'affichage", "cartelloni pubblicitari"), "radio": ("la radio", "la radio"),
    "website": ("un site web dédié", "un sito web dedicato"),
    "press-relations": ("des relations presse", "le relazioni con la stampa"),
    "events": ("des salons et des forums de recrutement", "fiere ed eventi sul territorio"),
    "instagram": ("Instagram", "Instagram"), "tiktok": ("TikTok", "TikTok"), "youtube": ("YouTube", "YouTube"),
    "newsletter": ("une newsletter", "una newsletter"), "twitter": ("Twitter", "Twitter"),
    "influencers": ("des influenceurs", "gli influencer"),
    "print": ("des affiches et des flyers", "volantini e manifesti"), "webinar": ("des webinaires", "webinar"),
}
AUDIENCE_PHRASES = {
    "young-people": ("les jeunes", "i giovani"), "job-seekers": ("les demandeurs d'emploi", "chi cerca lavoro"),
    "parents": ("les parents", "i genitori"), "businesses": ("les chefs d'entreprise", "gli imprenditori"),
    "general-public": ("le grand public", "il grande pubblico"), "students": ("les étudiants", "gli studenti"),
    "career-changers": ("les personnes en reconversion", "chi vuole cambiare mestiere"),
    "employees": ("les salariés", "i dipendenti"), "consumers": ("les consommateurs", "i consumatori"),
    "prescribers": ("les prescripteurs", "i prescrittori"),
}
GOALS = (
    ("susciter des vocations", "suscitare vocazioni"), ("recruter de nouveaux talents", "attrarre nuovi talenti"),
    ("changer d'image", "cambiare immagine"), ("soutenir le commerce local", "sostenere il commercio locale"),
    ("sensibiliser les jeunes", "sensibilizzare i giovani"), ("relancer l'activité", "rilanciare l'attività"),
    ("valoriser ses métiers", "valorizzare i propri mestieri"), ("fédérer ses salariés", "unire i dipendenti"),
    ("lutter contre les idées reçues", "combattere i pregiudizi"),
    ("accompagner les entreprises", "accompagnare le imprese"), ("rassurer ses clients", "rassicurare i clienti"),
    ("encourager l'apprentissage", "incoraggiare l'apprendistato"), ("réduire ses déchets", "ridurre i rifiuti"),
    ("défendre le pouvoir d'achat", "difendere il potere d'acquisto"), ("fêter ses cent ans", "festeggiare cento anni"),
    ("conquérir de nouveaux publics", "conquistare nuovi pubblici"),
)
FIGURES = (  # value range, French unit and label, Italian unit and label
    ((5_000, 90_000), "visites", "visites sur la page Facebook", "visite", "visite sulla pagina Facebook"),
    ((2, 30), "millions d'euros", "budget de la campagne", "milioni di euro", "budget della campagna"),
    ((50_000, 500_000), "appels", "appels traités", "chiamate", "chiamate gestite"),
    ((500, 8_000), "panneaux", "panneaux d'affichage", "cartelloni", "cartelloni pubblicitari"),
    ((10, 120), "villes", "villes couvertes", "città", "città coinvolte"),
    ((1_000, 60_000), "participants", "participants aux événements", "partecipanti", "partecipanti agli eventi"),
    ((100_000, 3_000_000), "vues", "vues de la vidéo", "visualizzazioni", "visualizzazioni del video"),
)
QUESTIONS = {
    "fr": ("Comment votre direction de la communication s'est-elle organisée ?",
           "Quels canaux de communication utilisez-vous ?", "À qui s'adresse cette campagne ?",
           "Quels résultats avez-vous obtenus ?", "Comment avez-vous choisi l'agence ?",
           "Qu'avez-vous appris de cette expérience ?", "Quelle est la prochaine étape ?",
           "Comment mesurez-vous l'impact de vos actions ?", "Pourquoi maintenant ?"),
    "it": ("Da dove nasce l'idea della campagna?", "Quali canali avete scelto?", "A chi si rivolge l'iniziativa?",
           "Quali risultati avete ottenuto?", "Cosa progettate per il futuro?", "Come misurate l'impatto?"),
}
CHROME = {  # site chrome around the article, as in the real seeds: (before, after)
    "fr": (("Temps de lecture : {minutes} min", "Témoignages, Collectivités", "Register Sign In"),
           ("Allez plus loin avec {media}", "the good newsletter", "Related News :", "les abonnements {media}")),
    "it": (("Tempo di lettura: {minutes} min",), ("Related News :", "Leggi anche")),
}
SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Ý«“])")
ITALIAN_MARKERS = re.compile(r"\b(il|della|che|è|sono|gli|nel|delle|questo|anche)\b", re.IGNORECASE)
FRENCH_MARKERS = re.compile(r"\b(le|les|des|est|une|dans|pour|qui|sur|nous)\b", re.IGNORECASE)


@dataclass
class Article:
    """One synthetic seed: its text, and what it is about (for tests and for checking)."""

    name: str
    lang: str
    format: str
    title: str
    text: str
    date: str | None
    organizations: list[Actor] = field(default_factory=list)
    people: list[Actor] = field(default_factory=list)
    campaign: Actor | None = None
    data: dict = field(default_factory=dict)  # the front matter a careful reader would write
    body: str = ""  # the article text without its chrome, title and byline

    def case_document(self) -> str:
        """The case study a careful curator would write for this article (published)."""
        return render(self.data, self.body)


def sentence_pool(seeds: Path = SEEDS) -> dict[str, list[str]]:
    """The real seeds' article sentences by language (chrome and short lines left out)."""
    pools: dict[str, list[str]] = {"fr": [], "it": []}
    for path in sorted(seeds.glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").splitlines():
            paragraph = re.sub(r"\{\{LNK\|([^|}]*)\|[^}]*\}\}", r"\1", paragraph.strip())
            if len(paragraph) < 100 or paragraph.endswith(":") or paragraph[:1] in "-•●[0123456789":
                continue
            lang = "it" if len(ITALIAN_MARKERS.findall(paragraph)) > len(FRENCH_MARKERS.findall(paragraph)) else "fr"
            pools[lang].extend(s.strip() for s in SENTENCE_SPLIT.split(paragraph)
                               if len(s.strip()) > 40 and "**" not in s and "^{" not in s)
    if not pools["fr"] or not pools["it"]:
        raise ValueError(f"{seeds}: need French and Italian seed articles to recombine")
    return pools


def _number(value: int, lang: str) -> str:
    """40 000 in French, 40.000 in Italian, as the seeds write them."""
    grouped = f"{value:,}"
    return grouped.replace(",", " " if lang == "fr" else ".")


def _date(rng: random.Random, lang: str) -> tuple[str | None, str | None]:
    """(the date as the text states it, ISO date) or (None, None) when the text gives none."""
    roll = rng.random()
    if roll < 0.08:
        return None, None
    year, month, day = rng.randint(2008, 2025), rng.randint(1, 12), rng.randint(1, 28)
    month_name = MONTHS[lang][month - 1]
    if roll < 0.16:
        return f"{month_name} {year}", f"{year:04d}-{month:02d}"
    if lang == "fr":
        form = rng.choice(("{d} {m} {y}", "Le {d} {m} {y}", "le {d} {m} {y}"))
    else:
        form = rng.choice(("{d} {m} {y}", "Il {d} {m} {y}"))
    return form.format(d=day, m=month_name, y=year), f"{year:04d}-{month:02d}-{day:02d}"


class Writer:
    """Writes the synthetic articles of one archive; holds the pool and the titles used so far."""

    def __init__(self, cases: int, seed: int = DEFAULT_SEED, seeds: Path = SEEDS):
        self.cases = cases
        self.seed = seed
        self.pool: Pool = build_pool(cases, random.Random(seed))
        self.sentences = sentence_pool(seeds)
        self.slugs: set[str] = set()

    def _filler(self, rng: random.Random, lang: str, count: int) -> str:
        return " ".join(rng.sample(self.sentences[lang], count))

    def _unique_title(self, rng: random.Random, title: str, lang: str) -> str:
        candidates = [title, f"{title} à {rng.choice(PLACES)}" if lang == "fr" else f"{title} a {rng.choice(PLACES)}"]
        candidates += [f"{place} : {title}" for place in rng.sample(PLACES, 5)]
        numbered = (f"{title} ({n})" for n in itertools.count(2))
        for candidate in itertools.chain(candidates, numbered):
            slug = slugify(candidate)
            if slug not in self.slugs:
                self.slugs.add(slug)
                return candidate

    def article(self, index: int) -> Article:
        rng = random.Random(self.seed * 1_000_003 + index)
        pool = self.pool
        lang = rng.choices(list(LANG_WEIGHTS), weights=list(LANG_WEIGHTS.values()))[0]
        li = 0 if lang == "fr" else 1
        fmt = rng.choices(list(FORMAT_WEIGHTS), weights=list(FORMAT_WEIGHTS.values()))[0]
        organizations = [pool.organizations[r] for r in pool.organization_ranks.sample(rng, rng.randint(1, 4))]
        people = [pool.people[r] for r in pool.people_ranks.sample(rng, rng.randint(1, 3))]
        campaign = pool.campaigns[pool.campaign_ranks.draw(rng)] if rng.random() < 0.5 else None
        themes = [THEMES[r][li] for r in pool.theme_ranks.sample(rng, rng.randint(1, 3))]
        sector = SECTORS[pool.sector_ranks.draw(rng)][li]
        places = [PLACES[r] for r in pool.place_ranks.sample(rng, rng.randint(0, 2))]
        channels = rng.sample(sorted(CHANNEL_PHRASES), rng.randint(2, 5))
        audiences = rng.sample(sorted(AUDIENCE_PHRASES), rng.randint(1, 3))
        goal = rng.choice(GOALS)[li]
        stated, iso = _date(rng, lang)
        main, others = organizations[0], organizations[1:]

        channel_text = ", ".join(CHANNEL_PHRASES[c][li] for c in channels[:-1])
        channel_text += (" et " if lang == "fr" else " e ") + CHANNEL_PHRASES[channels[-1]][li]
        audience_text = ", ".join(AUDIENCE_PHRASES[a][li] for a in audiences)
        theme_text = ", ".join(themes)

        if fmt == "interview":
            person = people[0]
            title = (f"{person.name} ({main.name}) : « Notre objectif, {goal} »" if lang == "fr"
                     else f"Intervista a {person.name} ({main.name}): {goal}")
        elif fmt == "event-recap":
            title = (f"Retours de la soirée {rng.choice(PLACES)} sur {themes[0]} : {main.name}" if lang == "fr"
                     else f"{main.name} a {rng.choice(PLACES)}: un incontro su {themes[0]}")
        else:
            forms = (("{o} lance une campagne pour {g}", "{o} mise sur {c} pour {g}", "Comment {o} veut {g}",
                      "{o} et {t} : une campagne pour {g}")
                     if lang == "fr" else
                     ("{o} lancia una campagna per {g}", "{o} punta su {c} per {g}", "Come {o} vuole {g}"))
            title = rng.choice(forms).format(o=main.name, g=goal, c=CHANNEL_PHRASES[channels[0]][li], t=themes[0])
        title = self._unique_title(rng, title, lang)

        lines: list[str] = []
        media = pool.organizations[rng.randrange(len(pool.organizations))].name
        before, after = CHROME[lang]
        chrome: list[str] = []
        if rng.random() < 0.5:
            chrome.append(rng.choice(before).format(minutes=rng.randint(2, 7), media=media))
            lines.append(chrome[-1])
        if stated and fmt in ("analysis", "press-release") and lang == "fr":
            lines.append(stated[0].upper() + stated[1:])
            stated_in_byline = False
        else:
            stated_in_byline = bool(stated)
        lines += ["", title, ""]

        campaign_part = ""
        if campaign is not None:
            campaign_part = (f"baptisée « {campaign.name} » " if lang == "fr" else f"chiamata “{campaign.name}” ")
        budget = rng.randint(2, 30)
        if lang == "fr":
            standfirst = (f"{main.name} lance une campagne de communication {campaign_part}dotée d'un budget de "
                          f"{budget} millions d'euros pour {goal}. Elle s'adresse en priorité à {audience_text}.")
        else:
            standfirst = (f"{main.name} lancia una campagna di comunicazione {campaign_part}con un budget di "
                          f"{budget} milioni di euro per {goal}. Si rivolge soprattutto a {audience_text}.")
        lines += [standfirst, ""]
        author = pool.people[rng.randrange(len(pool.people))].name
        if stated_in_byline:
            chrome.append(f"● Par [{author}](#) - {stated}." if lang == "fr" else f"Di {author} - {stated}.")
            lines += [chrome[-1], ""]

        def person_line(person: Actor) -> str:
            employer = next((o for o in organizations if o.id == person.organization), None)
            employer_name = employer.name if employer else main.name
            if lang == "fr":
                return f"« {self._filler(rng, lang, 1)} », précise {person.name}, {person.role} de {employer_name}."
            return f"“{self._filler(rng, lang, 1)}”, spiega {person.name}, {person.role} di {employer_name}."

        if fmt == "interview":
            person = people[0]
            lines += [person.name, f"{person.role[0].upper()}{person.role[1:]} de {main.name}", ""]
            for question in rng.sample(QUESTIONS[lang], rng.randint(3, 5)):
                lines += [question, "", f"{person.name}: ", "", self._filler(rng, lang, rng.randint(2, 4)), ""]
        elif fmt == "event-recap":
            lines += [self._filler(rng, lang, 2), ""]
            lines += [f"• {p.name}, {p.role} chez {main.name}" if lang == "fr" else f"• {p.name}, {p.role}"
                      for p in people]
            lines += ["", self._filler(rng, lang, 3), ""]
        else:
            lines += [self._filler(rng, lang, rng.randint(3, 5)), ""]
            lines += [("Des médias à forte audience" if lang == "fr" else "Una campagna su più canali"), ""]

        if lang == "fr":
            lines.append(f"La campagne se décline sur {channel_text}, autour de {theme_text}.")
            if others:
                lines.append(f"Elle a été conçue avec {', '.join(o.name for o in others)}.")
        else:
            lines.append(f"La campagna è diffusa su {channel_text}, sui temi {theme_text}.")
            if others:
                lines.append(f"È stata ideata con {', '.join(o.name for o in others)}.")
        lines.append("")
        for person in people[1:] if fmt == "interview" else people:
            lines += [person_line(person), ""]
        figures = rng.sample(FIGURES, rng.randint(1, 3))
        for (low, high), unit_fr, label_fr, unit_it, label_it in figures:
            value = _number(rng.randint(low, high), lang)
            if lang == "fr":
                lines.append(f"- {value} {unit_fr} : {label_fr}" + (f" à {places[0]}" if places else ""))
            else:
                lines.append(f"- {value} {unit_it}: {label_it}" + (f" a {places[0]}" if places else ""))
        lines += ["", self._filler(rng, lang, rng.randint(2, 4)), ""]
        if sector:
            lines += [(f"Un exemple à suivre pour tout le secteur {sector}." if lang == "fr"
                       else f"Un esempio per tutto il settore {sector}."), ""]
        if lang == "it" and rng.random() < 0.5:
            lines[-1:-1] = [f"[1] Esempi di campagne: {campaign.name if campaign else main.name}, ecc."]
        if fmt == "analysis" and lang == "fr":
            lines += [author, ""]
        if rng.random() < 0.5:
            chrome.append(rng.choice(after).format(minutes=0, media=media))
            lines.append(chrome[-1])
        text = "\n".join(lines).strip("\n") + "\n"
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        name = f"{index:05d}_{digest}.txt"
        body_lines = [line for line in lines if line not in chrome and line != title and line != stated]
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines)).strip()
        data = {
            "title": title, "slug": slugify(title), "lang": lang, "status": "published", "format": fmt,
            "summary": standfirst, "authors": [author], "source": {"file": name},
            "organizations": [{**({"id": o.id} if o.registered else {}), "name": o.name,
                               "role": "advertiser" if o is main else "partner"} for o in organizations],
            "people": [{**({"id": p.id} if p.registered else {}), "name": p.name, "role": p.role} for p in people],
            "channels": channels, "audiences": audiences, "themes": themes, "sectors": [sector], "places": places,
        }
        if iso:
            data["date"] = iso if len(iso) == 10 else f"{iso}-01"
            data["date_precision"] = "day" if len(iso) == 10 else "month"
        if campaign is not None:
            data["campaign"] = {**({"id": campaign.id} if campaign.registered else {}), "name": campaign.name}
        return Article(name, lang, fmt, title, text, iso, organizations, people, campaign, data, body)


def registry_document(actor: Actor, pool: Pool) -> str:
    """The registry file of one pool actor, in the schema's entity format."""
    data: dict = {"name": actor.name, "type": actor.type}
    if actor.aliases:
        data["aliases"] = list(actor.aliases)
    if actor.kind == "people":
        data["role"] = actor.role
        if actor.organization:
            data["organization"] = actor.organization
    description = {
        "organizations": f"{actor.name} apparaît dans les cas de l'archive de démonstration.",
        "people": f"{actor.name}, {actor.role}.",
        "campaigns": f"Campagne « {actor.name} ».",
    }[actor.kind]
    return render(data, description, ENTITY_FIELD_NAMES)


def generate(cases: int, folder: Path, seed: int = DEFAULT_SEED, content: Path = ROOT / "content",
             seeds: Path = SEEDS) -> list[Article]:
    """Write ``folder/seeds/*.txt`` and ``folder/content/entities/`` for an archive of ``cases`` cases.

    The registry starts from the real one (``content/entities``) so that the real seeds'
    sentences find their entities too; the pool's registered actors are added to it.
    """
    folder = Path(folder)
    seeds_out, entities_out = folder / "seeds", folder / "content" / "entities"
    for stale in (seeds_out, folder / "content"):
        shutil.rmtree(stale, ignore_errors=True)
    seeds_out.mkdir(parents=True)
    (folder / "content" / "cases").mkdir(parents=True)
    if (content / "entities").is_dir():
        shutil.copytree(content / "entities", entities_out)
    writer = Writer(cases, seed, seeds)
    articles = [writer.article(index) for index in range(cases)]
    for article in articles:
        (seeds_out / article.name).write_text(article.text, encoding="utf-8")
    pool = writer.pool
    for actor in pool.organizations + pool.people + pool.campaigns:
        if not actor.registered:
            continue
        if actor.kind == "people" and actor.organization:
            employer = next(o for o in pool.organizations if o.id == actor.organization)
            if not employer.registered:
                continue
        path = entities_out / actor.kind / f"{actor.id}.md"
        if path.exists():  # the real registry wins
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(registry_document(actor, pool), encoding="utf-8")
    return articles
