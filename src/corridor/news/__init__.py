"""News to scenario: a Russian or English article in, dated events on named assets out.

``load_article(path)`` reads a file (plain text, text with YAML front matter, an HTML page through
trafilatura) and refuses what is not an article; ``draft_scenario`` first cleans the text (page
furniture, a paragraph printed twice, a sentence cut off at the end).

``draft_scenario(text, published=date)`` reads an article into a :class:`NewsDraft`: each event
names a node, link or group of the network (or none, when the network lacks the place), an
action (close, derate, reopen, tariff change, transit ban, capacity increase, reroute in or
out), the share of capacity it takes out, its dates read against the publication date, and its
status (new, background, conditional, or ended when the article reports it over), its scope
when only part of what the asset carries is hit, a confidence per field, the groups the asset
belongs to and the publication date (so that articles about one incident can be joined), with
the article's own words as evidence for every field. A place the network lacks gives no event;
its name goes to the draft's unknowns. ``write_draft_scenario`` turns a draft into a scenario YAML that
:func:`corridor.scenario.load_scenario` reads and that validation refuses until a person has
settled what the article left open.

Everything runs offline: razdel splits sentences, pymorphy3 gives Russian lemmas, natasha finds
Russian place names the network lacks, rapidfuzz matches misspelt names; the rules are ours.
"""

from corridor.news._clean import Article, clean_text, parse_article
from corridor.news._draft import MAX_ARTICLE_BYTES, draft_scenario, load_article, read_article
from corridor.news._model import ACTIONS, STATUSES, NewsDraft, NewsEvent
from corridor.news._scenario import draft_scenario_yaml, write_draft_scenario

__all__ = [
    "ACTIONS",
    "MAX_ARTICLE_BYTES",
    "STATUSES",
    "Article",
    "NewsDraft",
    "NewsEvent",
    "clean_text",
    "draft_scenario",
    "draft_scenario_yaml",
    "load_article",
    "parse_article",
    "read_article",
    "write_draft_scenario",
]
