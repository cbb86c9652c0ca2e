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
     r"([\s|/·•,]+(sur )?(facebook|twitter|x|linkedin|whatsapp|e-?mail|imprimer|print|partager|share))*\s*:?$",
     False),
    ("cookies", "cookie notice",
     r"(?i)^.{0,80}\b(cookies?|traceurs)\b.{0,80}\b(accept|accepter|accetta|consent|paramétrer|"
     r"en savoir plus)\b.{0,60}$", False),
    ("comments", "comments header",
     r"(?i)^(\d+\s*)?(commentaires?|comments?|commenti|laisser un commentaire|leave a (comment|reply)|"
     r"ajouter un commentaire)\s*(\(\d+\))?\s*:?$", False),
    ("back-to-top", "navigation link",
     r"(?i)^(retour en haut|back to top|torna su|haut de page|accueil|home|retour|menu|rechercher|search|"
     r"cerca)\s*$", False),
    ("breadcrumb", "breadcrumb trail", r"^(\S[^>»/]{0,30}\s*[>»/]\s*){2,}\S.{0,60}$", False),
    ("copyright", "copyright notice", r"(?i)^(©|\(c\)|copyright)\s.{0,120}$", False),
    ("tags", "tag list", r"(?i)^(tags?|mots-clés|mots clés|étiquettes|parole chiave)\s*:.{0,200}$", False),
)
BOILERPLATE_RE = tuple((name, reason, re.compile(pattern), block) for name, reason, pattern, block in BOILERPLATE)

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

GIVEN_NAMES = frozenset("""
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
marie-pierre anne-sophie anne-marie françois-xavier francois-xavier pierre-emmanuel
""".split())

# Tokens that look capitalised but never start or continue a person's name (sentence-initial
# words, titles, months). Tuned on the same corpus; guarded by tests/cases/no_junk_entities.txt.
NOT_NAME_WORDS = frozenset("""
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
""".split())

# Name particles that may sit inside a person's name ("François-Xavier de Thieulloy").
NAME_PARTICLES = frozenset("de du des d' le la di da del della van von der den ben bin el al mac mc".split())

# Role words: a title that follows or precedes a name ("Yann Drumare, Directeur de la
# Communication...", "directrice générale d'Opco 2i", "COO di Start Industrie"). Tuned on
# French/Italian/English business press; guarded by tests/cases/people_roles.txt.
ROLE_WORDS = frozenset("""
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
""".split())

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
ORG_HEAD_WORDS = frozenset("""
ministère ministero ministry chambre chambres camera conseil consiglio council fédération
federazione federation union unione syndicat sindacato confédération confederazione association
associazione fondation fondazione foundation institut istituto institute université università
university école scuola school agence agenzia agency office observatoire osservatorio comité
comitato committee groupe gruppo group banque banca bank caisse cassa autorité autorità authority
centre centro center conservatoire conservatorio collège chaire
""".split())

# Acronyms that are not organizations (skipped when they look like one).
NOT_ORG_ACRONYMS = frozenset("""
TV RSE CSR B2B B2C FAQ PME TPE ETI CEO COO CFO CTO CMO DRH DG PDG RP PR SEO ROI KPI PIB GDP TVA
VAT ONG NGO UE EU USA UK IT PDF URL HTML NB PS OK RH HR CV
""".split())

# ---------------------------------------------------------------------------
# Interviews: speaker-label keywords and the interviewer's generic labels.
# Guarded by tests/cases/interview_*.txt.
# ---------------------------------------------------------------------------

QA_LABELS = frozenset("q r question réponse reponse domanda risposta answer a".split())

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
# Channels: keyword -> CHANNELS id. Tuned on French/Italian/English media-plan vocabulary;
# guarded by tests/cases/channels.txt and test_gold (channels).
# ---------------------------------------------------------------------------

