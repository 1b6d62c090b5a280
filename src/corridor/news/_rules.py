"""The domain rules: which words say an asset closed, lost a share of its capacity, reopened,
changed its tariff, was barred to transit, grew, or saw cargo diverted to or from it; which
words give the share; and which make a statement negated, conditional, an intention, or old news.

Each rule is a regular expression over the article's own text (so every quote is an exact
substring), in English and Russian; the Russian ones are written over word stems so that every
inflected form matches. Tested rule by rule in tests/news/test_rules.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ActionCue",
    "FractionCue",
    "cancels",
    "find_actions",
    "find_fractions",
    "is_background",
    "is_conditional",
    "is_intention",
    "is_negated",
    "unit_count",
]

_I = re.IGNORECASE
_W = r"(?:[\w’'-]+\s+)"  # one word and its space

# (action, pattern): the first pattern that covers a span wins over shorter ones
_ACTIONS: list[tuple[str, re.Pattern[str]]] = [
    ("tariff_change", re.compile(
        rf"\b(?:rais|increas|hik|cut|lower|reduc|adjust|chang)\w*\s+{_W}{{0,4}}?(?:fees?|tariffs?|tolls?|dues|charges|freight\s+rates)\b"
        rf"|\b(?:fees?|tariffs?|tolls?|dues|charges)\s+{_W}{{0,4}}?(?:ris|increas|go up|rais|hik|fall|drop|lower|cut)\w*"
        rf"|(?<![а-яё])(?:повы[сш]|увелич|сни[зж]|индексир|измен)\w*\s+{_W}{{0,3}}?(?:тариф|сбор|ставк|пошлин)\w*"
        rf"|(?<![а-яё])(?:тариф|сбор|ставк|пошлин)\w*\s+{_W}{{0,3}}?(?:повы[сш]|выраст|вырос|увелич|сни[зж]|подорож)\w*"
        rf"|\b(?:discounts?|rebates?)\s+(?:on|of|for|to)\s+{_W}{{0,3}}?(?:fees?|tariffs?|tolls?|dues|charges)\b"
        rf"|(?<![а-яё])скидк\w*\s+{_W}{{0,3}}?(?:на\s+)?(?:тариф|сбор|проход|транзит)\w*", _I)),
    ("transit_ban", re.compile(
        rf"\b(?:ban|bann|bar|barr|prohibit|forbid|forbade)\w*\s+{_W}{{0,5}}?transit\w*\b|\btransit\s+ban\w*"
        rf"|(?<![а-яё])(?:запрет|запрещ)\w*\s+{_W}{{0,4}}?транзит\w*|(?<![а-яё])транзит\w*\s+{_W}{{0,3}}?запрещ\w*"
        rf"|\b(?:ban|bann|bar|barr|prohibit|restrict)\w*\s+(?:on\s+)?(?:the\s+)?(?:all\s+)?(?:types\s+of\s+)?(?:the\s+)?(?:processing|transportation|acceptance|loading|shipment|dispatch|cargo|freight|wagons?)\b"
        rf"|\b(?:ban|bann|bar|barr|prohibit)\w*\s+(?:on\s+)?(?:the\s+)?(?:all\s+)?(?:types\s+of\s+)?(?:[\w-]+\s+)?(?:cargo|freight|wagons?|goods|trains?|containers?|shipments?|exports?)\b"
        rf"|\b(?:cargo|freight|wagons?|goods|trains?|containers?|shipments?|exports?)\s+{_W}{{0,6}}?(?:are|were|is|was|has\s+been|have\s+been)\s+(?:\w+\s+)?(?:banned|barred|prohibited)\b"
        rf"|(?<![а-яё])(?:запрет|запрещ)\w*,?\s+(?:[\w.,«»\"-]+\s+){{0,6}}?(?:на\s+)?(?:отправк|при[её]м|перевозк|погрузк|передач|пропуск|оформлени|переадрес)\w*"
        rf"|(?<![а-яё])(?:приостанов|прекрат|прекращ|ограничи)\w*\s+(?:\w+\s+)?(?:при[её]м|отправк|погрузк)\w*\s+(?:\w+\s+){{0,3}}?(?:груз|вагон|состав|поезд|зерн|контейнер)\w*"
        rf"|(?<![а-яё])(?:отправк|при[её]м|перевозк)\w*\s+(?:грузов\w*\s+)?(?:поезд|состав|вагон|груз|зерн|контейнер)\w*\s+(?:[\w«»-]+\s+){{0,8}}?(?:временно\s+)?(?:запрещ|приостановлен|прекращен|ограничен)\w*", _I)),
    ("reroute_out", re.compile(
        r"\b(?:paus|suspend|halt|stop|avoid|delay)\w*\s+(?:all\s+|its\s+|their\s+|the\s+)*(?:\w+\s+)?"
        r"(?:transits?|voyages?|sailings?|passages?|journeys?|crossings?|calls?)\b"
        r"|\b(?:avoid|avoiding|bypass|bypassing|steer(?:ing)? clear of)\b"
        r"|(?<![а-яё])(?:в\s+обход|обход\w*|избега\w*)(?![а-яё])", _I)),
    ("reroute_in", re.compile(
        r"\b(?:re-?rout|divert|redirect|re-?direct|switch)\w*\b"
        r"|\b(?:sent|routed|shipped|moved)\s+(?:\w+\s+){0,2}?(?:through|via)\b(?=[^.]*\binstead\b)"
        r"|(?<![а-яё])(?:перенаправ|переориентир|переключ)\w*", _I)),
    ("capacity_increase", re.compile(
        rf"\b(?:increas|expand|boost|doubl|tripl|rais|add)\w*\s+{_W}{{0,4}}?(?:capacity|capacities|throughput)\b"
        rf"|\b(?:new|second|third)\s+{_W}{{0,2}}?(?:ferry|line|terminal|berth|hub|vessel|service)\w*\s+{_W}{{0,3}}?(?:began|started|opened|launched|entered)\w*"
        rf"|\b(?:launch|commission|inaugurat)\w*\s+{_W}{{0,3}}?(?:new|second)\b|\b(?:began|started)\s+operations?\b"
        rf"|\b(?:maiden|first)\s+(?:voyage|trip|sailing|run)\b(?!\s+(?:since|after|in\s+\w+\s+(?:days|weeks|months)))"
        rf"|(?<![а-яё])(?:перв\w+\s+рейс\w*)(?!\s+(?:после|с\s+начала|за\s+\w+\s+(?:дн|недел|месяц)))"
        rf"|(?<![а-яё])(?:увелич|расшир|нарастил|нарастит|удво|утро)\w*\s+{_W}{{0,4}}?(?:мощност|пропускн)\w*"
        rf"|(?<![а-яё])(?:запущ|запуст|введ|ввел|открыл|открыт)\w*\s+{_W}{{0,3}}?нов\w*"
        rf"|(?<![а-яё])начал\w*\s+(?:свою\s+)?работ\w*"
        rf"|\b(?:capacity|capacities|throughput)\s+{_W}{{0,6}}?(?:will\s+|to\s+)?(?:increas|ris|grow|doubl|tripl|expand)\w*"
        rf"|(?<![а-яё])(?:мощност|пропускн)\w*\s+{_W}{{0,4}}?(?:увелич|выраст|возраст|удво)\w*", _I)),
    ("reopen", re.compile(
        rf"\b(?:resum|reopen|re-open|restart|unblock|refloat)\w*"
        rf"|\brestor\w*\s+{_W}{{0,3}}?(?:operations?|traffic|services?|loadings?|shipments?|exports?|flows?|movement|navigation|transit|pumping)\b"
        rf"|\b(?:back|returned|returns|return)\s+(?:to\s+|in\s+|into\s+)?(?:normal|service|operations?|online|in\s+(?:service|operation))\b"
        rf"|\blift\w*\s+{_W}{{0,2}}?(?:ban|suspension|restrictions?|closure|blockade)\b"
        rf"|(?<![а-яё])возобнов\w*|(?<![а-яё])восстанов(?!ительн)\w*\s+{_W}{{0,2}}?(?:движени|работ|отгруз|перевалк|прием|при[её]м|прокачк|навигац|сообщени|транзит)\w*"
        rf"|(?<![а-яё])(?:движени|работ|отгрузк|перевалк|навигац|сообщени)\w*\s+{_W}{{0,4}}?восстановл\w*"
        rf"|(?<![а-яё])(?:навигаци|движени|проход|пункт\w*\s+пропуска|погранпереход|переход)\w*\s+{_W}{{0,3}}?(?:вновь\s+|снова\s+)?(?:открыт[аоы]?|откро\w*)(?![а-яё])"
        rf"|(?<![а-яё])(?:вновь|снова)\s+открыт\w*|(?<![а-яё])вернул\w*\s+к\s+(?:штатн|нормальн|обычн|прежн)\w*"
        rf"|\b(?:normali[sz]ed|normalized)\b|(?<![а-яё])нормализовал\w*"
        rf"|\b(?:running|operating|sailing|flowing|moving|open(?:\s+to\s+\w+)?)\s+again\b"
        rf"|(?<![а-яё])(?:запрет|ограничени)\w*\s+(?:[\w«»-]+\s+){{0,8}}?(?:сн[яи]т[аоы]?|сняли|отмен[её]н[аоы]?|отменили)(?![а-яё])"
        rf"|(?<![а-яё])(?:сня[тл]|отмен)\w*\s+{_W}{{0,2}}?(?:ограничени|запрет)\w*|(?<![а-яё])(?:вновь\s+)?(?:открыл|откро)\w*\s+(?:движени|границ|проезд|пункт|навигац)\w*"
        rf"|\b(?:back|again)\s+into\s+(?:service|operation)\b|\bput\s+back\s+into\s+(?:service|operation)\b"
        rf"|\b(?:put|putting|puts|bring|brings|bringing|brought)\s+{_W}{{0,4}}?back\s+(?:on|onto|into|through|via)\b"
        rf"|\breturn(?:s|ed|ing)?\s+to\s+(?:the\s+)?(?-i:(?=[A-Z]))(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)|\bstop\s+(?:re-?routing|diverting|sending\s+\w+\s+around)\b"
        rf"|\b(?:start|begin|began|started)\w*\s+(?:sending|routing)\s+(?:\w+\s+){{0,3}}?(?:through|via)\b(?=[^.]*\bagain\b)"
        rf"|\b(?:ban|suspension|restrictions?|closure|order)\s+(?:[\w,-]+\s+){{0,8}}?(?:was|were|has\s+been|have\s+been|is|are)\s+lifted\b"
        rf"|(?<![а-яё])(?:снова|вновь|опять)\s+(?:\w+\s+)?(?:отгружа|отгруж|работа|грузит|грузить|начал|принима|пропуска|заработа)\w*"
        rf"|(?<![а-яё])(?:заработал|заработали|заработало|заработает|заработают)(?![а-яё])"
        rf"|\bback\s+on\s*(?:stream|line)\b|(?<![а-яё])(?:вновь|снова)\s+открыл\w*"
        rf"|(?<![а-яё])(?<!не\s)открыл\w*\s+(?:[\w-]+\s+){{0,2}}?для\s+(?:судоходств|движени|навигаци|проход|судов)\w*"
        rf"|(?<![а-яё])(?:верн[её]т|вернут|вернул\w*|вернуть|возвраща\w*)\s+(?:[\w-]+\s+){{0,3}}?(?:рейс|суда|судов|лини|сервис|маршрут)\w*\s+(?:через|в|на)(?![а-яё])"
        rf"|\b(?:allow|allowed|allows|permitted|permits|cleared)\s+(?:[\w-]+\s+){{0,3}}?to\s+(?:pass|transit|sail|resume|enter|leave|cross|move)\w*"
        rf"|\b(?:opened|open|opens)\s+(?:again\s+)?(?:to|for)\s+(?:traffic|navigation|shipping|vessels?|ships?|transit|passage)\b"
        rf"|\b(?:end|ended|ends|ending|called\s+off|calls\s+off)\s+(?:the\s+|its\s+|a\s+)?(?:[\w-]+\s+)?(?:suspension|closure|halt|ban|blockade|stoppage|restrictions?)\b"
        rf"|(?<![а-яё])(?<!не\s)разреш\w*\s+(?:[\w-]+\s+){{0,2}}?(?:проход|движени|заход|выход|навигац|отгрузк|погрузк|при[её]м|пропуск)\w*"
        rf"|(?<![а-яё])(?:проход|движени|заход|навигаци)\w*\s+(?:[\w-]+\s+){{0,3}}?(?<!не\s)разреш[её]н\w*"
        rf"|\b(?:return|returns|returned|returning|bring|brings|brought|bringing)\s+(?:[\w-]+\s+){{0,3}}?(?:services?|sailings?|voyages?|ships|vessels|loops?)\s+(?:to|through|via)\b"
        rf"|(?<![а-яё])(?:начн[её]т|начнут|начал\w*)\s+(?:\w+\s+){{0,2}}?работать|(?<![а-яё])(?:вош[её]л|вошли|вошло|введен\w*|введ[её]н)\s+в\s+(?:строй|эксплуатацию)", _I)),
    ("close", re.compile(
        r"\b(?:halt|suspen[ds]|shut|shutdown|clos(?:e|ed|es|ing|ure|ures)\b(?!\s+to\b(?!\s+(?:all\s+|[\w-]+\s+){0,2}(?:transit|traffic|shipping|navigation|vessels?|ships?|tankers?|trucks|freight)))"
        r"|block|paus|ceas|stopp|stops?\b|idl|interrupt)\w*"
        r"|\b(?:out of (?:service|action|operation|commission)|taken offline|went offline|offline|decommissioned"
        r"|came to a (?:grinding )?halt|ground to a halt|to a (?:grinding )?halt|to a standstill|standstill|not operating|inoperable|put out of action|knocked out"
        r"|wedged|blockage|cannot\s+(?:operate|be\s+used|work)|taken\s+out\s+of\s+service"
        r"|ban\s+on\s+(?:all\s+)?(?:vessel|ship|shipping|navigation|tanker)\s*(?:movements?|traffic|passages?)?)"
        r"|(?<![а-яё])(?:приостан|останов|прекрат|прекращ|закры|перекры|блокир|заблокир|блокад|простаива|простой|простои|парализ)\w*"
        r"|(?<![а-яё])(?:за|пере)кро(?:ет|ют|ем)(?![а-яё])"
        r"|(?<![а-яё])(?:выведен|вывел|выведена|выведены|вышл|вышел|вышла|вышли)\w*\s+из\s+(?:строя|эксплуатации|работы)"
        r"|(?<![а-яё])(?:прерва|прерыва|прервал)\w*|(?<![а-яё])перестал\w*\s+(?:ходить|работать|курсировать|принимать)"
        r"|(?<![а-яё])не\s+(?:ходят|ходит|выходят|выходит|заходят|заходит|отходят|курсиру\w*|отправля\w*|грузят|отгружа\w*)(?![а-яё])|\b(?:not|no\s+longer)\s+(?:running|sailing|operating)\b"
        r"|(?<![а-яё])не\s+(?:вед[её]тся|ведутся|производ\w*ся|осуществля\w*ся)(?![а-яё])"
        r"|\b(?:put|placed|kept|is|are|was|were)\s+on\s+hold\b"
        r"|(?<![а-яё])не\s+(?:принима\w*|пропуска\w*|выпуска\w*)\s+(?:суда|судов|танкер\w*|паром\w*|поезд\w*|состав\w*)"
        r"|(?<![а-яё])не\s+(?:мо[гж]\w*|смог\w*)\s+(?:войти|зайти|выйти|пройти|причалить)(?![а-яё])"
        r"|\b(?:cannot|could\s*not|couldn[’']t|can[’']t|unable\s+to)\s+(?:enter|leave|berth|pass|transit|sail)\b"
        r"|(?<![а-яё])не\s+работа\w*|(?<![а-яё])остановил\w*|(?<![а-яё])запрет\w*\s+на\s+(?:движение|проход|заход|выход)\s+судов|(?<![а-яё])(?:работать|эксплуатироваться)\s+не\s+может|(?<![а-яё])не\s+может\s+(?:работать|эксплуатироваться)", _I)),
    ("derate", re.compile(
        r"\b(?:reduc|curtail|restrict|limit|curb|trim|lower|decreas|slow|disrupt|partial|derat|constrain|cut|cuts)\w*"
        r"|\bat (?:a )?(?:reduced|lower|minimum|limited)\b|\b(?:only|just)\s+(?:one|two)\s+of\b"
        r"|\b(?:fall|falls|fell|drop|drops|dropped|declin\w*)\s+(?:by\s+)?(?:up\s+to\s+|about\s+|around\s+)?\d"
        r"|\b(?:operat|runn|working|loading|pumping)\w*\s+at\s+(?:just\s+|only\s+|about\s+)?(?:over\s+|under\s+)?(?:\d|half|a\s+third|a\s+quarter|one|two)"
        r"|\bdamaged\b|\b(?:suffered|sustained|caused)\s+(?:\w+\s+)?damage\b"
        r"|(?<![а-яё])(?:поврежд[её]н(?!и)\w*|повредил\w*)|(?<![а-яё])(?:получил\w*|нан[её]с\w*|причинил\w*)\s+(?:\w+\s+)?повреждени\w*"
        r"|(?<![а-яё])(?:сниж|сниз|сократ|сокращ|огранич|уменьш|замедл|частичн|понижен|минимальн|сбо[ийя])\w*"
        r"|(?<![а-яё])(?:упал|упала|упали|упадет|упадёт|снизился|снизилась|снизилось)(?![а-яё])|\b(?:plunged|halved)\b", _I)),
]  # fmt: skip

# a share of capacity taken out ('by 20%', 'на треть') or left ('a third of normal capacity', 'до 70%')
_PCT = r"(?P<pct>\d+(?:[.,]\d+)?)\s*(?:%|per\s*cent|percent|процент\w*)"
_SHARE_WORDS = {
    "half": 0.5, "a half": 0.5, "one half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "one-third": 1 / 3,
    "two thirds": 2 / 3, "two-thirds": 2 / 3, "a quarter": 0.25, "one quarter": 0.25, "three quarters": 0.75,
    "половин": 0.5, "вдвое": 0.5, "в два раза": 0.5, "треть": 1 / 3, "две трети": 2 / 3, "четверть": 0.25,
    "три четверти": 0.75,
}  # fmt: skip
_SHARE = r"(?P<share>" + "|".join(sorted((re.escape(w) for w in _SHARE_WORDS), key=len, reverse=True)) + r")\w*"
_TAKEN = [
    re.compile(p, _I)
    for p in (
        rf"\b(?:by|of)\s+(?:up\s+to\s+|about\s+|around\s+|some\s+|nearly\s+|almost\s+)?{_PCT}",
        rf"(?<![а-яё])на\s+(?:величину\s+до\s+|до\s+|около\s+|почти\s+)?{_PCT}",
        rf"\b{_PCT}\s+(?:cut|reduction|drop|decrease|fall|less)\b",
        rf"\bby\s+(?:about\s+|nearly\s+)?{_SHARE}",
        rf"(?<![а-яё])на\s+(?:почти\s+|около\s+)?{_SHARE}",
        r"(?<![а-яё])(?:вдвое|в\s+два\s+раза)",
    )
]
_CAPACITY = r"(?:capacity|level|volumes?|rates?|throughput)"
_LEFT = [
    re.compile(p, _I)
    for p in (
        rf"\b(?:to|at)\s+(?:just\s+|only\s+|about\s+|around\s+)?{_PCT}",
        rf"\b(?:just\s+|only\s+)?(?:over\s+|under\s+)?{_SHARE}\s+(?:of|its)\s+(?:its\s+|the\s+)?(?:normal|usual|full|design|nominal|previous)?\s*{_CAPACITY}",
        rf"(?<![а-яё])до\s+{_PCT}",
        rf"(?<![а-яё]){_SHARE}\s+(?:от\s+)?(?:обычн|нормальн|штатн|проектн|прежн)?\w*\s*(?:мощност|объ[её]м|уровн)\w*",
        rf"\b{_PCT}\s+of\s+(?:its\s+|the\s+)?(?:normal|usual|full|design)?\s*{_CAPACITY}",
        rf"\bat\s+(?:just\s+|only\s+|about\s+)?{_SHARE}\s+(?:of\s+)?(?:its\s+|the\s+)?(?:normal\s+|usual\s+|full\s+)?{_CAPACITY}",
    )
]
_COUNT = re.compile(
    r"\b(?P<k>one|two|three|1|2|3)\s+(?:out\s+)?of\s+(?:(?:the|its|their)\s+)?(?:[\w-]+['’]s\s+)?(?P<n>two|three|four|2|3|4)\b"
    r"|(?<![а-яё])(?P<rk>одн\w*|одна|два|две|двух|1|2)\s+из\s+(?P<rn>тр[её]х|двух|четыр[её]х|3|2|4)(?![а-яё])",
    _I,
)
_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "два": 2, "две": 2, "двух": 2, "трех": 3, "трёх": 3,
                "четырех": 4, "четырёх": 4}  # fmt: skip

_NEGATION = re.compile(
    r"\b(?:not|never|no longer)\s+(?:been\s+|be\s+|yet\s+)?(?:affect|disrupt|suspend|stop|halt|clos|interrupt|impact|chang|reduc|restrict|limit|expect)\w*"
    r"|\b(?:did|does|do|will|would|has|have|had|was|were|is|are)\s*(?:not|n[’']t)\b|\b(?:didn|doesn|don|won|wasn|weren|isn|aren|hasn|haven)[’']t\b"
    r"|\bunaffected\b|\bno\s+(?:impact|disruptions?|restrictions?|interruptions?|effect|suspension|stoppage|changes?)\b"
    r"|\b(?:denied|denies|deny|denying|refuted|refutes|dismissed)\b|(?<![а-яё])(?:опроверг\w*|опровер[гж]\w*|отрица\w*)(?![а-яё])"
    r"|\b(?:continu|proceed)\w*\s+(?:to\s+)?(?:operat|work|load|pump|flow|run|function|as\s+(?:usual|normal|scheduled)|normally|without)\w*"
    r"|\b(?:operat|work|run|function)\w*\s+(?:normally|as\s+usual|as\s+normal|in\s+normal\s+mode|without\s+(?:interruption|restriction)s?)"
    r"|\bremain\w*\s+(?:open|operational|in\s+operation|unaffected|undamaged)\b|\bbusiness\s+as\s+usual\b"
    r"|(?<![а-яё])не\s+(?:был\w*\s+|будет\s+|будут\s+)?(?:повлия|затрон|останавлива|остановл|приостан|прекращ|прекрат|закры|огранич|сказа|отраз|привел|привод|коснул|коснет|ожида|сниж|сниз|измен)\w*"
    r"|(?<![а-яё])в\s+(?:штатном|обычном|нормальном|прежнем)\s+режиме|(?<![а-яё])работа\w*\s+штатно"
    r"|(?<![а-яё])продолжа\w*\s+(?!восстанов|ремонт)(?:\w+\s+)?(?:работ|отгруз|перевалк|при[её]м|прокачк|движени|транспортир|поставк|экспорт|функционир)\w*"
    r"|(?<![а-яё])не\s+(?:получал\w*|получил\w*|поступал\w*|поступило)\s+(?:[\w-]+\s+){0,3}?(?:уведомлени|распоряжени|приказ|указани|требовани)\w*"
    r"|(?<![а-яё])без\s+(?:ограничений|перебоев|сбоев)|(?<![а-яё])(?:ограничений|перебоев)\s+нет|(?<![а-яё])нет\s+(?:никаких\s+)?(?:ограничений|перебоев)",
    _I,
)
_NOT_BEFORE = re.compile(r"(?:\b(?:not|never|no)|(?<![а-яё])не|\b\w+n[’']t)\s+(?:\w+\s+)?$", _I)
_CONDITIONAL = re.compile(
    r"\b(?:could|might|if|If|unless|Unless|whether|forecast\w*|predict\w*|threaten\w*|risk\w*|possibl\w*|potential\w*|in case|fear\w*|warn(?:s|ed|ing)?\s+(?:that|of)|would have)\b"
    r"|\b(?:by|before)\s+the\s+end\s+of\s+(?:the\s+|this\s+)?(?:week|month|year)\b|(?<![а-яё])[Кк]\s+концу\s+(?:недели|месяца|года)|(?<![а-яё])должен\s+(?:войти|заработать|возобновиться)"
    r"|\b(?:expects?|expected|expecting)\s+(?:[\w-]+\s+){0,3}?to\b|(?<![а-яё])[Оо]жида(?:ет|ют|ется|ются|ем|лось|лся|лась)(?![а-яё])"
    r"|\bmay\b(?!\s+\d)|\bcan\s+be\b|\bin the event\b|\bwould\b|\bonce\s+(?:the\s+)?(?:weather|fog|storm|wind|visibility|situation|repairs?)\b|\bas\s+soon\s+as\b"
    r"|\bwhen(?:ever)?\s+(?:the\s+)?(?:weather|fog|storm|wind|visibility|situation)\b|\bwill\s+(?:resume|reopen|restart)\w*\s+(?:once|when|after|as\s+soon)\b"
    # Russian in any case ('Если', 'В случае' open sentences): the English above keeps 'May' the month apart
    r"|(?i:(?<![а-яё])(?<!не\s)(?:может|могут|мог|могла|могли|могло|если|грози\w*|угрож\w*|угроз\w*|риск\w*|возможн\w*|не\s+исключ\w*|в\s+случае|опасени\w*|опаса\w*|боятся|боит\w*|допуска(?:ет|ют|л\w*),?\s+что|рискует|способн(?!ост)\w*|вероятн\w*|как\s+только|когда\s+позвол\w*|после\s+того\s+как)(?![а-яё]))",
)
_INTENTION = re.compile(
    r"\b(?:(?:timed|meant|designed)\s+(?:not\s+only\s+|both\s+)?to|plans?\s+to|planned\s+to|planning\s+to|is\s+planned|are\s+planned|was\s+planned|intends?|intended|aims?|aimed|proposes?|proposed|propos\w+|consider\w*|discuss\w*|talks\s+(?:are\s+)?(?:on|about|under\s+way)|seeks?|wants?|ready|prepared|mull\w*"
    r"|envisag\w*|expects? to (?:increase|expand|double|raise|build|launch)|targets?|is to be|are to be|will be built|under construction"
    r"|ordered\s+(?:\w+\s+){0,4}?to\s+(?:develop|work\s+out|study|prepare|find|look\s+for)|promis\w*|pledg\w*|vow\w*"
    r"|will\s+(?:allow|help|enable|let)|would\s+(?:allow|help|enable|let)|is\s+expected\s+to|are\s+expected\s+to|will\s+replace|will\s+be\s+(?:replaced|installed))\b"
    r"|(?<![а-яё])(?:позвол[ия]т\w*|помож\w*|поможет|должн\w*\s+(?:заменить|заработать|завершить|начать)|ожида\w*\s+завершени\w*|предстоит"
    r"|сообщит\w*\s+(?:дополнительно|позже|отдельно)|обещают\s+сообщить|будет\s+сообщено)(?![а-яё])"
    r"|\b(?:will\s+(?:report|announce|inform)\w*|will\s+be\s+announced|to\s+be\s+announced)\b"
    r"|\b(?:asked|asks|requested|requests|applied\s+to|petition\w*|urged|urges|calls?\s+on|called\s+on|demand(?:s|ed)?\s+that|called\s+for)\b"
    r"|(?<![а-яё])(?:потребовал\w*|требует|требуют)(?![а-яё])"
    r"|(?<![а-яё])(?:просит|просил\w*|ходатайств\w*|обратил\w*\s+в\s+суд|призвал\w*|пообещал\w*|обеща\w*|поручил\w*|поручени\w*|планир\w*|в\s+планах|обсужда\w*|переговор\w*|планов\w*\s+(?:по|на)|намер\w*|предлаг\w*|рассматрива\w*|собира\w*ся|готов\w*|рассчитыва\w*|прогноз\w*|намечен\w*|строител\w*|стро\w*ся)(?![а-яё])",
    _I,
)
_BACKGROUND = re.compile(
    r"\b(?:last|previous|past)\s+(?:year|month|spring|summer|autumn|fall|winter)\b|\bearlier\s+this\s+year\b|\bin\s+the\s+past\b"
    r"|\b(?:a|one|two|three|several)\s+(?:years?|months?)\s+ago\b|\bas\s+a\s+reminder\b|\brecall\w*\b|\bremind\w*\b|\bback\s+in\b"
    r"|\blast\s+time\b|\btwice\b|\b(?:usually|typically|regularly|every\s+(?:year|winter|autumn|spring|summer)|each\s+(?:year|winter|autumn))\b|\babout\s+half\s+(?:of\s+)?the\s+time\b"
    r"|\b(?:aftermath|consequences?)\s+of\s+(?:the\s+|an?\s+)?(?:\w+\s+)?(?:attack|strike|storm|accident|fire|explosion|blast|incident)"
    r"|\bpreviously\b|\bhistor\w*\b|\bseveral\s+times\b|\bin\s+recent\s+years\b|\bonce\s+again\b|\bfor\s+the\s+first\s+time\s+since\b"
    r"|\b(?:had|has|have|was|were)\s+already\s+(?:been\s+)?\w+ed\b|(?<![а-яё])уже\s+(?:\w+\s+){0,2}?(?:приостанавлива|закрыва|останавлива|прекраща|перекрыва|блокирова)\w*"
    r"|(?<![а-яё])последстви\w*\s+(?:\w+\s+)?(?:атак|удар|шторм|авари|пожар|инцидент|взрыв|обстрел)\w*"
    r"|(?<![а-яё])(?:дважды|трижды|обычно|ежегодн\w*|как\s+правило|напомн\w*|как\s+сообщалось|ранее(?!\s+(?:\S+\s+){0,5}?(?:сообщ|заяв|переда|писал))|прежде|в\s+прошлом\s+(?:году|месяце)|год\s+назад|месяц\s+назад|в\s+последние\s+годы|неоднократно|в\s+прошлый\s+раз|не\s+раз)(?![а-яё])",
    _I,
)
_CANCEL = re.compile(
    r"\b(?:overturn|revers|cancel|annul|replac|rescind|quash|revok|withdr[ae]w|set aside)\w*|\blift(?:ed|s)?\b"
    r"|(?<![а-яё])(?:отмен|замен|аннулир|пересмотр)\w*",
    _I,
)


@dataclass(frozen=True)
class ActionCue:
    action: str
    start: int
    stop: int


@dataclass(frozen=True)
class FractionCue:
    """A share of capacity taken out (``fraction``), with the words that say it."""

    fraction: float
    start: int
    stop: int


def find_actions(text: str, start: int, stop: int) -> list[ActionCue]:
    """Action words in ``text[start:stop]``; where two overlap the longer (then the earlier rule) wins.

    Examples
    --------
    >>> t = "Суд приостановил деятельность КТК; Egypt will raise Suez transit fees by 15%"
    >>> [(c.action, t[c.start:c.stop]) for c in find_actions(t, 0, len(t))]
    [('close', 'приостановил'), ('tariff_change', 'raise Suez transit fees')]
    """
    found: list[tuple[int, int, ActionCue]] = []
    for order, (action, pattern) in enumerate(_ACTIONS):
        for m in pattern.finditer(text, start, stop):
            found.append((order, m.end() - m.start(), ActionCue(action, m.start(), m.end())))
    found = [f for f in found if not _not_capacity(text, f[2])]
    kept: list[ActionCue] = []
    for _, _, cue in sorted(found, key=lambda f: (-f[1], f[0])):
        if not any(cue.start < k.stop and k.start < cue.stop for k in kept):
            kept.append(cue)
    # 'resumed limited loadings', 'частично возобновил': the word qualifies the reopening, no derate of its own
    reopens = [k for k in kept if k.action == "reopen"]
    kept = [
        k
        for k in kept
        if not (
            k.action == "derate"
            and _QUALIFIER.fullmatch(text, k.start, k.stop)
            and any(0 <= k.start - r.stop <= _QUALIFIER_GAP or 0 <= r.start - k.stop <= _QUALIFIER_GAP for r in reopens)
        )
    ]
    return sorted(kept, key=lambda c: c.start)


_QUALIFIER = re.compile(r"limited|partial(?:ly)?|reduced|(?:ограниченн|частичн|сокращенн)\w*", re.IGNORECASE)
_QUALIFIER_GAP = 3  # characters: the qualifier stands right next to the reopening verb


_NOT_CAPACITY_AFTER = re.compile(
    r"\s+(?:\w+\s+){0,2}?(?:costs?|prices?|emissions?|delivery\s+times?|transit\s+times?|journey\s+times?|expenses|visibility"
    r"|видимост\w*|затрат\w*|срок\w*\s+доставк\w*|время\s+в\s+пути|стоимост\w*|расход\w*|цен\w*|выброс\w*|издерж\w*)\b",
    re.IGNORECASE,
)


_FELL_ONTO = re.compile(
    r"\s+(?:на|в|во|onto|on|into)\s+(?!\d|треть|половин|четверт|две\s|три\s|треть|a\s+third|half|a\s+quarter)",
    re.IGNORECASE,
)


def _not_capacity(text: str, cue: ActionCue) -> bool:
    """'Rosneft-Shell Caspian Ventures Limited', 'cut delivery times', 'снизит затраты': no capacity lost."""
    word = text[cue.start : cue.stop]
    if cue.action == "derate" and word[:1].isupper() and word.lower().startswith(("limited", "ltd")):
        return True
    if cue.action == "derate" and _FELL_ONTO.match(text, cue.stop) and word.lower().startswith(("упал", "fell")):
        return True  # 'обломки упали на терминал', 'debris fell on the pier': a fall onto something, not a drop
    if cue.action == "derate" and _MONEY_BEFORE.search(text, max(0, cue.start - 40), cue.start):
        return True  # 'Suez Canal revenue fell 61 per cent', 'доходы канала упали': money, not capacity
    return cue.action == "derate" and _NOT_CAPACITY_AFTER.match(text, cue.stop) is not None


_MONEY_BEFORE = re.compile(
    r"\b(?:revenues?|receipts|income|earnings|profits?|turnover)\s+(?:[\w'’-]+\s+){0,3}?$"
    r"|(?<![а-яё])(?:доход\w*|выручк\w*|поступлени\w*|прибыл\w*)\s+(?:[\w-]+\s+){0,3}?$",
    re.IGNORECASE,
)


_NUMBER = r"\d{1,3}(?:[ ,\u00a0]\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_FROM_TO = [
    re.compile(rf"(?<![а-яё])с\s+(?P<a>{_NUMBER})\s+до\s+(?P<b>{_NUMBER})(?!\s*%)", _I),
    re.compile(rf"\bfrom\s+(?:the\s+usual\s+)?(?P<a>{_NUMBER})\s+(?:\w+\s+)?to\s+(?P<b>{_NUMBER})(?!\s*%)", _I),
    re.compile(
        rf"\bto\s+(?P<b>{_NUMBER})(?:\s+[a-z]+){{0,4}}\s+from\s+(?:the\s+usual\s+|a\s+usual\s+)?(?P<a>{_NUMBER})", _I
    ),
]


_TIMES = re.compile(
    r"(?:(?<![а-яё])в\s+(?P<n>два|три|четыре|пять|шесть|семь|восемь|десять|\d+)\s+раз(?:а)?(?![а-яё]))"
    r"|\b(?P<en>two|three|four|five|ten)fold\b",
    _I,
)
_TIMES_WORDS = {
    "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "десять": 10,
    "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10,
}  # fmt: skip


def _amount(word: str) -> float | None:
    word = word.replace("\u00a0", "").replace(" ", "")
    if "," in word and "." not in word and len(word.split(",")[-1]) == 3:
        word = word.replace(",", "")
    try:
        return float(word.replace(",", "."))
    except ValueError:
        return None


def find_fractions(text: str, start: int, stop: int) -> list[FractionCue]:
    """Shares of capacity taken out in ``text[start:stop]``: 'by 20%' is 0.2, 'a third of normal capacity' 0.667.

    Examples
    --------
    >>> t = "flows cut by 20%, terminal at a third of normal capacity"
    >>> [(round(c.fraction, 3), t[c.start:c.stop]) for c in find_fractions(t, 0, len(t))]
    [(0.2, 'by 20%'), (0.667, 'a third of normal capacity')]
    """
    out: list[FractionCue] = []
    for m in (m for p in _LEFT for m in p.finditer(text, start, stop)):
        value = _share(m)
        if value is not None and 0 <= value <= 1 and not any(m.start() < c.stop and c.start < m.end() for c in out):
            out.append(FractionCue(1 - value, m.start(), m.end()))
    for m in _TIMES.finditer(text, start, stop):  # 'снизился в пять раз', 'fell fivefold': 1 - 1/5 lost
        word = (m.group("n") or m.group("en")).lower()
        n = _TIMES_WORDS.get(word) or (int(word) if word.isdigit() else 0)
        if n >= 2 and not any(m.start() < c.stop and c.start < m.end() for c in out):
            out.append(FractionCue(1 - 1 / n, m.start(), m.end()))
    for m in (m for p in _FROM_TO for m in p.finditer(text, start, stop)):
        a, b = _amount(m.group("a")), _amount(m.group("b"))
        if a and b is not None and 0 <= b < a and not any(m.start() < c.stop and c.start < m.end() for c in out):
            out.append(FractionCue(1 - b / a, m.start(), m.end()))  # 'с 14 до 10 составов': 0.286 lost
    for m in (m for p in _TAKEN for m in p.finditer(text, start, stop)):
        value = _share(m)
        if value is not None and 0 < value <= 1 and not any(m.start() < c.stop and c.start < m.end() for c in out):
            out.append(FractionCue(value, m.start(), m.end()))
    return sorted(out, key=lambda c: c.start)


def _share(m: re.Match[str]) -> float | None:
    groups = m.groupdict()
    if groups.get("pct"):
        return float(groups["pct"].replace(",", ".")) / 100
    word = (groups.get("share") or m.group()).lower()
    return next((v for w, v in sorted(_SHARE_WORDS.items(), key=lambda x: -len(x[0])) if word.startswith(w)), None)


def unit_count(text: str, start: int, stop: int) -> tuple[int, int, int, int] | None:
    """'two of the three', 'две из трех': (k, n, start, stop) of the first such count.

    Examples
    --------
    >>> unit_count("two of the three moorings", 0, 25)
    (2, 3, 0, 16)
    """
    m = _COUNT.search(text, start, stop)
    if m is None:
        return None
    k = m.group("k") or m.group("rk")
    n = m.group("n") or m.group("rn")
    return _count(k), _count(n), m.start(), m.end()


def _count(word: str) -> int:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word.startswith("одн"):
        return 1
    return _COUNT_WORDS.get(word, 0)


def is_negated(text: str, start: int, stop: int, cue: ActionCue) -> bool:
    """The clause denies the action: 'did not affect loadings', 'работает в штатном режиме', 'не приостановил'."""
    if _told_just_before(_NOT_BEFORE, text, start, cue, 16):
        return True
    return _governs(_NEGATION, text, start, stop, cue)


def is_conditional(text: str, start: int, stop: int, cue: ActionCue | None = None) -> bool:
    """The clause says what could happen: 'could be suspended', 'will stop if the tanks fill', 'может'.
    With ``cue``, only for that action: not 'halted on Tuesday, which could cut output'; nor the
    'would' of reported speech, a decision told: 'the authority said it would cut fees from Thursday'.

    >>> t = "The authority said on Tuesday it would cut fees from Thursday"
    >>> is_conditional(t, 0, len(t)), is_conditional("It would cut fees if traffic fell", 0, 33)
    (False, True)
    >>> t = "The rebels said they would stop attacking ships"  # a pledge with no day is no measure
    >>> is_conditional(t, 0, len(t))
    True
    """
    dated = _FROM_DAY.search(text, start, stop) is not None  # 'from Thursday', 'for 90 days': a measure, no pledge
    reported = [m.span("would") for m in _REPORTED_WOULD.finditer(text, start, stop)] if dated else []
    return _governs(_CONDITIONAL, text, start, stop, cue, skip=reported)


_FROM_DAY = re.compile(
    r"\b(?:from|starting|as\s+of|effective|beginning)\s+(?:on\s+)?(?:the\s+)?"
    r"(?:today|tomorrow|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z]"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\.?\s+\d)"
    r"|\bfor\s+(?:\d+|one|two|three|six|ninety)\s+(?:days|weeks|months)\b",  # or its length: 'for 90 days'
    _I,
)
# reported speech: 'said (on Tuesday) (that) it would', 'announced the canal would': the future of a decision told
_REPORTED_WOULD = re.compile(
    r"\b(?:said|says|announced|announces|stated|confirmed|added|decided|told\s+\w+)\s+"
    r"(?:(?:on|last)\s+\w+(?:\s+\d{1,2})?,?\s+)?(?:that\s+)?(?:it|they|he|she|we|(?:the\s+)?[\w-]+)\s+(?P<would>would)\b(?!\s+have)",
    _I,
)


def is_intention(text: str, start: int, stop: int, cue: ActionCue | None = None) -> bool:
    """The clause states a plan or an intention: 'plans to', 'aims to', 'планирует', 'намерен'.
    With ``cue``, only for that action: not 'приостановлена во вторник, возобновить ее планируют в пятницу'."""
    return _governs(_INTENTION, text, start, stop, cue)


# what a marker after an action cannot reach past: 'halted ..., which could', 'closed, threatening', '... and may'
_AFTER_BREAK = re.compile(
    r",|\s(?:and|but)\s+(?:may|might|could|would|will|is|are|expects?|plans?)\b|\s(?:и|но|а)\s+(?:может|могут|планир|намер|буд)"
    r"|\s(?:after|while|as|because|since|following)\s|(?<![а-яё])(?:после|пока|поскольку|так\s+как)\s",
    _I,
)


# a subordinate condition reaches back past a comma: 'возобновят, как только позволит погода'
_SUBORDINATOR = re.compile(
    r"(?:if|unless|once|as\s+soon\s+as|in\s+case|when(?:ever)?|если|как\s+только|в\s+случае|когда\s+позвол|после\s+того\s+как)\b",
    _I,
)


def _governs(
    pattern: re.Pattern[str],
    text: str,
    start: int,
    stop: int,
    cue: ActionCue | None,
    skip: Sequence[tuple[int, int]] = (),
) -> bool:
    """A marker before the action, or after it with nothing between that starts another statement;
    not one inside an aside before it ('The CPC, which could lose half its capacity, halted ...'),
    nor one whose span is in ``skip``."""
    return any(
        cue is None
        or (m.start() < cue.stop and not in_aside(text, start, m.start(), m.end(), cue))
        or (
            m.start() >= cue.stop
            and (_SUBORDINATOR.match(m.group()) or not _AFTER_BREAK.search(text, cue.stop, m.end()))
        )
        for m in pattern.finditer(text, start, stop)
        if (cue is None or not cue.start <= m.start() < cue.stop)  # 'could not enter' is the action itself
        and m.span() not in skip
    )


# an aside between commas that opens with a relative word: ', which ships 1% of world oil,', ', через который ...,'
_ASIDE_OPEN = re.compile(
    r"\s*(?:which|who|whose|where|fearing|citing|(?:через|в|на|по|из|для)?\s*котор\w+|где|опасаясь)(?![\wа-яё])", _I
)


def in_aside(text: str, start: int, a: int, b: int, cue: ActionCue) -> bool:
    """``text[a:b]`` lies in an aside closed before the action: 'КТК, через который может идти до 80%
    экспорта, приостановил отгрузку'."""
    left = text.rfind(",", start, a)
    return left >= 0 and _ASIDE_OPEN.match(text, left + 1) is not None and text.find(",", b, cue.start) >= 0


