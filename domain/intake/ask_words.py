"""The words of asking in German, French and Spanish, and of asks without a request verb.

Tables of patterns only; ``ask`` reads with them. Each pattern is a flat alternation of
words (no nested repetition), so it runs in time linear in the sentence.
"""

from __future__ import annotations

import re

FOREIGN_REQUEST_CUE = (
    # German
    # "bitte" the adverb; "eine kurze Bitte" (a noun after a word) is not an ask.
    r"(?-i:(?<![a-zäöüß]\s)\bBitte\b|\bbitte\b)|\bk[öo]nn(?:test|tet)\s+(?:du|ihr)\b|\bk[öo]nnten\s+sie\b|\bkannst\s+du\b"
    r"|\bk[öo]nnen\s+sie\b|\bw[üu]rdest\s+du\b|\bw[üu]rden\s+sie\b|\bich\s+brauche\b"
    r"|\bwir\s+brauchen\b|\bdu\s+musst\b|\bich\s+bitte\s+(?:dich|sie|euch)\b|\bmagst\s+du\b"
    r"|\bw[äa]rst\s+du\s+so\s+nett\b|\bich\s+z[äa]hle\s+auf\s+(?:dich|sie)\b"
    # French
    r"|\bmerci\s+de\b|\bmerci\s+d['\u2019]|\bpourriez[-\s]vous\b|\bpourrais[-\s]tu\b"
    r"|\bpouvez[-\s]vous\b|\bpeux[-\s]tu\b|\bs['\u2019]il\s+(?:te|vous)\s+pla[iî]t\b|\bsvp\b"
    r"|\bstp\b|\bj['\u2019]ai\s+besoin\b|\bnous\s+avons\s+besoin\b"
    r"|\bil\s+(?:me\s+|nous\s+)?faut\s+que\s+(?:tu|vous)\b|\bje\s+(?:te|vous)\s+demande\b"
    r"|\bje\s+compte\s+sur\s+(?:toi|vous)\b|\bà\s+faire\s*:"
    # Spanish
    r"|\bpor\s+favor\b|\bpodr[ií]as\b|\bpuedes\b|\bpuede\s+usted\b|\bpodr[ií]a\s+usted\b"
    r"|\bnecesito\b|\bnecesitamos\b|\bte\s+pido\b|\ble\s+pido\b|\bte\s+encargo\b"
    r"|\bcuento\s+contigo\b|\bme\s+(?:env[ií]as|mandas|preparas)\b"
)
FOREIGN_REQUEST_WORDS = (
    r"bitte|k[öo]nn(?:test|tet)\s+(?:du|ihr)(?:\s+bitte)?|k[öo]nnten\s+sie(?:\s+bitte)?"
    r"|kannst\s+du(?:\s+bitte)?|k[öo]nnen\s+sie(?:\s+bitte)?|w[üu]rdest\s+du(?:\s+bitte)?"
    r"|w[üu]rden\s+sie(?:\s+bitte)?|magst\s+du|merci\s+de|pourriez[-\s]vous|pourrais[-\s]tu"
    r"|pouvez[-\s]vous|peux[-\s]tu|por\s+favor|¿?podr[ií]as|¿?puedes|¿?puede\s+usted"
    r"|te\s+pido\s+que|le\s+pido\s+que|svp|stp"
)
FOREIGN_WORK_VERBS = (
    # German imperatives (du and Sie forms)
    r"schick|schicke|schicken\s+sie|sende|senden\s+sie|bereite|bereiten\s+sie|erstelle"
    r"|erstellen\s+sie|pr[üu]fe|pr[üu]fen\s+sie|schreib|schreibe|[üu]berarbeite|aktualisiere"
    r"|k[üu]mmere\s+dich|k[üu]mmern\s+sie\s+sich|[üu]bernimm|[üu]bernehmen\s+sie|plane|organisiere"
    r"|kl[äa]re|entwirf|stelle|fasse|liefere|lies|gib|mach|mache"
    # French imperatives (tu and vous forms)
    r"|envoie|envoyez|pr[ée]pare|pr[ée]parez|r[ée]dige|r[ée]digez|v[ée]rifie|v[ée]rifiez"
    r"|mets\s+[àa]\s+jour|mettez\s+[àa]\s+jour|fais|faites|organise|organisez|relis|relisez"
    r"|finalise|finalisez|termine|terminez|planifie|planifiez|transmets|transmettez"
    r"|occupe-toi|occupez-vous|valide|validez"
    # Spanish imperatives (tú and usted forms)
    r"|env[ií]a|env[ií]ame|env[ií]e|prepara|prep[áa]rame|prepare|redacta|redacte|revisa"
    r"|revise|actualiza|actualice|manda|m[áa]ndame|organiza|organice|termina|termine"
    r"|finaliza|finalice|enc[áa]rgate|enc[áa]rguese|haz|haga"
)
FOREIGN_BOILERPLATE = (
    r"\bbitte\s+(?:beachte|beachten|lass\s+mich\s+wissen,?\s+(?:ob|wenn)|melde\s+dich,?\s+wenn"
    r"|zögere\s+nicht|entschuldige|nicht)\b|\bbei\s+fragen\b|\bmerci\s+(?:de\s+(?:ta|votre)|pour)\b"
    r"|\bn['\u2019]h[ée]site[sz]?\s+pas\b|\bmerci\s+de\s+ne\s+pas\b"
    r"|\bpor\s+favor,?\s+(?:av[ií]same\s+si|no)\b|\bno\s+dudes\b|\bgracias\s+por\b"
)
FOREIGN_NO_ACTION = (
    r"\bkeine\s+(?:aktion|handlung|ma[ßs]nahme)\s+(?:n[öo]tig|erforderlich)\b"
    r"|\bnur\s+zur\s+(?:info|information|kenntnis)\b|\bzur\s+kenntnisnahme\b"
    r"|\baucune\s+action\s+(?:requise|n[ée]cessaire)\b|\bpour\s+information\s+seulement\b"
    r"|\brien\s+[àa]\s+faire\b|\bsolo\s+para\s+(?:tu\s+)?informaci[óo]n\b"
    r"|\bno\s+(?:se\s+)?(?:requiere|hace\s+falta)\s+(?:ninguna\s+)?acci[óo]n\b"
)
# A courtesy about answering ("No need to answer tonight", "no rush to reply"): it scopes
# only its own sentence and never cancels the request around it.
COURTESY = re.compile(
    r"\b(?:no\s+need\s+to\s+(?:reply|respond|answer|get\s+back)|no\s+(?:rush|hurry)\s+(?:to|on)"
    r"\s+(?:reply|respond|answer|getting\s+back)|don['\u2019]?t\s+(?:feel\s+you\s+have\s+to\s+)?"
    r"(?:reply|respond|answer)\s+(?:tonight|today|now|right\s+away|straight\s+away|over\s+the"
    r"\s+weekend)|no\s+(?:reply|response|answer)\s+(?:is\s+)?(?:needed|required|necessary)"
    r"|keine\s+(?:antwort|eile)\s+n[öo]tig|du\s+musst\s+nicht\s+(?:sofort\s+)?antworten"
    r"|pas\s+besoin\s+de\s+r[ée]pondre|inutile\s+de\s+r[ée]pondre"
    r"|no\s+hace\s+falta\s+(?:que\s+)?respond(?:er|as))\b[^.!?\n]{0,60}",
    re.IGNORECASE,
)
# "Omar is taking over the rollout plan", "Priya will own the launch checklist": a named
# person given the work, in a statement (typical of a forward). Names are capitalised.
DELEGATION = re.compile(
    r"^(?-i:(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?))\s+"
    r"(?:is|will\s+be|['\u2019]s|['\u2019]ll\s+be)\s+(?P<gerund>taking\s+over|taking\s+on"
    r"|owning|leading|handling|picking\s+up|driving|running|doing|preparing|drafting|writing)\b"
    r"|^(?-i:(?P<name2>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?))\s+(?:will|['\u2019]ll|is\s+going\s+to)\s+"
    r"(?P<verb>take\s+over|take\s+on|own|lead|handle|pick\s+up|drive|run|do|prepare|draft"
    r"|write)\b"
    r"|^(?-i:(?P<name3>[A-Z][\w'-]+))\s+(?:übernimmt|kümmert\s+sich\s+um|reprend|se\s+charge\s+de"
    r"|s['\u2019]occupe\s+de|se\s+encarga\s+de|asume|lleva)\b",
    re.IGNORECASE,
)
# Words that make a sentence a statement rather than a bare noun phrase ("the vendor
# shortlist, Thursday COB" has none; "the board met on Thursday" has one).
FINITE_VERBS = re.compile(
    r"\b(?:is|are|was|were|am|be|been|being|has|have|had|will|would|shall|should|can|could"
    r"|may|might|must|do|does|did|went|got|gets|came|comes|looks|seems|felt|feels|went|said"
    r"|says|thanks|thank|ist|sind|war|waren|hat|haben|wird|werden|est|sont|était|ont|sera"
    r"|es|son|fue|ha|han|será|está|están)\b|\b\w+ed\s+(?:on|by|at|in|to|before|until|till|from)\b",
    re.IGNORECASE,
)
# A bare noun phrase that names an occasion rather than a piece of work: not an ask.
EVENT_NOUNS = re.compile(
    r"\b(?:meeting|call|session|workshop|party|lunch|dinner|drinks|offsite|all-hands|town\s*hall"
    r"|stand-?up|sync|webinar|conference|event|celebration|holiday|vacation|leave|break"
    r"|reminder|update|newsletter|announcement)s?\b",
    re.IGNORECASE,
)
