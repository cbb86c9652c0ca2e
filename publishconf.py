"""Pelican settings for publishing (``invoke build``): drafts are neither written nor indexed."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

# An absolute address (e.g. https://example.org/casebook) gives canonical URLs and feeds
# absolute links; without one, every link is relative and the site works under any sub-path.
SITEURL = os.environ.get("CASEBOOK_SITEURL", "").rstrip("/")
RELATIVE_URLS = not SITEURL
FEED_DOMAIN = SITEURL

DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = ""
DRAFT_URL = DRAFT_LANG_URL = ""
DELETE_OUTPUT_DIRECTORY = False  # the build writes into a fresh folder and swaps it in

# A published build reads every file afresh: a cache keyed on file times would miss
# changes to the reader plugin itself. Nor does it write one: nothing reads it (the preview
# keeps its own), and pickling every case cost time and memory as the archive grew.
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