def is_background(text: str, start: int, stop: int) -> bool:
    """The clause restates old news: 'last year', 'as a reminder', 'напомним', 'ранее'."""
    return _BACKGROUND.search(text, start, stop) is not None


# 'suspended until the ship is refloated', 'закрыт до тех пор, пока не стихнет ветер': the end's condition
_UNTIL_BEFORE = re.compile(
    r"\b(?:until|till|pending)\s+(?:[^.;:!?]{0,80})$|(?<![а-яё])(?:до\s+тех\s+пор,?\s+пока|пока\s+не)\s+(?:[^.;:!?]{0,60})$",
    _I,
)


# 'have not been able to resume', 'could not resume', 'так и не смогли возобновить': the closure goes on
_UNABLE_BEFORE = re.compile(
    r"(?:\b(?:not|never)\s+(?:been\s+|yet\s+)?able\s+to|\b(?:could\s*n[o’']t|cannot|can[’']t|unable\s+to|failed\s+to|yet\s+to)"
    r"|(?<![а-яё])(?:так\s+и\s+)?не\s+(?:смог\w*|удал\w*|удаётся|удается)|(?<![а-яё])так\s+и\s+не)\s+$",
    _I,
)


def _told_just_before(pattern: re.Pattern[str], text: str, start: int, cue: ActionCue, reach: int) -> bool:
    """``pattern`` ends right before the cue, within ``reach`` characters and not before ``start``
    (the sentence's own start)."""
    return pattern.search(text, max(start, cue.start - reach), cue.start) is not None


