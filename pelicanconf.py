"""Pelican settings for development (``invoke serve``): drafts are built for preview.

publishconf.py imports these and overrides what differs when publishing.
Casebook's own settings share the CASEBOOK_ prefix; each plugin documents its own defaults.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:  # the plugins import the casebook package from the project root
    sys.path.insert(0, HERE)

from casebook.schema import slugify  # noqa: E402

SITENAME = "Casebook"
SITESUBTITLE = "Archive de cas de communication"
AUTHOR = "Casebook"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["cases"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = []
IGNORE_FILES = [".#*", "entities"]

THEME = os.path.join(HERE, "theme")
PLUGIN_PATHS = [os.path.join(HERE, "plugins")]
# parallel_writer holds back every page written before its turn (Pelican's and the plugins' listed
# before it), then writes them with two processes; search, after it, waits for its index only then.
PLUGINS = ["casebook_reader", "taxonomies", "crosslinks", "parallel_reader", "parallel_writer", "search",
           "casebook_theme"]

TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
# Cases without a stated date get this placeholder so that Pelican accepts them; the reader
# marks them with date_known = False and the theme says "date inconnue".
DEFAULT_DATE = (1970, 1, 1)


def newest_first(article):
    """Newest first, then by slug: Pelican reads files in set order (random from one process to
    the next), so cases of the same date, and every undated one, need a tie-break for the
    output to be the same bytes in every build."""
    return (-article.date.timestamp(), article.slug)


ARTICLE_ORDER_BY = newest_first
ARTICLE_TRANSLATION_ID = None  # translations are declared in the front matter
DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

ARTICLE_URL = "cases/{slug}/"
ARTICLE_SAVE_AS = "cases/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DIRECT_TEMPLATES = ["index", "archives", "404"]  # 404.html at the root
INDEX_SAVE_AS = "index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
ARCHIVES_URL = "archives/"

# Pelican's own tag/category/author pages are replaced by Casebook's taxonomies.
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
# A case's URL does not depend on its language (URL contract: /cases/<slug>/); Pelican would
# otherwise use the *_LANG_* settings for every case not in DEFAULT_LANG (e.g. Italian ones).
ARTICLE_LANG_URL, ARTICLE_LANG_SAVE_AS = ARTICLE_URL, ARTICLE_SAVE_AS
DRAFT_LANG_URL, DRAFT_LANG_SAVE_AS = DRAFT_URL, DRAFT_SAVE_AS
PAGE_LANG_URL, PAGE_LANG_SAVE_AS = PAGE_URL, PAGE_SAVE_AS

FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = os.path.join(HERE, ".cache", "pelican")

# Term pages live at /<facet>/<term slug>/ (see the README's URL contract); templates build
# those links with this filter.
JINJA_FILTERS = {"term_slug": slugify}
# The interface language, "fr" (default, casebook/settings.py) or "en"; the theme's other settings and their
# defaults are in plugins/casebook_theme/config.py.
CASEBOOK_UI_LANG = "fr"

# Front-matter text (titles, summaries, names, quotes) is untrusted: every {{ value }} is
# HTML-escaped. Only HTML that Casebook rendered itself is printed as is, marked in the
# template: {{ article.content|safe }} (casebook.render's sanitised Markdown).
# Templates translate their strings with gettext: the casebook_theme plugin installs the
# catalog of CASEBOOK_UI_LANG.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": ["jinja2.ext.i18n"],
                     "autoescape": True}

# Every page carries this policy: scripts only from the site itself ('wasm-unsafe-eval' lets
# Pagefind compile its WebAssembly), no inline script, no plugin, no framing of other sites.
CASEBOOK_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)

# Live reload in `invoke serve`: the theme adds a small polling script when this is true.
CASEBOOK_LIVERELOAD = False

# Cross-links (plugins/crosslinks): defaults live in plugins/crosslinks/settings.py; the README's
# "Cross-links" section documents them. Override any of them here, e.g.:
# CASEBOOK_RELATED_MAX = 5
# CASEBOOK_RELATED_MIN_SCORE = 1.0
# CASEBOOK_RELATED_WEIGHTS = {"campaigns": 3.0, "organizations": 2.0, "people": 2.0, "themes": 1.5,
#                             "sectors": 1.0, "channels": 0.5, "audiences": 0.5}