CHANNEL_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("tv", r"télévision|television|televisione|chaînes? (?:de télévision|nationales?|tv)|spots? tv|"
           r"\bTV\b|\bTF1\b|France ?[2345]\b|\bM6\b|canale? tv|\bRai\b|Mediaset"),
    ("replay", r"\breplay\b|vidéo à la demande|\bVOD\b|myCanal|MyTF1|6play|France\.?tv"),
    ("cinema", r"\bcinéma|\bcinema\b|salles? de ciné"),
    ("radio", r"\bradio\b|\bRTL\b|France Inter|Europe 1|\bRMC\b"),
    ("press", r"\bpresse écrite\b|\ben presse\b|\bpresse\b(?! (?:relations|RP))|\bstampa\b|newspapers?|"
              r"magazines?|quotidiens?|\bjournaux\b"),
    ("billboards", r"affichage|panneaux|affiches? (?:publicitaires?|4x3)|billboards?|cartellon|"
                   r"manifesti|out-?of-?home|\bOOH\b|abribus"),
    ("print", r"\bflyers?\b|\baffiches\b|\bkits?\b|brochures?|dépliants?|volantini|\bposters?\b|"
              r"\bprospectus\b"),
    ("website", r"\bsite (?:web|internet|dédié)|\bsite [a-z0-9-]+\.(?:fr|com|org|it|eu)\b|"
                r"\bsite\b|\bsito\b|website|plateforme numérique|page web|\bwww\.[\w.-]+"),
    ("online-ads", r"bannières web|banner|publicité en ligne|display|pubblicità online|online ads?"),
    ("social-media", r"réseaux sociaux|social network|social media|rete sociale|reti sociali|"
                     r"social\b|médias sociaux"),
    ("facebook", r"\bfacebook\b"),
    ("linkedin", r"\blinkedin\b"),
    ("twitter", r"\btwitter\b|\bX \(ex-Twitter\)"),
    ("instagram", r"\binstagram\b"),
    ("tiktok", r"\btiktok\b"),
    ("youtube", r"\byoutube\b"),
    ("video", r"\bvidéos?\b|\bvideo\b|\bfilm publicitaire|\bspots?\b"),
    ("newsletter", r"\bnewsletters?\b(?! \w+$)"),
    ("email", r"\be-?mailings?\b|\bcourriels?\b|campagne d'e-?mails?"),
    ("webinar", r"webinaires?|webinars?|\bdirects?\b|\blives?\b(?= (?:facebook|linkedin|instagram))|"
                r"live streams?"),
    ("press-relations", r"relations? (?:presse|médias)|\bRP\b|press relations|ufficio stampa|"
                        r"communiqués? de presse|conférence de presse"),
    ("events", r"événements?|évènements?|\bsalons?\b|forums?|journées? portes ouvertes|eventi|\bevents?\b|"
               r"fiera|soirées?"),
    ("sponsorship", r"sponsoring|sponsoris|parrainage|mécénat|sponsorship|sponsorizza"),
    ("influencers", r"influenceurs?|influencer|influence digitale|influenza digitale"),
    ("partnerships", r"partenariats?|partnerships?|partenariato"),
    ("internal", r"communication interne|comunicazione interna|internal communication|intranet"),
)
CHANNEL_RE = tuple((channel, re.compile(pattern, re.IGNORECASE)) for channel, pattern in CHANNEL_KEYWORDS)
# Channels that need stronger evidence than one generic word: they are only kept when one of
# these strong patterns also matches (a "site" alone is too common in French).
CHANNEL_STRONG = {
    "website": re.compile(r"(?i)\bsite (?:web|internet|dédié)|\bwebsite|\bsito (?:web|internet)|\bwww\.|"
                          r"\bsite [a-z0-9-]+\.(?:fr|com|org|it|eu)\b|[a-z0-9-]+\.(?:fr|com|org)\b"),
    "press": re.compile(r"(?i)\b(?:en presse|presse écrite|quotidiens?|magazines?|newspapers?|stampa)\b"),
    "events": re.compile(r"(?i)événements? organisés|salons? de|forums? de|journées? portes ouvertes|"
                         r"\beventi\b|\bevents\b|événements?"),
}

# ---------------------------------------------------------------------------
# Audiences: keyword -> AUDIENCES id. Tuned on French/Italian/English campaign descriptions;
# guarded by tests/cases/audiences.txt.
# ---------------------------------------------------------------------------

