from casebook.schema import CASE_FIELDS, CHANNELS, label, slugify, validate_case


def no_line(keys):
    return 1


def test_slugify_folds_accents_case_and_punctuation():
    assert slugify("L'industrie s'offre une campagne") == "l-industrie-s-offre-une-campagne"
    assert slugify("Crise") == slugify("crise") == slugify("CRISE")
    assert slugify("Réseau") == "reseau"
    assert slugify("Voiture&Co") == "voiture-et-co"
    assert slugify("Cœur") == "coeur"


def test_slugify_caps_length_on_a_word_boundary():
    slug = slugify("mot " * 100)
    assert len(slug) <= 80 and not slug.endswith("-")


def test_every_vocabulary_term_has_a_label_in_each_ui_language():
    assert label(CHANNELS, "tv", "fr") == "télévision"
    assert label(CHANNELS, "tv", "en") == "TV"
    for field in CASE_FIELDS:
        for term, labels in (field.vocabulary or {}).items():
            assert set(labels) >= {"fr", "en"}, (field.name, term)


def test_a_complete_case_is_valid():
    data = {
        "title": "Le CNPA défie la crise", "date": "2013-04-24", "date_precision": "day", "lang": "fr",
        "status": "published", "format": "news", "authors": ["Florence Berthier"],
        "source": {"file": "000.txt", "publisher": "Influencia"},
        "organizations": [{"id": "cnpa", "name": "CNPA", "role": "advertiser"}],
        "people": [{"name": "Arnaud Montebourg", "role": "ministre"}],
        "campaign": {"name": "On se bouge avec le CNPA"},
        "channels": ["facebook"], "audiences": ["young-people"],
        "figures": [{"value": 40000, "unit": "visites", "label": "visites sur la page Facebook"}],
        "themes": ["crise"], "reading_time": 2,
    }
    assert validate_case(data, "x.md", no_line) == []


def test_problems_name_the_field_and_the_fix():
    problems = validate_case({"title": "t", "channels": ["fax"], "figures": [{"value": "beaucoup"}]},
                             "x.md", no_line)
    text = "\n".join(map(str, problems))
    assert "channels[0]: unknown value 'fax' (must be one of" in text
    assert "figures[0].value: must be a number" in text
    assert "figures[0].label: is missing" in text
