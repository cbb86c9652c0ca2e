"""The converter's heuristics, as named data tables.

Every table says what it was tuned on and which test guards it. The tables describe kinds of
text (site chrome, datelines, bylines, role titles...), never one article: the five seeds were
read as samples of French, Italian and English press pieces, interviews, press releases, event
recaps and list articles, and each pattern was written for the whole kind it belongs to.
Tests: tests/convert/test_pairs.py (one fixture per behaviour in tests/cases/), the gold test
tests/convert/test_gold.py, and the property tests tests/convert/test_properties.py.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    """A word list written as whitespace-separated text (easier to read and extend)."""
    return frozenset(text.split())

# ---------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------

# Languages the detector chooses among (schema LANGUAGES). Guarded by test_gold (lang field).
SUPPORTED_LANGUAGES = ("fr", "it", "en", "es", "de")

# ---------------------------------------------------------------------------
# Site chrome and boilerplate. Each entry: (name, reason shown in the report, pattern on one
# stripped line). A match removes the line; ``block=True`` also removes the list items and short
# lines that follow it (a "Join X now to:" prompt and its bullet points).
# Tuned on the chrome of French/Italian/English news sites, community platforms and trade
# magazines (sign-in banners, newsletter and subscription prompts, related-news headers,
# share bars, cookie notices). Guarded by tests/cases/boilerplate_*.txt.
# ---------------------------------------------------------------------------

BOILERPLATE: tuple[tuple[str, str, str, bool], ...] = (
    ("sign-in", "sign-in or registration banner",
     r"(?i)^(register|sign in|sign up|log ?in|log ?out|se connecter|connexion|s'inscrire|inscription|"
     r"accedi|registrati|mon compte|my account)([\s/|·•-]+(register|sign in|sign up|log ?in|se connecter|"
     r"connexion|s'inscrire|inscription|accedi|registrati|mon compte|my account))*$", False),
    ("join-prompt", "membership prompt",
     r"(?i)^(join|rejoignez|rejoindre|unisciti a|iscriviti a)\b.{0,80}\b(now|today|maintenant|"
     r"dès maintenant|ora|subito)?\s*(to|pour|per)?\s*:?$", True),
    ("join-community", "membership prompt",
     r"(?i)^(join|rejoignez) [\w&' -]{1,40} to (exchange|connect|collaborate|access|share|discover|get)\b.{0,200}$",
     False),
    ("new-to", "membership prompt", r"(?i)^new to\s.{1,60}\?$", False),
    ("newsletter", "newsletter or subscription prompt",
     r"(?i)^.{0,40}\b(newsletter|abonnez-vous|abonnements?|s'abonner|subscribe|subscription|iscriviti|"
     r"abbonati|abbonamenti?)\b.{0,60}$", False),
    ("go-further", "promotion of the publisher's offers",
     r"(?i)^(allez plus loin|aller plus loin|pour aller plus loin|découvrez (nos|les) (offres|formations)|"
     r"les formations|nos formations|vai oltre|go further)\b.{0,60}$", False),
    ("related", "related-articles header",
     r"(?i)^(related( news| articles| posts| stories)?|read also|see also|lire aussi|à lire aussi|"
     r"voir aussi|sur le même sujet|dans la même rubrique|articles? similaires?|leggi anche|"
     r"articoli correlati|notizie correlate|potrebbe interessarti|vous aimerez aussi)\s*:?$", False),
    ("reading-time", "reading time (computed instead)",
     r"(?i)^(temps de lecture|durée de lecture|lecture|tempo di lettura|reading time|read time)\s*:?\s*"
     r"\d+\s*(min|mins|minutes?|minuti)\.?$|^\d+\s*(min|minutes?|minuti)\s*(de lecture|di lettura|read)$", False),
    ("share", "share bar",
     r"(?i)^(partager|partagez|share|condividi|imprimer|print|tweet|envoyer par e-?mail|email)"
     r"( this| cet article| l'article| l’article| sur| on| su)?\s*:?"
     r"([\s|/·•,]+(sur )?(facebook|twitter|x|linkedin|whatsapp|e-?mail|imprimer|print|partager|share|pinterest))*"
     r"\s*:?$", False),
    ("related-inline", "link to a related article",
     r"(?i)^(à lire aussi|a lire aussi|lire aussi|read also|read more|see also|voir aussi|leggi anche|"
     r"sur le même sujet)\s*:\s*.{1,160}$", False),
    ("cookies", "cookie notice",
     r"(?i)^.{0,80}\b(cookies?|traceurs)\b.{0,80}\b(accept|accepter|accetta|consent|paramétrer|"
     r"en savoir plus)\b.{0,60}$", False),
    ("comments", "comments header",
     r"(?i)^(\d+\s*)?(commentaires?|comments?|commenti|laisser un commentaire|leave a (comment|reply)|"
     r"ajouter un commentaire)\s*(\(\d+\))?\s*:?$", False),
    ("back-to-top", "navigation link",
     r"(?i)^(retour en haut|back to top|torna su|haut de page|accueil|home|retour|menu|rechercher|search|"
     r"cerca)\s*$", False),
    ("breadcrumb", "breadcrumb trail", r"^[^<>»/|]{1,30}(?:\s+[>»/|]\s+[^<>»/|]{1,40}){2,}$", False),
    ("copyright", "copyright notice", r"(?i)^(©|\(c\)|copyright)\s.{0,120}$", False),
    ("tags", "tag list", r"(?i)^(tags?|mots-clés|mots clés|étiquettes|parole chiave)\s*:.{0,200}$", False),
)
BOILERPLATE_RE = tuple((name, reason, re.compile(pattern), block) for name, reason, pattern, block in BOILERPLATE)

# A line that only names the kind of article, above the title ("Communiqué de presse",
# "PRESS RELEASE", "Interview"): it goes, and it tells the format. Guarded by
# tests/cases/format_press_release.txt.
FORMAT_LABEL_LINES = {
    "press-release": re.compile(r"(?i)^(communiqué de presse|press release|news release|comunicato stampa|"
                                r"nota stampa|pressemitteilung|nota de prensa)\s*:?$"),
    "interview": re.compile(r"(?i)^(interview|entretien|intervista|entrevista|l'interview|l’interview)\s*:?$"),
    "opinion": re.compile(r"(?i)^(tribune|opinion|point de vue|éditorial|edito|édito|editorial|editoriale|"
                          r"op-ed|commentary)\s*:?$"),
}

# A press-release dateline opening the first paragraph: "London, 14 January 2019 – Oxfam...".
# Guarded by tests/cases/date_press_release_dateline.txt.
PARAGRAPH_DATELINE = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w’'.-]*(?:[ -][A-ZÀ-ÖØ-Þ][\w’'.-]*){0,3}),?\s+"
                                r"(?P<date>[^–—\n]{6,40}?)\s*[–—-]\s+\S")

# The publisher named by chrome lines ("Allez plus loin avec Influencia", "les abonnements
# Influencia", "New to Wizness Community?"). Tuned on French/English magazine and community
# chrome; guarded by tests/cases/publisher_from_chrome.txt.
PUBLISHER_PATTERNS = tuple(re.compile(p) for p in (
    r"(?i)^(?:allez plus loin|aller plus loin|go further|vai oltre) (?:avec|with|con) (?P<name>[\w&'. -]{2,40})$",
    r"(?i)^(?:les |nos |le |our )?(?:abonnements?|formations|newsletters?) (?P<name>[\w&'. -]{2,40})$",
    r"(?i)^new to (?P<name>[\w&'. -]{2,40}?)(?: community)?\s*\?$",
    r"(?i)^(?:join|rejoignez) (?P<name>[\w&'. -]{2,30}?) (?:now|today|maintenant)?\s*(?:to|pour)\b",
))

# Category labels above a title ("Témoignages, Collectivités"): one line of 1-4 short
# capitalised items at the very top. Guarded by tests/cases/category_labels.txt.
CATEGORY_ITEM = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’&-]*(?: [\w'’&-]+)?$")
CATEGORY_SEPARATORS = re.compile(r"\s*[,|/·•]\s*")

# ---------------------------------------------------------------------------
# Dates: month names in the supported languages. Tuned on French/Italian/English datelines
# and bylines ("24 avril 2013", "Le 17 février 2023", "Il 17 febbraio 2023", "March 3, 2021",
# "Publié le 1er mars 2020"). Guarded by tests/cases/date_*.txt and test_gold (date).
# ---------------------------------------------------------------------------

MONTHS = {
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
    "janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11, "déc": 12,
    # Italian
    "gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "agosto": 8, "settembre": 9, "ottobre": 10, "dicembre": 12,
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "dec": 12,
    # Spanish and German (supported languages; same forms)
    "enero": 1, "febrero": 2, "marzo_es": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "septiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS if "_" not in m), key=len, reverse=True))

# Words that may stand before a dateline's date: articles, "published", weekdays.
DATE_LEAD = (r"(?:(?:le|il|el|the|on|am|du|del|publié|publiée|publie|mis à jour|mis a jour|modifié|"
             r"pubblicato|aggiornato|published|updated|posted|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
             r"dimanche|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|monday|tuesday|wednesday|"
             r"thursday|friday|saturday|sunday)[\s,:]+)*")
DAY_MONTH_YEAR = re.compile(
    rf"(?i)\b(?P<day>[0-3]?\d)(?:er|re|st|nd|rd|th|°|º)?\.?\s+(?P<month>{_MONTH_ALT})\.?,?\s+(?P<year>(?:19|20)\d\d)\b")
MONTH_DAY_YEAR = re.compile(
    rf"(?i)\b(?P<month>{_MONTH_ALT})\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b")
MONTH_YEAR = re.compile(rf"(?i)\b(?P<month>{_MONTH_ALT})\.?\s+(?P<year>(?:19|20)\d\d)\b")
NUMERIC_DATE = re.compile(r"\b(?P<day>[0-3]?\d)[/.](?P<month>[01]?\d)[/.](?P<year>(?:19|20)\d\d)\b")
ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")

# A line that is only a dateline: lead words, a date, maybe a time. Guarded by tests/cases/date_*.
DATELINE_REST = re.compile(r"(?i)^[\s,.:;–—-]*(?:(?:à|a|at|alle|um)\s+)?(?:\d{1,2}[:h]\d{2})?[\s.]*$")

# ---------------------------------------------------------------------------
# Bylines: "Par Estelle Durand - Le 17 février 2023", "Di Mario Rossi", "By Jane Doe".
# Tuned on French/Italian/English news bylines; guarded by tests/cases/byline_*.txt.
# ---------------------------------------------------------------------------

BYLINE = re.compile(
    r"^[\s●•·▪■◆*-]*(?:(?:écrit |rédigé |publié )?par|di|a cura di|by|written by|von|por)\s+"
    r"(?P<names>[^\n]{2,120}?)"
    r"(?:\s*[-–—|,]\s*(?P<rest>.*))?$", re.IGNORECASE)
BYLINE_NAME_SEPARATORS = re.compile(r"\s*(?:,|&| et | and | e | und | y )\s*")

# ---------------------------------------------------------------------------
# Names of people. Given names common in French, Italian and English press (a person is a
# capitalised sequence starting with one of them, or a capitalised sequence with a role title
# next to it). Tuned on French/Italian/English business press; guarded by tests/cases/people_*.txt.
# ---------------------------------------------------------------------------

GIVEN_NAMES = _words("""
adam adrien agathe agnès agnes alain alban albert alberto alessandra alessandro alessia alexandra
alexandre alexis alfred alice aline alison amandine amélie amelie andrea andré andre andrew angela
angelo anna anne annie antoine antoinette antonio arianna armelle arnaud arthur aude audrey
aurélie aurelie aurélien aurelien baptiste barbara bastien beatrice béatrice benedetta benjamin
benoît benoit bernard bertrand blanche bruno camille carla carlo carole caroline catherine cécile
cecile cédric cedric céline celine chantal charles charlotte chiara christian christine christophe
claire clara claude claudia clément clement coralie corinne cristina damien daniel daniela daniele
david davide delphine denis didier dominique édouard edouard eleonora éléonore elena eliane élise
elisa elisabeth élisabeth elizabeth emilie émilie emily emma emmanuel emmanuelle enrico éric eric
estelle étienne etienne eva fabien fabienne fabio fabrice federica federico fernand filippo florence
florian france francesca francesco franck françois francois françoise francoise frédéric frederic
frédérique gabriel gabriele gabrielle gaël gael george georges gérald gérard gerard géraldine
gilles giorgia giorgio giovanna giovanni girolamo giulia giulio giuseppe grégoire gregoire grégory
guillaume guy hélène helene henri henry hervé herve hugo hugues inès ines irène isabelle jacqueline
jacques james jane jean jeanne jennifer jérôme jerome jessica joël joel john jonathan josé joseph
josiane julie julien juliette justine karine katia kevin laura laure laurence laurent léa lea léon
leonardo lionel lisa lorenzo louis louise luc luca lucas lucia lucie luigi luisa madeleine manon
marc marcel marco margaux margherita maria marianne marie marine mario marion marta martin martina
martine mathieu mathilde matteo matthieu maurice max maxime mélanie melanie michael michel michèle
michele michelle mickaël mireille monica monique muriel mylène nadia nadine natacha natalie
nathalie nicolas nicole nicoletta noémie noemie océane odile olivia olivier pascal pascale patrice
patricia patrick paul paola paolo pascaline pauline philippe pierre pierre-yves pietro quentin
rachel raphaël raphael raymond rémi remi rémy renaud richard riccardo robert roberta roberto
rodolphe roger romain rosa roselyne sabine sabrina samuel sandra sandrine sara sarah sébastien
sebastien serena serge sergio silvia simon simona simone solène sonia sophie stefania stefano
stéphane stephane stéphanie stephanie susanna sylvain sylvie tatiana théo theo thierry thomas
tiziana tommaso valentina valentin valérie valerie vanessa véronique veronique victor vincent
vincenzo virginie vittorio william xavier yann yannick yves yvonne yasmine zoé zoe
jean-pierre jean-paul jean-marc jean-luc jean-michel jean-françois jean-claude jean-louis
jean-philippe jean-baptiste jean-charles jean-christophe marie-claire marie-christine
danny dan tom tim mark steve steven peter chris christopher matthew michael mike anthony tony
kate katherine sam sarah susan helen emma olivia oliver jack harry george charlie ben james lucy
amy rebecca rachel laura jessica hannah anna nick nicholas ian alan andy simon martin paul david
mary linda karen lisa nancy betty margaret sandra ashley kimberly donna carol michelle emily
brian kevin jason jeff ryan gary eric larry scott frank justin brandon raymond greg joshua
alessio antonella arturo beppe carmine cesare claudio corrado dario elisabetta enzo ettore
fabrizio filomena franco gianni gianluca giacomo gino guido ivan lara laura lucio marcello
marina massimo maurizio mauro michela nadia nicola oscar piero raffaele renato rita rocco
salvatore sandro sergio silvio stella tiziano umberto valeria valerio vito walter
aline anaïs axel bérénice capucine chloé clémence constance diane élodie estelle eugénie
fanny gaëlle gwenaëlle héloïse hortense jade joséphine laetitia léna lina lou louna margot
maëlle mathis nolan romane salomé timothée tristan ulysse victoire yohan
marie-pierre anne-sophie anne-marie françois-xavier francois-xavier pierre-emmanuel
""")

# Tokens that look capitalised but never start or continue a person's name (sentence-initial
# words, titles, months). Tuned on the same corpus; guarded by tests/cases/no_junk_entities.txt.
NOT_NAME_WORDS = _words("""
le la les l un une des du de d au aux et ou en à a ce cet cette ces son sa ses leur leurs mon ma
nos notre votre vos il elle ils elles on nous vous je tu qui que quoi quel quels quelle quelles
pourvu pour par sur avec sans dans chez comme mais donc or ni car si enfin alors bref ainsi
lo gli i una uno del della dei delle degli al alla ai agli nel nella con per tra fra è e che chi
the a an and or of in on at to for with by from this that these those it its our their we you he she
they his her if but so then also however
monsieur madame mademoiselle m mme mlle mr mrs ms dr pr prof sig signor signora dott
tv web covid covid-19 rse b2b faq pme tpe eti ceo coo cfo cto drh dg pdg
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre
january february march april may june july august september october november december
lundi mardi mercredi jeudi vendredi samedi dimanche
""")

# Demonyms and other capitalised words that name no organization ("les Français", "French",
# "l'État"), skipped by the repeated-names heuristic. Guarded by tests/cases/no_junk_entities.txt.
NOT_ORG_WORDS = _words("""
français française françaises italien italienne italiens italiennes européen européenne européens
européennes parisien parisienne parisiens américain américains allemand allemands anglais
britannique britanniques espagnol espagnols belge belges suisse suisses québécois
italiani italiano italiana italiane francesi francese europei europea tedeschi inglesi
french italian english british european american german spanish belgian swiss canadian
état etat stato state gouvernement governo government république repubblica republic
internet web covid noël natale christmas pâques pasqua easter ville città city town
""")

# Name particles that may sit inside a person's name ("François-Xavier de Thieulloy").
NAME_PARTICLES = _words("de du des d' le la di da del della van von der den ben bin el al mac mc")

# Role words: a title that follows or precedes a name ("Yann Drumare, Directeur de la
# Communication...", "directrice générale d'Opco 2i", "COO di Start Industrie"). Tuned on
# French/Italian/English business press; guarded by tests/cases/people_roles.txt.
ROLE_WORDS = _words("""
directeur directrice président présidente president presidente vice-président vice-présidente
vice-president vicepresidente fondateur fondatrice cofondateur cofondatrice co-fondateur
co-fondatrice trésorier trésorière secrétaire délégué déléguée responsable chef cheffe chargé
chargée gérant gérante associé associée consultant consultante conseiller conseillère porte-parole
professeur professeure enseignant chercheur chercheuse chroniqueur chroniqueuse journaliste
rédacteur rédactrice ministre maire député députée sénateur sénatrice administrateur
administratrice manager head ceo coo cfo cto cmo founder co-founder cofounder chairman chairwoman
chair director chief officer partner editor reporter spokesperson spokesman spokeswoman vp
direttore direttrice presidente fondatore fondatrice cofondatore cofondatrice responsabile
amministratore amministratrice consulente professore professoressa esperto esperta portavoce
giornalista conduttore conduttrice segretario segretaria tesoriere membro membre member expert
experte dirigeant dirigeante patron patronne avocat avocate architecte designer planneur
""")

# Words that introduce an organization's name ("l'agence Zonefranche", "chez Renault",
# "la società MITI", "lo studio MITI"). Tuned on French/Italian/English press; guarded by
# tests/cases/organizations_cues.txt.
ORG_CUES = re.compile(
    r"(?i)\b(?:l[’']agence|les agences|agence|l[’']association|association|la société|la start-up|"
    r"le groupe|du groupe|l[’']entreprise|l[’']enseigne|la marque|le cabinet|le collectif|il collettivo|"
    r"collectif|collettivo|la società|della società|lo studio|dello studio|l[’']agenzia|"
    r"l[’']associazione|il gruppo|the agency|the company|the group|the association|chez|"
    r"presso|at|di|de|d[’']|du)\s+$")

# Words that are themselves the head of an organization's name ("Ministère du redressement
# productif", "Chambre de Commerce", "Conseil National des ..."). Guarded by organizations_cues.
ORG_HEAD_WORDS = _words("""
ministère ministero ministry chambre chambres camera conseil consiglio council fédération
federazione federation union unione syndicat sindacato confédération confederazione association
associazione fondation fondazione foundation institut istituto institute université università
university école scuola school agence agenzia agency office observatoire osservatorio comité
comitato committee groupe gruppo group banque banca bank caisse cassa autorité autorità authority
centre centro center conservatoire conservatorio collège journal giornale pôle polo réseau rete
""")

# Head words of public institutions: an organization named with one gets the role
# "institution". Guarded by tests/cases/organizations_cues.txt.
INSTITUTION_HEAD_WORDS = _words("""
ministère ministero ministry chambre camera conseil consiglio council autorité autorità authority
université università university école scuola school comité comitato committee observatoire
osservatorio conservatoire conservatorio institut istituto institute office parlement parlamento
parliament commission commissione région regione département préfecture prefettura mairie comune
""")

# Endings of adjectives that may follow a lower-case word inside an institution's name
# ("Ministère du redressement productif"), where a verb would end it ("... de l'artisanat lance").
# Guarded by tests/cases/organizations_cues.txt.
ADJECTIVE_ENDINGS = ("if", "ive", "al", "ale", "aux", "ales", "el", "elle", "ique", "iques", "aire", "aires", "ien",
                     "ienne", "ais", "aise", "ain", "aine", "é", "ée", "és", "ées", "ile", "ale", "ile", "ivo", "iva",
                     "ico", "ica", "ale", "ali", "ese", "ano", "ana", "ory", "ive", "ic", "ical", "an")

# Acronyms that are not organizations (skipped when they look like one).
NOT_ORG_ACRONYMS = _words("""
TV RSE CSR B2B B2C FAQ PME TPE ETI CEO COO CFO CTO CMO DRH DG PDG RP PR SEO ROI KPI PIB GDP TVA
VAT ONG NGO UE EU USA UK IT PDF URL HTML NB PS OK RH HR CV
""")

# ---------------------------------------------------------------------------
# Interviews: speaker-label keywords and the interviewer's generic labels.
# Guarded by tests/cases/interview_*.txt.
# ---------------------------------------------------------------------------

QA_LABELS = _words("q r question réponse reponse domanda risposta answer a")

# ---------------------------------------------------------------------------
# Formats: keywords that decide the kind of article. Tuned on French/Italian/English titles
# and chrome; guarded by tests/cases/format_*.txt and test_gold (format).
# ---------------------------------------------------------------------------

FORMAT_KEYWORDS = {
    "press-release": re.compile(
        r"(?i)\b(communiqué de presse|comunicato stampa|press release|contact presse|contacts presse|"
        r"press contact|ufficio stampa|à propos de [A-Z]|about [A-Z][\w&]+\s*$)"),
    "event-recap": re.compile(
        r"(?i)\b(retours? (de|sur) la (soirée|conférence|journée|table ronde|rencontre)|compte[- ]rendu|"
        r"soirée|conférence|table ronde|rencontre|salon|webinaire|atelier|colloque|"
        r"serata|convegno|conferenza|evento|tavola rotonda|recap|conference|event|panel|meetup|summit)\b"),
    "opinion": re.compile(r"(?i)\b(tribune|point de vue|opinion|op-ed|editorial|éditorial|editoriale|commentary)\b"),
    "interview": re.compile(r"(?i)\b(interview|entretien|intervista|questions? à|3 questions|trois questions)\b"),
}

# ---------------------------------------------------------------------------
# Keyword tables: id -> phrases. A phrase is words; a word ending in "*" matches any word it
# starts; a word with a capital letter (TV, RTL, PME) matches only that exact spelling; other
# words match ignoring case and accents. Matching is a single pass over the words
# (annotate.KeywordTable), so that the tables can grow without slowing the converter.
# ---------------------------------------------------------------------------

# Channels -> CHANNELS ids. Tuned on French/Italian/English media-plan vocabulary; guarded by
# tests/cases/channels_vocabulary.txt and test_gold (channels).
CHANNEL_KEYWORDS: dict[str, tuple[str, ...]] = {
    "tv": ("télévision", "televisione", "television", "chaîne de télévision", "chaînes de télévision",
           "chaînes nationales", "spot tv", "spots tv", "TV", "TF1", "France 2", "France 3", "France 5", "M6",
           "Rai", "Mediaset", "BFM TV", "BFMTV"),
    "replay": ("replay", "vidéo à la demande", "VOD", "myCanal", "MyTF1", "6play", "France.tv", "RaiPlay"),
    "cinema": ("cinéma", "cinema", "salles de cinéma", "salle de cinéma", "cinémas"),
    "radio": ("radio", "radios", "RTL", "France Inter", "Europe 1", "RMC", "France Info", "podcast", "podcasts"),
    "press": ("presse écrite", "annonce presse", "annonces presse", "insertion presse", "insertions presse",
              "quotidien", "quotidiens", "magazine", "magazines", "newspaper", "newspapers", "stampa",
              "giornali", "pleine page", "pleines pages"),
    "billboards": ("affichage", "panneaux", "panneau publicitaire", "panneaux publicitaires", "billboard",
                   "billboards", "cartellone", "cartelloni", "manifesti", "out of home", "OOH", "abribus", "4x3",
                   "affissioni"),
    "print": ("flyer", "flyers", "affiches", "kit", "kits", "brochure", "brochures", "dépliant", "dépliants",
              "volantini", "poster", "posters", "prospectus", "leaflet", "leaflets"),
    "website": ("site web", "site internet", "site dédié", "sito web", "sito internet", "sito dedicato",
                "website", "web site", "www", "page web", "plateforme numérique", "landing page"),
    "online-ads": ("bannières web", "bannière web", "banner", "banners", "publicité en ligne", "display",
                   "pubblicità online", "online ads", "online advertising", "sur internet", "su internet",
                   "on the internet", "search ads", "sea"),
    "social-media": ("réseaux sociaux", "réseau social", "médias sociaux", "social network", "social networks",
                     "social media", "rete sociale", "reti sociali"),
    "facebook": ("facebook",),
    "linkedin": ("linkedin",),
    "twitter": ("twitter",),
    "instagram": ("instagram",),
    "tiktok": ("tiktok",),
    "youtube": ("youtube",),
    "video": ("vidéo", "vidéos", "video", "videos", "vidéo de présentation"),
    "newsletter": ("newsletter", "newsletters", "lettre d'information"),
    "email": ("e-mailing", "emailing", "e-mailings", "courriel", "courriels", "campagne d'e-mails"),
    "webinar": ("webinaire", "webinaires", "webinar", "webinars", "directs", "live stream", "live streams",
                "diretta", "dirette"),
    "press-relations": ("relations presse", "relation presse", "relations médias", "RP", "press relations",
                        "ufficio stampa", "journalistes", "giornalisti", "journalists", "retombées presse",
                        "retombées médiatiques", "reprises en presse", "reprises dans la presse",
                        "communiqué de presse", "communiqués de presse", "conférence de presse"),
    "events": ("événement", "événements", "évènement", "évènements", "salon", "salons", "forum", "forums",
               "journées portes ouvertes", "portes ouvertes", "evento", "eventi", "event", "events", "fiera",
               "soirée", "soirées", "conférence", "conférences", "tournée", "roadshow"),
    "sponsorship": ("sponsoring", "sponsoriser", "sponsorise", "sponsorisé", "sponsorisée", "parrainage",
                    "mécénat", "sponsorship", "sponsor", "sponsorizzazione"),
    "influencers": ("influenceur", "influenceurs", "influenceuse", "influenceuses", "influencer", "influencers",
                    "influence digitale", "influenza digitale"),
    "partnerships": ("partenariat", "partenariats", "partnership", "partnerships", "partenariato",
                     "partenariati"),
    "internal": ("communication interne", "comunicazione interna", "internal communication", "intranet"),
}

# Audiences -> AUDIENCES ids. Tuned on French/Italian/English campaign descriptions; guarded by
# tests/cases/audiences.txt.
AUDIENCE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "general-public": ("grand public", "general public", "grande pubblico", "les français", "opinion publique"),
    "young-people": ("jeunes", "young people", "giovani", "nouvelle génération", "youth", "moins de 25 ans",
                     "moins de 26 ans", "moins de 30 ans"),
    "students": ("étudiants", "étudiant", "élèves", "lycéens", "collégiens", "students", "studenti",
                 "scuole secondarie"),
    "parents": ("parents", "genitori", "genitoriale"),
    "job-seekers": ("demandeurs d'emploi", "chômeurs", "job seekers", "disoccupati", "personnes en insertion",
                    "retour vers l'emploi", "retour à l'emploi"),
    "career-changers": ("reconversion", "career changers", "career changer", "riconversione"),
    "employees": ("salariés", "collaborateurs", "employees", "dipendenti"),
    "businesses": ("entreprises", "entrepreneurs", "chefs d'entreprise", "commerçants", "artisans", "TPE", "PME",
                   "imprese", "businesses", "companies"),
    "professionals": ("professionnels", "professionisti", "professionals"),
    "consumers": ("consommateurs", "consumatori", "consumers", "clients"),
    "institutions": ("institutionnels", "institutions", "istituzioni", "collectivités"),
    "journalists": ("journalistes", "giornalisti", "journalists"),
    "prescribers": ("prescripteurs", "prescrittori", "prescribers"),
    "vulnerable-people": ("faibles revenus", "précarité", "personnes en insertion", "vulnerable", "fragiles"),
    "partners": ("fournisseurs", "partenaires", "suppliers", "fornitori"),
}

# ---------------------------------------------------------------------------
# Figures: a number and its unit ("40 000 visites", "15 millions d'euros", "60 %",
# "400 000 appels", "6 000 panneaux"). Tuned on French/Italian/English campaign results;
# guarded by tests/cases/figures.txt and test_gold (figures).
# ---------------------------------------------------------------------------

NUMBER = r"(?<![\w.,-])(?P<number>\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![^\W\d_])"
MULTIPLIERS = {
    "millions": 1_000_000, "million": 1_000_000, "millions de": 1_000_000, "milioni": 1_000_000,
    "milione": 1_000_000, "mln": 1_000_000, "m": 1_000_000,
    "milliards": 1_000_000_000, "milliard": 1_000_000_000, "miliardi": 1_000_000_000,
    "billion": 1_000_000_000, "billions": 1_000_000_000, "mds": 1_000_000_000,
    "mille": 1_000, "k": 1_000, "thousand": 1_000,
}
FIGURE_RE = re.compile(
    NUMBER
    + r"(?:\s*(?P<mult>millions|million|milliards|milliard|milioni|milione|miliardi|billions|billion|mln|"
      r"thousand|mille)\b)?"
    + r"\s*(?:d[e'’]\s*|di\s+|of\s+)?"
    + r"(?P<unit>%|€|\$|euros?|dollars?|eur\b|[a-zà-ÿ][a-zà-ÿ'’-]{2,24})?",
    re.IGNORECASE)
# Units that are not figures (dates, times, ordinals) and words after a number that say
# nothing measurable.
NOT_FIGURE_UNITS = _words("""
ans an année années anni anno years year mois mesi months month jours jour giorni days day
heures heure ore hours hour semaines semaine settimane weeks week min minutes minuti h
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre dicembre
january february march april may june july august september october november december
er ère re e ème eme st nd rd th et à a au aux ou et le la les de des du en sur par pour dans
dont que qui plus moins environ près avec entre fois the of and to in for with che di del della dei
""")
# Of those, the words that make the number a date or a duration: no figure at all.
DATE_UNITS = _words("""
ans an année années anni anno years year mois mesi months month jours jour giorni days day
heures heure ore hours hour semaines semaine settimane weeks week min minutes minuti h
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre dicembre
january february march april may june july august september october november december
er ère re e ème eme st nd rd th
""")
CURRENCY_UNITS = {"€": "euros", "euro": "euros", "euros": "euros", "eur": "euros", "$": "dollars",
                  "dollar": "dollars", "dollars": "dollars"}

# ---------------------------------------------------------------------------
# Sectors, themes and places: keyword tables. Tuned on the business press the seeds come from;
# guarded by tests/cases/facets.txt.
# ---------------------------------------------------------------------------

SECTOR_KEYWORDS: dict[str, tuple[str, ...]] = {
    "automobile": ("automobile", "automobiles", "automotive", "voiture", "voitures", "garage", "garages",
                   "concessionnaires", "constructeurs automobiles"),
    "industrie": ("industrie", "industria", "industriel", "industriels", "industriale", "manufacturing",
                  "industry"),
    "commerce": ("commerçants", "commerce", "retail", "commercio"),
    "services aux entreprises": ("chambres de commerce", "chambre de commerce", "CCI"),
    "mobilité": ("mobilité", "mobilità", "mobility", "covoiturage"),
    "énergie": ("énergies renouvelables", "énergie", "energia", "energy"),
    "santé": ("santé", "sanità", "healthcare", "health"),
    "formation": ("formation professionnelle", "formations professionnelles", "opérateur de compétences",
                  "formazione"),
}
THEME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "crise": ("crise", "crises", "crisi", "crisis"),
    "covid-19": ("covid", "covid-19", "coronavirus", "confinement", "déconfinement", "crise sanitaire"),
    "emploi": ("emploi", "emplois", "recrutement", "recrutements", "offres d'emploi", "assunzioni",
               "employment", "hiring"),
    "attractivité des métiers": ("attractivité", "attrattiva", "vocations", "métiers de l'industrie", "talents"),
    "image de marque": ("image", "notoriété", "reputation", "réputation", "immagine"),
    "RSE": ("RSE", "responsabilité sociétale", "CSR", "social business", "solidaire", "développement durable"),
    "solidarité": ("solidarité", "solidarietà", "solidarity", "solidaire"),
    "innovation": ("innovation", "innovazione", "innovant", "innovante", "innovants"),
    "co-construction": ("co-construction",),
    "communication de crise": ("cellule de crise", "cellules de crise", "communication de crise"),
    "influence": ("influence", "influenza", "influenceurs", "influencer"),
    "insertion": ("insertion",),
}

PLACES = {
    # name as written -> place label. Countries and large cities in the supported languages.
    "france": "France", "italie": "Italie", "italia": "Italie", "italy": "Italie", "europe": "Europe",
    "europa": "Europe", "paris": "Paris", "parigi": "Paris", "lyon": "Lyon", "lione": "Lyon",
    "marseille": "Marseille", "aix-marseille-provence": "Aix-Marseille-Provence", "lille": "Lille",
    "toulouse": "Toulouse", "bordeaux": "Bordeaux", "nantes": "Nantes", "strasbourg": "Strasbourg",
    "nice": "Nice", "rennes": "Rennes", "grenoble": "Grenoble", "montpellier": "Montpellier",
    "milan": "Milan", "milano": "Milan", "rome": "Rome", "roma": "Rome", "turin": "Turin",
    "torino": "Turin", "bruxelles": "Bruxelles", "brussels": "Bruxelles", "london": "Londres",
    "londres": "Londres", "belgique": "Belgique", "suisse": "Suisse", "canada": "Canada",
    "québec": "Québec", "espagne": "Espagne", "allemagne": "Allemagne", "germany": "Allemagne",
    "spain": "Espagne", "united kingdom": "Royaume-Uni", "royaume-uni": "Royaume-Uni",
}

# Reading speed used for reading_time (words per minute, adult silent reading of news prose).
WORDS_PER_MINUTE = 230
