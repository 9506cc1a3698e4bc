"""The words of asking in German, French and Spanish, and of asks without a request verb.

Tables of patterns only; ``ask`` reads with them. Each pattern is a flat alternation of
words (no nested repetition), so it runs in time linear in the sentence.
"""

from __future__ import annotations

import re

from domain.intake.ask_forms import FORMS_OF_ASKING, SPANISH_PLURAL_IMPERATIVE

# Whether the reader takes on the work just named ("Tu t'en occupes ?", "¿Te encargas tú?",
# "Kümmerst du dich darum?"): a question in the second person that asks for it.
TAKE_ON = (
    r"(?:tu\s+t['\u2019]en\s+occupes|vous\s+vous\s+en\s+occupez|tu\s+t['\u2019]en\s+charges"
    r"|te\s+encargas|te\s+ocupas|k[üu]mmerst\s+du\s+dich"
    # "Schaffst du das?", "Kriegst du das hin?", "Tu gères ?": whether the reader manages it.
    r"|(?:schaffst|kriegst|bekommst|packst)\s+du|tu\s+g[èe]res|vous\s+g[ée]rez)"
)
FOREIGN_REQUEST_CUE = (
    # German
    # "bitte" the adverb; "eine kurze Bitte" (a noun after a word) is not an ask.
    r"(?-i:(?<![a-zäöüß]\s)\bBitte\b|\bbitte\b)|\bk[öo]nn(?:test|tet)\s+(?:du|ihr)\b|\bk[öo]nnten\s+sie\b|\bkannst\s+du\b"
    r"|\bk[öo]nnen\s+sie\b|\bw[üu]rdest\s+du\b|\bw[üu]rden\s+sie\b|\bich\s+brauche\b"
    r"|\bwir\s+brauchen\b|\bdu\s+musst\b|\bich\s+bitte\s+(?:dich|sie|euch)\b|\bmagst\s+du\b"
    r"|\bjemand\s+(?:muss|m[üu]sste|sollte|k[öo]nnte)\b|\b(?:einer|eine|jemand)\s+von\s+euch\b"
    r"|\b(?:kann|k[öo]nnte)\s+(?:einer|eine|jemand)\b"
    r"|\bw[äa]rst\s+du\s+so\s+nett\b|\bich\s+z[äa]hle\s+auf\s+(?:dich|sie)\b"
    # French
    r"|\bmerci\s+de\b|\bmerci\s+d['\u2019]|\bpourriez[-\s]vous\b|\bpourrais[-\s]tu\b"
    r"|\bpouvez[-\s]vous\b|\bpeux[-\s]tu\b|\bs['\u2019]il\s+(?:te|vous)\s+pla[iî]t\b|\bsvp\b"
    r"|\bstp\b|\bj['\u2019]ai\s+besoin\b|\bnous\s+avons\s+besoin\b"
    # "Tu t'en occupes ?", "¿Te encargas tú?", "Kümmerst du dich darum?": asked whether the
    # reader takes on the work just named, a question in the second person.
    # The work may follow ("¿Te encargas de renovar los seguros de la flotilla?").
    r"|\b" + TAKE_ON + r"\b(?=[^.!?\n]{0,200}\?)"
    # "Il me faut le rapport": "falloir" with the writer as its object is "I need", so it
    # asks as "j'ai besoin de" does, when a thing follows.
    r"|\bil\s+(?:me|nous)\s+(?:faut|faudrait|faudra)\s+(?:le|la|les|l['\u2019]|ton|ta|tes|votre"
    r"|vos|un|une)\s*\w"
    r"|\bil\s+(?:me\s+|nous\s+)?faut\s+que\s+(?:tu|vous)\b|\bje\s+(?:te|vous)\s+demande\b"
    r"|\bje\s+compte\s+sur\s+(?:toi|vous)\b|\bà\s+faire\s*:"
    r"|\bil\s+(?:faudrait|faut)\s+que\s+(?:quelqu['\u2019]un|l['\u2019]un\s+de\s+vous)\b"
    r"|\b(?:quelqu['\u2019]un|l['\u2019]une?\s+(?:de|d['\u2019]entre)\s+vous(?:\s+(?:deux|trois))?)"
    r"\s+(?:doit|devrait"
    r"|pourrait|peut)\b"
    # Spanish
    r"|\bpor\s+favor\b|\bpodr[ií]as\b|\bpuedes\b|\bpod[ée]s\b|\bpuede\s+usted\b|\bpodr[ií]a\s+usted\b"
    # "¿Puede uno de vosotros ...?": as "could one of you", the doer is left open.
    r"|\b(?:puede|podr[ií]a)\s+(?:alguno|alguna|uno|una|alguien)\b"
    r"|\bnecesito\b|\bnecesitamos\b|\bte\s+pido\b|\ble\s+pido\b|\bte\s+encargo\b"
    # "Le agradezco enviarme la cotización", "te agradecería que revisaras ...": thanks given
    # ahead for a deed, with its infinitive or "que" clause, ask for it.
    r"|\b(?:le|te|les|os)\s+agrade(?:zco|cemos|cer[ií]a|cer[ií]amos)\s+(?:much[oí]simo\s+|mucho\s+)?"
    # A deed still to come: a "que" clause not in the perfect ("que hayas venido" thanks for
    # the past), or an infinitive for the writer ("enviarme") or on a thing ("revisar el").
    r"(?:que\s+(?!hay)|(?!haber\b)[^\W\d_]+(?:ar|er|ir)(?:me|nos)\b"
    r"|(?!haber\b)[^\W\d_]+(?:ar|er|ir)\s+(?:el|la|los|las|un|una)\b)"
    # "Me hace falta el informe": the same need, said with "hacer falta".
    r"|\b(?:me|nos)\s+(?:hace|har[ií]a|har[áa])\s+falta\s+(?:el|la|los|las|tu|tus|su|sus|un|una)\b"
    r"|\bcuento\s+contigo\b|\bme\s+(?:env[ií]as|mandas|preparas)\b"
    # "¿podés mandarme el presupuesto?": an infinitive with the pronoun for the writer.
    r"|\bpod(?:[ée]s|[ée]is|r[ií]as|[ée]s)\s+[^\W\d_]+(?:arme|erme|irme|arnos|ernos|irnos)\b"
    r"|\b(?:alguien|alguno|alguna)(?:\s+de\s+(?:vosotros|vosotras|ustedes))?\s+(?:tiene\s+que"
    r"|debe|deber[ií]a|podr[ií]a|puede)\b"
    # "¿me mandás el informe?", "¿me ayudas a mandar los regalos?": a question in the second
    # person (tú or vos) with a verb of doing or sending, about a thing for the writer.
    r"|\b(?:me|nos)\s+(?:mand|envi|pas|prepar|revis|actualiz|termin|redact|compart|sub|dej|ayud"
    r"|hac|escrib|cierr|complet|organiz|coordin|busc|consigu|traduc|resum)[^\W\d_]*?"
    r"(?:as|ás|es|és)\s+(?:a\s+[^\W\d_]+\s+)?"
    r"(?:el|la|los|las|un|una|tu|tus|lo)\b(?=[^.!?\n]{0,200}\?)"
    # "¿Le echas un vistazo al manual?": a question in the second person with an object
    # pronoun for the thing, then the thing: the same ask about a third party's thing.
    r"|(?:(?<=¿)|(?<=¿\s))(?:le|les)\s+[^\W\d_]+(?:as|ás|es|és)\s+(?:un|una|el|la|los|las|al)\b"
    # "Tu peux finaliser le plan ?": a question without inversion.
    r"|\b(?:tu\s+(?:peux|pourrais)|vous\s+(?:pouvez|pourriez))\b(?=[^.!?\n]{0,200}\?)"
    # Courtesy formulas, verb-second needs, readiness questions ... (see ``ask_forms``).
    r"|" + FORMS_OF_ASKING
)
FOREIGN_REQUEST_WORDS = (
    r"bitte|k[öo]nn(?:test|tet)\s+(?:du|ihr)(?:\s+bitte)?|k[öo]nnten\s+sie(?:\s+bitte)?"
    r"|kannst\s+du(?:\s+bitte)?|k[öo]nnen\s+sie(?:\s+bitte)?|w[üu]rdest\s+du(?:\s+bitte)?"
    r"|w[üu]rden\s+sie(?:\s+bitte)?|magst\s+du|merci\s+de|pourriez[-\s]vous|pourrais[-\s]tu"
    r"|pouvez[-\s]vous|peux[-\s]tu|por\s+favor|¿?podr[ií]as|¿?puedes|¿?puede\s+usted"
    r"|te\s+pido\s+que|le\s+pido\s+que|svp|stp|tu\s+(?:peux|pourrais)|vous\s+(?:pouvez|pourriez)"
    r"|je\s+(?:te|vous)\s+demande\s+de|ich\s+bitte\s+(?:dich|sie|euch),?"
    r"|¿?\s*(?:me|nos)\s+ayud(?:as|ás|a|an|ar[ií]as)\s+a"
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
    # Verbs of leaving, keeping and checking, whose imperative is no common noun or
    # statement opening ("deja las llaves en recepción", "comprueba el inventario").
    r"|(?:deja|deje|dejad|guarda|guarde|comprueba|compruebe|traduce|traduzca)"
    r"(?=\s+(?:el|la|los|las|un|una|unos|unas|tu|tus|su|sus|todo|todos|todas)\b)"
    # "échale un vistazo al contrato": the imperative of "echar" with its pronoun.
    r"|[ée]cha(?:le|les|me)|[ée]che(?:le|les|me)"
    # The plural: "Preparad el calendario", "Envíen las cifras".
    r"|" + SPANISH_PLURAL_IMPERATIVE
)
FOREIGN_BOILERPLATE = (
    r"\bbitte\s+(?:beachte|beachten|lass\s+mich\s+wissen,?\s+(?:ob|wenn)|melde\s+dich,?\s+wenn"
    r"|zögere\s+nicht|entschuldige|nicht)\b|\bbei\s+fragen\b|\bmerci\s+(?:de\s+(?:ta|votre)|pour)\b"
    r"|\bn['\u2019]h[ée]site[sz]?\s+pas\b|\bmerci\s+de\s+ne\s+pas\b"
    r"|\bpor\s+favor,?\s+(?:av[ií]same\s+si|no)\b|\bno\s+dudes\b|\bgracias\s+por\b"
    # Kindness in the imperative: a day off, a rest (with its "bitte", "s'il te plaît").
    r"|(?:\b(?:bitte|por\s+favor),?\s+)?(?:\bnimm\s+dir\s+(?:den|die|das|einen|ein|eine)?\s*(?:[\w-]+\s+){0,3}(?:frei|urlaub|pause"
    r"|auszeit)\b|\bprends?\s+(?:ta|ton|votre|vos|tes|un|une|le|la|quelques)\s+(?:[\w-]+\s+){0,3}"
    r"(?:journ[ée]e|week-end|cong[ée]s?|repos|pause|vacances)\b|\bt[oó]ma(?:te|se)\s+"
    r"(?:el|la|los|las|un|una|unos|unas)\s+(?:[\w-]+\s+){0,3}(?:libres?|descanso|vacaciones"
    r"|fin\s+de\s+semana))\b(?:[^.!?\n]{0,20}?(?:s['\u2019]il\s+(?:te|vous)\s+pla[iî]t|bitte"
    r"|por\s+favor))?"
)
FOREIGN_NO_ACTION = (
    r"\bkeine\s+(?:aktion|handlung|ma[ßs]nahme)\s+(?:n[öo]tig|erforderlich)\b"
    r"|\bnur\s+zur\s+(?:info|information|kenntnis)\b|\bzur\s+kenntnisnahme\b"
    r"|\baucune\s+action\s+(?:requise|n[ée]cessaire)\b|\bpour\s+information\s+seulement\b"
    r"|\brien\s+[àa]\s+faire\b|\bsolo\s+para\s+(?:tu\s+)?informaci[óo]n\b"
    r"|\bno\s+(?:se\s+)?(?:requiere|hace\s+falta)\s+(?:ninguna\s+)?acci[óo]n\b"
)
# A courtesy about answering ("No need to answer tonight", "no rush to reply", "Pas besoin
# de répondre ce soir"): it scopes only its own clause (up to a comma or a "but") and never
# cancels the request around it. Built from word classes: a negated need, then a verb of
# answering in any of its forms.
_ANSWER_VERBS = (
    r"(?:reply|respond|answer|get\s+back|write\s+back|antwort\w*|zur[üu]ck(?:schreib|meld)\w*"
    r"|melden|r[ée]pond\w*|revenir\s+vers\s+moi|respond\w*|contest\w*)"
)
_NEGATED_NEED = (
    r"(?:(?:no\s+need|there['\u2019]?s\s+no\s+need|you\s+don['\u2019]?t\s+(?:need|have))\s+to\s+"
    r"|don['\u2019]?t\s+(?:feel\s+(?:you\s+have|obliged)\s+to\s+)?"
    r"|(?:du\s+musst|sie\s+m[üu]ssen|ihr\s+m[üu]sst)\s+(?:mir\s+|uns\s+)?nicht\s+(?:sofort\s+|gleich\s+"
    r"|heute\s+(?:noch\s+)?)?"
    r"|(?:pas|nul)\s+besoin\s+de\s+(?:me\s+|nous\s+)?|inutile\s+de\s+(?:me\s+|nous\s+)?"
    r"|ne\s+(?:me\s+)?(?=r[ée]pond)"
    r"|no\s+(?:hace\s+falta|es\s+necesario|tienes\s+que|hay\s+que)\s+(?:que\s+)?(?:me\s+|nos\s+)?)"
)
_UNHURRIED = (
    r"(?:no\s+(?:rush|hurry|pressure)(?:\s+(?:to|on)\s+(?:reply|respond|answer|getting\s+back))?"
    r"(?=\s*(?:tonight|today|now|this\s+(?:evening|weekend)|[,;.!\u2013\u2014-]|$))"
    r"|no\s+(?:reply|response|answer)\s+(?:is\s+)?(?:needed|required|necessary)"
    r"|kein(?:e)?\s+(?:antwort|eile|r[üu]ckmeldung|stress)\s+(?:n[öo]tig|erforderlich)"
    r"|kein(?:e)?\s+(?:eile|stress|hektik)(?=\s*[,;.!\u2013\u2014-])"
    r"|rien\s+ne\s+presse|no\s+(?:hay|corre)\s+prisa)"
)
COURTESY = re.compile(
    r"\b(?:" + _UNHURRIED + r"|" + _NEGATED_NEED + _ANSWER_VERBS + r"\b)"
    # The rest of its clause ("tonight", "ce soir", "hoy"), never past a comma or a "but".
    r"(?:(?!\s(?:but|though|however|mais|pero|aber|sondern)\b|\s[-\u2013\u2014])[^.!?\n,;:]){0,40}"
    # and the "but" that turns to the request, so that the request starts its sentence.
    r"(?:[\s,;\u2013\u2014-]*\b(?:but|mais|pero|aber|sondern)\b)?[\s,;:]*",
    re.IGNORECASE,
)
# "Omar is taking over the rollout plan", "Priya will own the launch checklist", "Sam owns
# the cut-over plan", "Nina übernimmt ...", "C'est Omar qui reprend ...", "Sam se encarga de
# ...": a named person given the work, in a statement (typical of a forward). Names are
# capitalised; pronouns and articles are not names.
_NOT_A_NAME = (
    r"(?:I|We|They|He|She|It|You|This|That|There|Here|Ich|Wir|Er|Sie|Es|Das|Der|Die|Je|Nous"
    r"|Il|Elle|On|Ils|Elles|Yo|Nosotros|Él|Ella|Ellos|The|Le|La|Les|El|Los|Las|Everyone|Nobody"
    r"|Someone|Somebody)\b"
)
_NAME_WORD = r"[A-Z][\w-]*(?:['\u2019](?!s\b)[\w-]+)?"
PERSON = (
    r"(?-i:(?!"
    + _NOT_A_NAME
    + r")"
    + _NAME_WORD
    + r"(?:\s+(?!"
    + _NOT_A_NAME
    + r")"
    + _NAME_WORD
    + r")?)"
)
FOREIGN_DELEGATION_VERBS = {
    # the verb as written (without its preposition) -> (its infinitive, whether the
    # infinitive goes last, as in German)
    "übernimmt": ("übernehmen", True),
    "verantwortet": ("verantworten", True),
    "kümmert sich um": ("sich kümmern um", False),
    "ist zuständig für": ("zuständig für", False),
    "ist verantwortlich für": ("verantwortlich für", False),
    "reprend": ("reprendre", False),
    "prend en charge": ("prendre en charge", False),
    "se charge": ("se charger", False),
    "s'occupe": ("s'occuper", False),
    "est responsable": ("être responsable", False),
    "se encarga": ("encargarse", False),
    "se ocupa": ("ocuparse", False),
    "se hace cargo": ("hacerse cargo", False),
    "es responsable": ("ser responsable", False),
    "asume": ("asumir", False),
    "lleva": ("llevar", False),
}
DELEGATION = re.compile(
    r"^(?P<name>" + PERSON + r")"
    r"(?:\s+is|\s+will\s+be|['\u2019]s|['\u2019]ll\s+be)\s+(?P<gerund>taking\s+over|taking\s+on"
    r"|owning|leading|handling|picking\s+up|driving|running|doing|preparing|drafting|writing)\b"
    r"|^(?P<name2>" + PERSON + r")(?:\s+will|['\u2019]ll|\s+is\s+going\s+to)\s+"
    r"(?P<verb>take\s+over|take\s+on|own|lead|handle|pick\s+up|drive|run|do|prepare|draft"
    r"|write)\b"
    r"|^(?P<name4>" + PERSON + r")\s+(?P<present>owns|leads|handles|drives|takes\s+over"
    r"|takes\s+on|picks\s+up|is\s+(?:responsible\s+for|in\s+charge\s+of|on\s+point\s+for"
    r"|on\s+(?:it|this|that)))\b"
    r"|^(?P<name3>" + PERSON + r")\s+(?:qui\s+)?(?P<foreign>übernimmt|verantwortet"
    r"|kümmert\s+sich\s+um|ist\s+(?:zuständig|verantwortlich)\s+für|reprend"
    r"|prend\s+en\s+charge|prend\s+le\s+relais(?:\s+(?:sur|de|du|des))?|toma\s+el\s+relevo|(?:se\s+charge|s['\u2019]occupe|est\s+responsable|se\s+encarga"
    r"|se\s+ocupa|se\s+hace\s+cargo|es\s+responsable)\s+(?:del?|du|des)|asume|lleva)\b"
    # German puts the verb second after a lead-in: "Ab sofort übernimmt Omar den Plan".
    r"|^(?P<inverted>übernimmt|verantwortet|kümmert\s+sich)\s+(?P<name5>"
    + PERSON
    + r")\s+(?:um\s+)?"
    # Spanish puts the subject after the verb in a plain statement ("Se encarga Alex de la
    # póliza"); a question would open with "¿".
    # "Passing this to Dev, he'll own the audit evidence": the work handed on by name.
    r"|^(?P<handed>passing|handing|giving|assigning)\s+(?:this|it|that)(?:\s+(?:one|over|on))*"
    r"\s+to\s+(?P<name7>" + PERSON + r")\b"
    r"|^(?P<inverted_es>se\s+encarga|se\s+ocupa|se\s+hace\s+cargo)\s+(?P<name6>"
    + PERSON
    + r")\s+(?P<preposition>del?)\b",
    re.IGNORECASE,
)
# What may come before a delegation: "From Monday,", "Ab sofort", "A partir de ahora",
# "Désormais" (when the handover starts), or the French cleft "C'est Omar qui ...".
DELEGATION_LEAD_IN = re.compile(
    r"^(?:c['\u2019]est\s+(?=" + PERSON + r"\s+qui\s)|(?:from\s+(?:now\s+on|today|tomorrow"
    r"|monday|next\s+week)|as\s+of\s+(?:now|today|tomorrow|monday)|starting\s+(?:now|today"
    r"|tomorrow|monday)|going\s+forward|effective\s+(?:now|today|immediately)"
    r"|ab\s+(?:sofort|jetzt|heute|morgen|montag)|k[üu]nftig|d[ée]sormais|dor[ée]navant"
    r"|[àa]\s+partir\s+d['\u2019]aujourd['\u2019]hui|[àa]\s+partir\s+de\s+(?:maintenant|demain"
    r"|lundi)|a\s+partir\s+de\s+(?:ahora|hoy|ma[ñn]ana|ya|el\s+lunes)|desde\s+(?:ahora|hoy))"
    r"\s*,?\s+)",
    re.IGNORECASE,
)
# "ACTION: Sam to circulate the roadmap": an action item that names its doer.
ASSIGNEE = re.compile(r"^(?P<name>" + PERSON + r")\s+to\s+(?=[^\W\d_])", re.IGNORECASE)
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
    r"|reminder|update|newsletter|announcement)s?\b"
    # Where someone works or is, not work: "home office until Friday", "télétravail".
    r"|\b(?:home\s*office|homeoffice|remote|wfh|ooo|out\s+of\s+(?:the\s+)?office"
    r"|t[ée]l[ée]travail|teletrabajo|trabajo\s+remoto|baustelle|roadworks)\b"
    # The same occasions in German, French and Spanish.
    r"|\b(?:besprechung(?:en)?|sitzung(?:en)?|treffen|termin(?:e)?|feier(?:n)?|mittagessen"
    r"|abendessen|urlaub|r[ée]union(?:s)?|s[ée]ance(?:s)?|f[êe]te(?:s)?|d[ée]jeuner(?:s)?"
    r"|d[îi]ner(?:s)?|cong[ée](?:s)?|vacances|reuni[óo]n(?:es)?|llamada(?:s)?|fiesta(?:s)?"
    r"|comida(?:s)?|cena(?:s)?|vacaciones)\b",
    re.IGNORECASE,
)
# An ask to several people that leaves the choice open ("could one of you ...", "whoever
# has time"): nobody in particular owns it yet, so the manager is asked who.
OPEN_ADDRESSEE = re.compile(
    r"\b(?:(?:one|either|any)\s+of\s+you|whoever|einer?\s+von\s+euch|wer\s+von\s+euch"
    r"|l['\u2019]une?\s+(?:de|d['\u2019]entre)\s+vous|(?:alguno|alguna|uno|una)\s+de"
    r"\s+(?:vosotros|vosotras|ustedes)"
    # "Can someone own the review?": an indefinite doer, as the subject of the ask.
    r"|(?:can|could|would|will)\s+(?:someone|somebody|anyone|anybody)"
    r"|(?:someone|somebody)\s+(?:needs|has|must|should)"
    r"|(?:kann|k[öo]nnte)\s+(?:jemand|einer|eine)|jemand\s+(?:muss|m[üu]sste|sollte|k[öo]nnte)"
    r"|quelqu['\u2019]un\s+(?:peut|pourrait|doit|devrait)|(?:peut|pourrait)[-\s]on"
    r"|(?:puede|podr[ií]a)\s+alguien|alguien\s+(?:puede|podr[ií]a|tiene\s+que|debe|deber[ií]a))\b",
    re.IGNORECASE,
)
# A shared ask ("Let's get the write-up done by Tuesday", "Lass uns das Protokoll bis
# Dienstag fertig machen", "Faisons en sorte que le compte rendu soit bouclé d'ici mardi",
# "Vamos a dejar cerrado el informe para el martes"): the first person plural of the
# imperative. It asks only with a deadline and a thing to deliver (see ``ask``).
SHARED_ASK = re.compile(
    r"^(?P<lead>let['\u2019]?s|lass(?:t)?\s+uns|[^\W\d_]{2,}ons(?:-nous)?"
    r"(?=\s+(?:le|la|les|l['\u2019]|un|une|des|du|notre|nos|ce|cette|ces|en\s+sorte)\b)"
    r"(?:\s+en\s+sorte\s+que)?"
    # "Il faudrait qu'on finalise la grille": the impersonal "falloir" with "on" or "nous" as
    # the doer is a shared ask as "-ons" is.
    r"|il\s+(?:faut|faudrait|faudra)\s+(?:qu['\u2019]on|que\s+nous|que\s+l['\u2019]on)"
    r"|vamos\s+a|hagamos|dejemos|pongamos|cerremos|terminemos"
    r"|preparemos|enviemos)\s+",
    re.IGNORECASE,
)
# Plans to meet or talk, which "let's" also makes: not work to track.
SOCIAL_VERBS = re.compile(
    r"^(?:meet|catch\s+up|talk|chat|grab|celebrate|discuss|sync|speak|hope|wait|see|keep|not"
    r"|go|have\s+(?:a\s+)?(?:lunch|coffee|call|chat|drink|drinks|dinner)|treffen|sprechen|reden"
    r"|feiern|telefonieren|warten|hoffen|nicht|voir|parler|d[ée]jeuner|f[êe]ter|retrouver"
    r"|attendre|esp[ée]rer|nous\s+voir|vernos|hablar|quedar|reunirnos|celebrar|comer|tomar"
    r"|esperar|no"
    # Meals and drinks are plans too: "let's eat", "lass uns essen", "on dîne", "vamos a cenar".
    r"|eat|dine|drink|essen|trinken|frühstücken|manger|d[îi]ner|boire|cenar|almorzar"
    r"|desayunar|beber)\b",
    re.IGNORECASE,
)
# Verbs of meeting and talking, wherever they stand ("lass uns vor Freitag die Zahlen
# besprechen" puts the verb last): a shared plan to talk is not work to track.
TALK_VERBS = re.compile(
    r"\b(?:meet|talk|discuss|chat|catch\s+up|sync\s+up|besprechen|sprechen|reden|treffen"
    r"|telefonieren|austauschen|discuter|parler|voir|r[ée]unir|faire\s+le\s+point|le\s+point"
    r"|hablar|hablemos|reunirnos|vernos|charlar|comentar|quedar)\b",
    re.IGNORECASE,
)
# A request to Accord itself to keep track of what follows ("Please track this one for me",
# "Bitte verfolge das", "Merci de suivre ça", "Registra esto"): in a forward, the work is in
# the forwarded message.
TRACKING_ASK = re.compile(
    r"^(?:track|log|record|note|capture|keep\s+(?:an\s+eye\s+on|track\s+of)|follow\s+up\s+on"
    r"|monitor|add|set\s+up|verfolge|erfasse|notiere|trag|suis|suivez|suivre|note|notez|noter"
    r"|enregistre|enregistrez|enregistrer|sigue|registra|registrar|anota|anotar)\s+"
    r"(?:this|that|it|these|the\s+(?:below|following)|das|dies|es|ça|cela|ceci|le|esto|eso)"
    r"(?:\s+(?:one|for\s+me|for\s+us|please|bitte|pour\s+moi|por\s+m[ií]|ein|auf))*\b",
    re.IGNORECASE,
)
# Kindness in the imperative, about the reader's own rest and joy ("get some rest", "put your
# feet up", "erhol dich gut", "repose-toi bien", "descansa"): no work to track. The verbs are
# those of resting, enjoying and looking after oneself; the rest of the clause goes with them.
_NO_THING = r"(?!\s+(?:the|a|an|this|that|our|your|it|el|la|los|las|un|una|esto|le|les|du|des)\b)"
KINDNESS = (
    r"(?:\b(?:please|pls|do|bitte|por\s+favor)\s*,?\s+)?\b(?:get\s+(?:some|plenty\s+of)\s+"
    r"(?:rest|sleep)|rest\s+up|relax|recharge|unwind|switch\s+off"
    + _NO_THING
    + r"|unplug"
    + _NO_THING
    + r"|log\s+off|enjoy|treat\s+yourself|take\s+care\s+of\s+yourself"
    r"|take\s+(?:it|things)\s+easy|look\s+after\s+yourself|put\s+your\s+feet\s+up|have\s+fun"
    r"|sleep\s+in|stay\s+safe|thank\s+(?:the\s+team|everyone|them|him|her)"
    r"|make\s+sure\s+you\s+(?:rest|relax|switch\s+off|unwind|recharge)"
    r"|erhol\w*|entspann\w*|genie(?:ß|ss)\w*|ruh\s+dich\s+aus|ruhen\s+sie\s+sich\s+aus"
    r"|pass\s+auf\s+dich\s+auf|g[öo]nn\s+dir|schlaf\s+aus|repose[sz]?-(?:toi|vous)"
    r"|d[ée]tend[sz]?-(?:toi|vous)|profite[sz]?(?![^.!?;,\n]{0,60}\bpour\b)"
    r"|prends\s+soin\s+de\s+toi|prenez\s+soin\s+de\s+vous|amuse[sz]?-(?:toi|vous)"
    r"|d[ée]connecte[sz]?" + _NO_THING + r"|descansa|descanse|disfruta|disfrute|rel[áa]ja(?:te|se)"
    r"|c[úu]ida(?:te|se)|desconecta" + _NO_THING + r"|divi[ée]rte(?:te|se))\b[^.!?;,\n]{0,60}"
    r"(?:[\s,]*(?:s['\u2019]il\s+(?:te|vous)\s+pla[iî]t|please|bitte|por\s+favor))?"
)
# A retraction of the writer's own earlier mail ("Please ignore my last email, wrong Grace",
# "Bitte meine letzte Mail ignorieren", "Ne tenez pas compte de mon message précédent",
# "Ignora mi correo anterior"): it takes an ask back, and asks nothing itself.
_MAIL = r"(?:e-?mail|mail|message|note|nachricht|courriel|correo|mensaje)"
_COURTESY = r"(?:please|pls|bitte|svp|por\s+favor|s['\u2019]il\s+(?:te|vous)\s+pla[iî]t)"
RETRACTION = re.compile(
    # A courtesy word beside it is part of it: "Ignore my last email please".
    r"(?:" + _COURTESY + r"[\s,]*)?"
    r"\b(?:(?:ignore|disregard)\s+(?:my|the|that)\s+(?:(?:previous|last|earlier|prior)\s+)?"
    + _MAIL
    + r"|(?:ignorier(?:e|t|en)?|vergiss|vergessen\s+sie)\s+(?:bitte\s+)?(?:meine|die)\s+"
    r"(?:letzte|vorherige|vorige)\s+"
    + _MAIL
    + r"|(?:meine|die)\s+(?:letzte|vorherige|vorige)\s+"
    + _MAIL
    + r"\s+(?:bitte\s+)?ignorieren"
    r"|ne\s+(?:tenez|tiens)\s+pas\s+compte\s+de\s+(?:mon|ma|ce|cet)\s+(?:(?:pr[ée]c[ée]dent|dernier)\s+)?"
    + _MAIL
    + r"|ignore[zr]?\s+(?:mon|ma)\s+(?:(?:pr[ée]c[ée]dent|dernier)\s+)?"
    + _MAIL
    + r"|(?:ignora|ignore|ignorad|olvida|olvide)\s+(?:mi|el)\s+"
    + _MAIL
    + r"\s+anterior)\b"
    r"(?:[\s,]*" + _COURTESY + r"\b)?",
    re.IGNORECASE,
)
