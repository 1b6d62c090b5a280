"""News to scenario: a Russian or English article in, dated events on named assets out.

``draft_scenario(text, published=date)`` reads an article into a :class:`NewsDraft`: each event
names a node, link or group of the network (or none, when the network lacks the place), an
action (close, derate, reopen, tariff change, transit ban, capacity increase, reroute in or
out), the share of capacity it takes out, its dates read against the publication date, and its
status (new, background or conditional), with the article's own words as evidence for every
field. ``write_draft_scenario`` turns a draft into a scenario YAML that
:func:`corridor.scenario.load_scenario` reads and that validation refuses until a person has
settled what the article left open.

Everything runs offline: razdel splits sentences, pymorphy3 gives Russian lemmas, natasha finds
Russian place names the network lacks, rapidfuzz matches misspelt names; the rules are ours.
"""

from corridor.news._draft import MAX_ARTICLE_BYTES, draft_scenario, read_article
from corridor.news._model import ACTIONS, STATUSES, NewsDraft, NewsEvent
from corridor.news._scenario import draft_scenario_yaml, write_draft_scenario

__all__ = [
    "ACTIONS",
    "MAX_ARTICLE_BYTES",
    "STATUSES",
    "NewsDraft",
    "NewsEvent",
    "draft_scenario",
    "draft_scenario_yaml",
    "read_article",
    "write_draft_scenario",
]