def is_unable(text: str, start: int, cue: ActionCue) -> bool:
    """A reopening denied: 'vessels have not been able to resume traffic', 'не смогли возобновить'."""
    return _told_just_before(_UNABLE_BEFORE, text, start, cue, 40)


# 'SPM-2 stays offline', 'пролив по-прежнему закрыт': a disruption told as still holding
_STILL_BEFORE = re.compile(
    r"\b(?:remains?|remained|stays?|stayed|still|continues\s+to\s+be)\s+(?:\w+\s+){0,2}?$"
    r"|(?<![а-яё])(?:оста[её]тся|остаются|оставался|оставалась|по-прежнему|вс[её]\s+ещ[её]|до\s+сих\s+пор)\s+(?:\w+\s+){0,2}?$",
    _I,
)


def still_holds(text: str, start: int, cue: ActionCue) -> bool:
    """The disruption is told as still holding: 'the SPM-2 mooring stays offline', 'по-прежнему закрыт'."""
    return _told_just_before(_STILL_BEFORE, text, start, cue, 40)


def is_end_condition(text: str, start: int, cue: ActionCue) -> bool:
    """The action is the condition that ends another: 'suspended until the Ever Given is refloated'."""
    return _told_just_before(_UNTIL_BEFORE, text, start, cue, 100)


def cancels(text: str, start: int, stop: int) -> bool:
    """The clause reverses an order: 'overturned', 'replaced the suspension with a fine', 'отменил';
    not when it denies it: 'the restrictions have not been lifted yet', 'запрет не отменен'."""
    return any(
        not _NOT_BEFORE.search(text, max(start, m.start() - 16), m.start()) for m in _CANCEL.finditer(text, start, stop)
    )