AUDIENCE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("general-public", r"grand public|general public|grande pubblico|\bles français\b|opinion publique"),
    ("young-people", r"\bjeunes\b|moins de \d+ ans|young people|\bgiovani\b|nouvelle génération|youth"),
    ("students", r"étudiants?|élèves|lycéens|collégiens|students|studenti|scuole secondarie"),
    ("parents", r"\bparents\b|\bgenitori\b|genitoriale"),
    ("job-seekers", r"demandeurs d'emploi|demandeurs d’emploi|chômeurs|job seekers|disoccupati|"
                    r"personnes en insertion|retour vers l'emploi"),
    ("career-changers", r"reconversion|career changers?|riconversione"),
    ("employees", r"\bsalariés\b|\bcollaborateurs\b|employees|dipendenti"),
    ("businesses", r"\bentreprises\b|entrepreneurs|chefs d['’]entreprise|commerçants|artisans|\bTPE\b|"
                   r"\bPME\b|\bimprese\b|businesses"),
    ("professionals", r"\bprofessionnels\b|professionisti|professionals"),
    ("consumers", r"consommateurs|consumatori|consumers|\bclients\b"),
    ("institutions", r"institutionnels|institutions|istituzioni|collectivités"),
    ("journalists", r"\bjournalistes\b|\bmédias se renseigner|giornalisti|journalists"),
    ("prescribers", r"prescripteurs|prescrittori|prescribers"),
    ("vulnerable-people", r"faibles revenus|précarité|personnes en insertion|vulnerable|fragiles"),
    ("partners", r"\bfournisseurs\b|\bpartenaires\b|suppliers|fornitori"),
)
AUDIENCE_RE = tuple((audience, re.compile(pattern, re.IGNORECASE)) for audience, pattern in AUDIENCE_KEYWORDS)

# ---------------------------------------------------------------------------
# Figures: a number and its unit ("40 000 visites", "15 millions d'euros", "60 %",
# "400 000 appels", "6 000 panneaux"). Tuned on French/Italian/English campaign results;
# guarded by tests/cases/figures.txt and test_gold (figures).
# ---------------------------------------------------------------------------

NUMBER = r"(?<![\w.,-])(?P<number>\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
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
NOT_FIGURE_UNITS = frozenset("""
ans an année années anni anno years year mois mesi months month jours jour giorni days day
heures heure ore hours hour semaines semaine settimane weeks week min minutes minuti h
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre dicembre
january february march april may june july august september october november december
er ère re e ème eme st nd rd th et à a au aux ou et le la les de des du en sur par pour dans
dont que qui plus moins environ près avec entre fois the of and to in for with che di del della dei
""".split())
CURRENCY_UNITS = {"€": "euros", "euro": "euros", "euros": "euros", "eur": "euros", "$": "dollars",
                  "dollar": "dollars", "dollars": "dollars"}

# ---------------------------------------------------------------------------
# Sectors, themes and places: keyword tables. Tuned on the business press the seeds come from;
# guarded by tests/cases/facets.txt.
# ---------------------------------------------------------------------------

SECTOR_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("automobile", r"automobile|automobiles|automotive|voitures?|garages?|concessionnaires"),
    ("industrie", r"\bindustrie\b|\bindustria\b|industriel|industriale|manufacturing|\bindustry\b"),
    ("commerce", r"commerçants|\bcommerce\b|retail|commercio"),
    ("services aux entreprises", r"chambres? de commerce|\bCCI\b"),
    ("mobilité", r"mobilité|mobilità|mobility|covoiturage"),
    ("énergie", r"énergies? renouvelables|energia|energy"),
    ("santé", r"\bsanté\b|\bsanità\b|healthcare"),
    ("formation", r"formations? professionnelles?|opérateur de compétences|formazione"),
)
THEME_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("crise", r"\bcrises?\b|\bcrisi\b"),
    ("covid-19", r"covid|coronavirus|confinement|déconfinement|sanitaire"),
    ("emploi", r"\bemplois?\b|recrutements?|offres d['’]emploi|assunzioni|employment|hiring"),
    ("attractivité des métiers", r"attractivité|attrattiva|vocations|métiers de l|talents"),
    ("image de marque", r"\bimage\b|notoriété|reputation|immagine"),
    ("RSE", r"\bRSE\b|responsabilité sociétale|\bCSR\b|social business|solidaire|durable"),
    ("solidarité", r"solidarit"),
    ("innovation", r"innovation|innovazione|innovant"),
    ("co-construction", r"co-construction"),
    ("communication de crise", r"cellules? de crise|communication de crise"),
    ("influence", r"influence|influencer"),
    ("insertion", r"\binsertion\b"),
)
SECTOR_RE = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in SECTOR_KEYWORDS)
THEME_RE = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in THEME_KEYWORDS)

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
