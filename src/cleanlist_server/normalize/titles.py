"""Job titles -> canonical English title, seniority and department.

Pipeline (all pure, tables compiled once at import):

1. clean: Unicode NFKC, emoji/symbols dropped, gender markers ("(m/w/d)", "Berater/in",
   "Chargé(e)") removed; split on strong separators (``|``, ``•``, ``;``) and keep the first
   segment that names a role (the rest are taglines); strip the employer (" at Acme", " @ Acme",
   " bei", " chez", " bij").
2. English: lower-case and accent-fold, apply the foreign phrase table
   (``data/titles_phrases.json``), split German/Dutch compounds ("Vertriebsleiter"), move Romance
   head nouns behind their function ("gerente de ventas" -> "sales manager"), translate words and
   expand abbreviations (``data/titles_words.json``, ``data/titles_abbreviations.json``).
3. structure: split on weak separators (``,``, ``/``, ``&``, " and ", " - "), keep the primary role,
   attach a bare rank's function ("VP, Sales & BD" -> "vp of sales"), keep a second role only
   when one of them is an executive role ("Founder & CEO").
4. classify: seniority by ordered rules per role part (highest rank wins); department by the
   leftmost, most specific functional keyword, then general-executive words, else Other.

Decisions are documented in ``docs/normalization-titles.md``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from cleanlist_server.domain.enums import Department, Seniority

__all__ = [
    "TitleInfo",
    "classify_department",
    "classify_seniority",
    "normalize_title",
    "parse_title",
]


@dataclass(frozen=True, slots=True)
class TitleInfo:
    title: str | None  # canonical English title, e.g. "VP of Sales"
    seniority: Seniority | None
    department: Department | None


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("cleanlist_server.normalize").joinpath("data", name).read_text("utf-8")
    )
    return data


_ABBR = _load("titles_abbreviations.json")
_PHRASE_DATA = _load("titles_phrases.json")
_WORD_DATA = _load("titles_words.json")

_TOKENS: dict[str, str] = _ABBR["tokens"]
_ACRONYMS: frozenset[str] = frozenset(_ABBR["acronyms"])
_SPECIAL_CASE: dict[str, str] = _ABBR["special_case"]
_SMALL_WORDS: frozenset[str] = frozenset(_ABBR["small_words"])
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl) for pattern, repl in _PHRASE_DATA["phrases"]
)
_WORDS: dict[str, str] = _WORD_DATA["words"]
_CONNECTIVES: frozenset[str] = frozenset(_WORD_DATA["connectives"]) | {"l'", "la", "las", "los"}
_ROLE_NOUNS: dict[str, str] = _WORD_DATA["role_nouns"]
_COMPOUND_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(_WORD_DATA["compound_suffixes"].items(), key=lambda kv: -len(kv[0]))
)
_COMPOUND_PREFIXES: dict[str, str] = _WORD_DATA["compound_prefixes"]
# Role nouns spelled the same in English: only moved when a foreign word follows.
_ENGLISH_ROLE_NOUNS = frozenset(
    {"director", "consultant", "assistant", "supervisor", "head", "vp", "president", "intern"}
)
_ROMANCE_FUNCTIONS = {"commercial": "sales", "commerciale": "sales"}
_MOVED_MODIFIERS = frozenset({"senior", "junior", "deputy", "lead", "principal", "interim"})

_EMPTY = TitleInfo(None, None, None)
_MAX_LENGTH = 200
_GARBAGE = frozenset(
    {
        "n/a", "na", "none", "null", "nil", "unknown", "-", "--", "test", "tbd", "x", "xx", "xxx",
        "other", "title", "job title", "no title", "not applicable", "not provided", "retired",
        "unemployed", "self", "me", "private", "confidential", "open to work", "looking for work",
        "seeking opportunities", "seeking new opportunities", "looking for new opportunities",
        "looking for opportunities", "job seeker", "career break", "between jobs", "various",
        "undefined", "asdf", "n.a", "nn", "ninguno", "keine", "aucun",
    }
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------------------------

_GENDER = re.compile(
    r"\s*\((?:[mwfdxhi]\s*[/|,]\s*)+[mwfdxhi]\)"  # (m/w/d), (f/m/x), (h/f)
    r"|\s*\b[hf]/[hf]\b"  # H/F
    r"|(?<=[a-zäöüéè])(?:/|\*|:|_)-?in(?:nen)?\b"  # Berater/in, Berater*in
    r"|\((?:e|ne|le|se|rice|trice|euse|ere|a|o|as|os)\)"  # Chargé(e), Director(a)
    r"|(?<=[a-zéè])[·.](?:e|ne|rice|trice|euse|ere)\b"  # Directeur·rice
    r"|(?<=[a-zó])/(?:a|as|o|os|ra)\b",  # Director/a, Ingeniero/a
    re.IGNORECASE,
)
_STRONG_SPLIT = re.compile(r"\s*(?:\||•|·|‖|¦|;|▪|►|\s::\s|\s//\s|\s~\s|\s\.\s)\s*")
_COMPANY = re.compile(r"(?:\s+(?:at|bei|chez|bij)\s+|\s*@\s*)\S.*$", re.IGNORECASE)
_RAW_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,4}\b")
_SPACES = re.compile(r"\s+")


def _strip_symbols(text: str) -> str:
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("So", "Sk", "Cs", "Co", "Cf", "Cn", "Sc") or ch in "™®©\ufe0f":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _fold(text: str) -> str:
    text = text.lower().replace("ß", "ss").replace("æ", "ae").replace("ø", "o")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# ---------------------------------------------------------------------------------------------
# To English
# ---------------------------------------------------------------------------------------------

_PUNCT = (
    (re.compile(r"[’‘`´]"), "'"),
    (re.compile(r"[‐‑‒–—―]"), " - "),
    (re.compile(r"(?<=\b[a-z])\.(?=[a-z]\b)"), ""),  # v.p. -> vp
    (re.compile(r"\.(?=\s|$|,|/|&|\))"), ""),  # sr. -> sr
    (re.compile(r"[\[\]{}\"]"), " "),
    (re.compile(r"\s*-\s*(?=$)|^\s*-\s*"), " "),
    (re.compile(r"\s+-(?=[a-z])|(?<=[a-z])-\s+"), " - "),
    (re.compile(r"[!?*]+|\.\.+|:+$"), " "),
    (re.compile(r"\s*,\s*"), ", "),
)
_ELISION = re.compile(r"\b([dl])'(?=\w)")
_TOKEN_SPLIT = re.compile(r"(\s+|,|/|&|\(|\)|:)")
_PART_SPLIT = re.compile(r"(\s*,\s*|\s*/\s*|\s+&\s+|(?<=[a-z]{3})&(?=[a-z]{3})|\s+\+\s+"
                         r"|\s+and\s+|\s+-\s+|\s*\(\s*|\s*\)\s*|\s*:\s+)")  # fmt: skip
_ENGLISH_FIXES = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"\bco[- ]?founder", "co-founder"),
        (r"\bco[- ]?owner", "co-owner"),
        (r"\bresearch (?:and|&) development\b", "r&d"),
        (r"\bsenior vp\b", "svp"),
        (r"\bexecutive vp\b", "evp"),
        (r"\bvice[- ]president\b", "vp"),
        (r"\bsenior vice president\b", "svp"),
        (r"\bchief executive officer\b", "ceo"),
        (r"\bchief (?:technology|technical) officer\b", "cto"),
        (r"\bchief financial officer\b", "cfo"),
        (r"\bchief operat(?:ing|ions) officer\b", "coo"),
        (r"\bchief marketing officer\b", "cmo"),
        (r"\bchief revenue officer\b", "cro"),
        (r"\bchief information security officer\b", "ciso"),
        (r"\bchief information officer\b", "cio"),
        (r"\bchief product officer\b", "cpo"),
        (r"\bchief human resources officer\b", "chro"),
        (r"\b(vp|svp|evp|of|head|director)\s+engineer\b(?!\s+(?:i|ii|iii|iv)\b)",
         r"\1 engineering"),
        (r"^(?:the\s+)?(?:md)$", "managing director"),
        (r"\bexecutive secretary\b", "executive assistant"),
        (r"\badministrator (assistant|coordinator|officer|support|manager)\b",
         r"administrative \1"),
        (r"\b(business|product|software|web|application) developer (manager|director|lead)\b",
         r"\1 development \2"),
        (r"\bbusiness development developer\b", "business development"),
        (r"\b(developer|development) operations\b", "devops"),
        (r"\bhr hr\b", "hr"),
        (r"\bproduct product\b", "product"),
        (r"\b(founder|co-founder|owner|ceo|president|managing director|chairman|proprietor"
         r"|managing partner|founding partner)\s+(?:of|for)\s+(?!the board\b).*$", r"\1"),
        (r"\s+", " "),
    )
)  # fmt: skip
_ENG_FUNCTION_NEXT = frozenset(
    {"manager", "mgr", "director", "dir", "lead", "team", "leader", "operations", "ops", "vp"}
)
_ENG_FUNCTION_PREV = frozenset({"vp", "svp", "evp", "of", "head", "director", "dir", "cto"})


def _expand(tokens: list[str]) -> list[str]:
    """Expand abbreviations; one output string (maybe several words) per input token."""
    out: list[str] = []
    n = len(tokens)
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < n else ""
        if tok in ("eng", "engr", "engg"):
            if nxt in _ENG_FUNCTION_NEXT or prev in _ENG_FUNCTION_PREV:
                out.append("engineering")
            else:
                out.append("engineer")
        elif tok == "dev":
            if prev in ("biz", "business", "bus", "product", "corporate", "corp"):
                out.append("development")
            elif nxt in ("ops",):
                out.append("devops")
            elif nxt in ("manager", "mgr", "director", "dir", "lead", "vp", "team", "head"):
                out.append("development")
            else:
                out.append("developer")
        elif tok in ("admin", "adm") and nxt in ("assistant", "asst", "coordinator", "support"):
            out.append("administrative")
        elif tok == "md" and n > 1:
            out.append("md")
        elif tok in _TOKENS:
            out.append(_TOKENS[tok])
        else:
            out.append(tok)
    return out


def _split_compound(tok: str) -> str | None:
    for suffix, role in _COMPOUND_SUFFIXES:
        if tok.endswith(suffix) and len(tok) > len(suffix) + 1:
            prefix = tok[: -len(suffix)].rstrip("-")
            fn = (
                _COMPOUND_PREFIXES.get(prefix)
                or _COMPOUND_PREFIXES.get(prefix.rstrip("s"))
                or _COMPOUND_PREFIXES.get(prefix.rstrip("s").rstrip("-"))
                or _WORDS.get(prefix)
                or _WORDS.get(prefix.rstrip("s"))
            )
            if fn is None:
                if len(prefix) < 2:
                    return None
                fn = prefix
            return f"head of {fn}" if role == "head of" else f"{fn} {role}"
    return None


def _translate_word(tok: str) -> str:
    return _WORDS.get(tok, tok)


def _restructure(part: str) -> str:
    """Romance order: 'gerente de ventas senior' -> 'senior sales manager'."""
    tokens = part.split()
    mods: list[str] = []
    i = 0
    while i < len(tokens) and _translate_word(tokens[i]) in _MOVED_MODIFIERS:
        mods.append(_translate_word(tokens[i]))
        i += 1
    if i >= len(tokens) - 1 or tokens[i] not in _ROLE_NOUNS:
        return part
    head = tokens[i]
    role = _ROLE_NOUNS[head]
    rest = tokens[i + 1 :]
    had_connective = False
    while rest and rest[0] in _CONNECTIVES:
        rest = rest[1:]
        had_connective = True
    if not rest:
        return part
    if head in _ENGLISH_ROLE_NOUNS and not had_connective and rest[0] not in _WORDS:
        return part
    words: list[str] = []
    for tok in rest:
        if tok in _CONNECTIVES and tok not in ("en", "a"):
            continue
        eng = _ROMANCE_FUNCTIONS.get(tok) or _translate_word(tok)
        if eng in _MOVED_MODIFIERS:
            mods.append(eng)
        elif eng:
            words.append(eng)
    if not words:
        return " ".join([*mods, role])
    function = " ".join(words)
    if role in ("head of", "vp", "president"):
        role = "head of" if role == "head of" else f"{role} of"
        return " ".join([*mods, role, function])
    return " ".join([*mods, function, role])


def _to_english(segment: str) -> str:
    text = _fold(segment)
    for pattern, repl in _PUNCT:
        text = pattern.sub(repl, text)
    text = _SPACES.sub(" ", text).strip(" ,-/&")
    for pattern, repl in _PHRASES:
        text = pattern.sub(repl, text)
    text = _ELISION.sub(r"\1' ", text)  # d'affaires -> d' affaires
    # German/Dutch compounds, token by token.
    tokens = text.split(" ")
    for i, tok in enumerate(tokens):
        if tok and tok not in _WORDS and tok not in _TOKENS and tok not in _ROLE_NOUNS:
            split = _split_compound(tok)
            if split is not None:
                tokens[i] = split
    text = " ".join(tokens)
    # Romance head-noun-first order, within each comma part.
    text = ", ".join(_restructure(p.strip()) for p in text.split(","))
    pieces = _TOKEN_SPLIT.split(text)
    words = [_translate_word(p) if p and not p.isspace() else p for p in pieces]
    text = "".join(words)
    pieces = _TOKEN_SPLIT.split(text)
    word_idx = [i for i, p in enumerate(pieces) if p and not _TOKEN_SPLIT.fullmatch(p)]
    for i, tok in zip(word_idx, _expand([pieces[i] for i in word_idx]), strict=True):
        pieces[i] = tok
    text = "".join(pieces)
    for pattern, repl in _ENGLISH_FIXES:
        text = pattern.sub(repl, text)
    return text.strip(" ,-/&:")


# ---------------------------------------------------------------------------------------------
# Structure: primary role, attached function
# ---------------------------------------------------------------------------------------------

_ROLE_WORD = re.compile(
    r"\b(?:manager|managers|director|head|vp|svp|evp|avp|president|chief|officer|ceo|cto|cfo|coo"
    r"|cmo|cro|cio|ciso|cpo|cso|cdo|cco|chro|cxo|founder|co-founder|owner|co-owner|partner"
    r"|engineer|developer|analyst|consultant|specialist|associate|intern|coordinator|assistant"
    r"|representative|executive|designer|scientist|architect|administrator|advisor|adviser|lead"
    r"|leader|supervisor|recruiter|sourcer|counsel|attorney|lawyer|accountant|technician|writer"
    r"|editor|researcher|professor|lecturer|teacher|nurse|driver|student|trainee|apprentice"
    r"|strategist|controller|auditor|bookkeeper|paralegal|receptionist|secretary|clerk|agent"
    r"|buyer|planner|producer|marketer|programmer|chairman|chairwoman|chairperson|chair|member"
    r"|entrepreneur|freelancer|self-employed|principal|fellow|postdoc|evangelist|operator"
    r"|worker|employee|physician|doctor|chef|tester|proprietor|programmer|expert|generalist"
    r"|officer|treasurer|actuary|underwriter|banker|trader|broker|realtor|photographer"
    r"|illustrator|animator|copywriter|journalist|instructor|coach|trainer|mentor|investor"
    r"|dispatcher|estimator|inspector|mechanic|electrician|pharmacist|therapist|dentist"
    r"|surgeon|psychologist|librarian|cashier|salesperson|advocate|ambassador|owner"
    r"|superintendent|foreman|chemist|biologist|physicist|economist|statistician|developer"
    r"|artist|translator|interpreter|hacker|ninja|guru|rockstar)\b"
)
_EXEC_ROLE = re.compile(
    r"\b(?:founder|co-founder|owner|co-owner|ceo|cto|cfo|coo|cmo|cro|cio|ciso|cpo|cso|cdo|cco"
    r"|chro|cxo|chief|president|chairman|chairwoman|chair|board member|managing director"
    r"|managing partner|founding partner|partner|proprietor|entrepreneur|general manager)\b"
)
_PREFIX_RANKS = frozenset(
    {"vp", "svp", "evp", "avp", "head", "director", "president", "managing director",
     "general manager", "assistant vp", "senior director", "associate director"}
)  # fmt: skip
_SUFFIX_ROLES = frozenset(
    {"manager", "lead", "analyst", "engineer", "consultant", "specialist", "associate", "intern",
     "coordinator", "assistant", "representative", "officer", "designer", "developer",
     "scientist", "architect", "administrator", "executive", "advisor", "strategist", "recruiter",
     "counsel", "attorney", "technician", "supervisor", "trainee", "apprentice", "writer",
     "editor", "researcher", "partner manager", "leader", "generalist", "expert", "team lead",
     "team leader"}
)  # fmt: skip
_MODIFIERS = frozenset(
    {"senior", "junior", "principal", "staff", "lead", "interim", "acting", "deputy", "global",
     "regional", "group", "executive", "associate", "assistant", "chief", "first", "second",
     "area", "country", "national", "international", "corporate", "head", "sr", "jr", "i", "ii",
     "iii", "iv", "v", "1", "2", "3", "4", "5"}
)  # fmt: skip
_REGION = re.compile(
    r"\b(?:emea|apac|amer|americas|latam|dach|nordics|benelux|europe|asia|africa|north america"
    r"|south america|us|usa|uk|eu|global|international|east|west|north|south|central|national)\b"
)


def _is_bare(part: str) -> tuple[bool, str, list[str]]:
    """A bare rank: only modifiers + one core role ('senior manager', 'vp', 'head')."""
    tokens = part.split()
    if not tokens:
        return False, "", []
    for size in (2, 1):
        core = " ".join(tokens[-size:])
        if core in _PREFIX_RANKS or core in _SUFFIX_ROLES:
            mods = tokens[:-size]
            if all(m in _MODIFIERS for m in mods):
                return True, core, mods
    return False, "", []


def _structure(en: str) -> tuple[str, list[str]]:
    """Return (canonical English lower-case title, role parts for seniority)."""
    pieces = _PART_SPLIT.split(en)
    parts = [p.strip() for p in pieces[0::2]]
    seps = pieces[1::2]
    first_role = next((i for i, p in enumerate(parts) if _ROLE_WORD.search(p)), None)
    if first_role is None:
        text = en.strip(" ,-/&()")
        return text, [text]
    head = parts[0]
    for i in range(1, first_role + 1):
        head = head + seps[i - 1].replace("(", " ").replace(")", " ") + parts[i]
    head = _of_form(_SPACES.sub(" ", head).strip(" ,-/&()"))
    roles = [head]
    ranked = [head]
    attached = False
    for j in range(first_role + 1, len(parts)):
        part = parts[j].strip(" ,-/&()")
        if not part:
            continue
        if _ROLE_WORD.search(part):
            ranked.append(part)  # every role counts for seniority ("Controller & Head of X")
            if len(roles) < 2 and (_EXEC_ROLE.search(part) or _EXEC_ROLE.search(roles[0])):
                roles.append(part)
            continue
        if attached or len(roles) > 1 or j != first_role + 1:
            continue
        bare, core, mods = _is_bare(roles[0])
        if not bare or not (_dept_match(part) or _REGION.search(part)):
            continue
        if core in _PREFIX_RANKS:
            roles[0] = f"{roles[0]} of {part}"
        else:
            reordered = " ".join([*mods, part, core])
            same = _part_seniority(reordered) == _part_seniority(roles[0])
            roles[0] = reordered if same else f"{roles[0]}, {part}"
        attached = True
    return " & ".join(roles), ranked


_OF_FORM = re.compile(
    r"^((?:(?:senior|executive|assistant|associate|group|regional|global|area|deputy|interim)\s)*"
    r"(?:vp|svp|evp|avp|head|director))\s(?!of\b|for\b|to\b|and\b|&)(.+)$"
)


def _of_form(head: str) -> str:
    """'vp sales' -> 'vp of sales' when the rest is a known function."""
    match = _OF_FORM.match(head)
    if match is None or _ROLE_WORD.search(match.group(2)) or not _dept_match(match.group(2)):
        return head
    return f"{match.group(1)} of {match.group(2)}"


# ---------------------------------------------------------------------------------------------
# Seniority
# ---------------------------------------------------------------------------------------------

_RANK = {
    Seniority.ENTRY: 0,
    Seniority.INDIVIDUAL_CONTRIBUTOR: 1,
    Seniority.MANAGER: 2,
    Seniority.DIRECTOR: 3,
    Seniority.VP: 4,
    Seniority.C_LEVEL: 5,
    Seniority.OWNER: 6,
}
_S = Seniority
# Checked on the whole title first: these win regardless of the other words.
_SENIORITY_OVERRIDES: tuple[tuple[str, Seniority], ...] = (
    (r"\bassistant to\b|\b(?:executive|personal|administrative|virtual|office|admin|legal"
     r"|medical|dental|sales|marketing|teaching|research) assistant\b", _S.ENTRY),
)  # fmt: skip
# Checked per role part, first match wins; the highest rank over the parts is the answer.
_SENIORITY_RULES: tuple[tuple[str, Seniority], ...] = (
    (r"\bchief of staff\b|\b(?:editor[- ]in[- ]chief|chief editor)\b", _S.DIRECTOR),
    (r"\bchief (?:engineer|architect)\b", _S.DIRECTOR),
    (r"^general counsel\b", _S.C_LEVEL),
    (r"\badvisory board\b|\bboard advis[eo]r\b", _S.INDIVIDUAL_CONTRIBUTOR),
    (r"\bfounder\b|\bco-founder\b|\bfounding partner\b|\bproprietor\b|\bself-employed\b"
     r"|\bentrepreneur\b|\bco-owner\b"
     r"|\b(?:managing|general|equity|senior|name|founding) partner\b", _S.OWNER),
    (r"(?<!product )(?<!process )(?<!service )(?<!data )(?<!system )(?<!content )"
     r"(?<!platform )(?<!risk )(?<!control )(?<!technical )(?<!application )(?<!feature )"
     r"(?<!project )(?<!budget )(?<!program )(?<!solution )(?<!account )\bowner\b", _S.OWNER),
    (r"\bassociate partner\b", _S.DIRECTOR),
    (r"(?<!business )(?<!channel )(?<!alliance )(?<!strategic )(?<!hr )(?<!people )"
     r"(?<!finance )(?<!solutions )(?<!technology )(?<!implementation )(?<!success )"
     r"(?<!sales )(?<!client )(?<!account )(?<!talent )(?<!learning )\bpartner\b"
     r"(?! (?:manager|management|marketing|success|development|sales|engineer|engineering"
     r"|operations|programs?|relations|enablement|specialist|lead|director|account|ecosystem"
     r"|executive|solutions|integration|channel|network|support|onboarding|alliances"
     r"|associate|coordinator|experience|strategy))", _S.OWNER),
    (r"\b(?:ceo|cto|cfo|coo|cmo|cro|cio|ciso|cpo|cso|cdo|cco|chro|cbo|cao|clo|cxo|cpto|cgo"
     r"|cno|cko|cdao|caio|cbdo|cio)\b", _S.C_LEVEL),
    (r"\bchief\b", _S.C_LEVEL),
    (r"(?<!vice )(?<!vice-)(?<!assistant )(?<!associate )\bpresident\b", _S.C_LEVEL),
    (r"\bmanaging director\b|\bchairman\b|\bchairwoman\b|\bchairperson\b|\bchair\b"
     r"|\bboard member\b|\bmember of the (?:executive )?board\b|\bboard of directors\b"
     r"|\bboard director\b|\bnon-executive director\b|\bexecutive board\b"
     r"|\bsupervisory board\b|^executive director$|\bdeputy ceo\b", _S.C_LEVEL),
    (r"\b(?:vp|svp|evp|avp)\b|\bvice president\b", _S.VP),
    (r"\bassistant general manager\b", _S.MANAGER),
    (r"\bdirector\b|\bdirectors\b|\bauthorized officer\b|^principal$|\bgeneral manager\b"
     r"|\bhead\b(?! (?:chef|coach|teacher|nurse|cook|waiter|bartender|cashier|gardener"
     r"|lifeguard|mechanic|barista|custodian|housekeeper|of school|of year|start))", _S.DIRECTOR),
    (r"\b(?:intern|interns|internship|trainee|apprentice|apprenticeship|working student"
     r"|junior|entry[- ]level|fresher|receptionist|phd student|cadet|werkstudent)\b"
     r"|\bgraduate(?! (?:recruit|program(?:me)? manager))\b"
     r"|\bstudent\b(?! (?:success|affairs|services|recruit\w*|advis\w*|counsel\w*|support))"
     r"|\bassistant\b(?!(?: \w+){0,2} (?:manager|director|vp|superintendent|principal"
     r"|professor|general counsel|counsel|controller|treasurer))"
     r"|^secretary$|\b(?:legal|medical|school|office) secretary\b", _S.ENTRY),
    (r"(?<!senior )\bassociate\b(?! (?:director|vp|vice|professor|partner|general counsel"
     r"|counsel|attorney|lawyer|dean|principal|manager|creative director|editor))"
     r"|\bcoordinator\b", _S.ENTRY),
    (r"\bgroup product manager\b", _S.MANAGER),
    (r"\b(?:account|accounts|product|customer success|client success|success|relationship"
     r"|territory|key account|technical account|partner|partners|partnerships?|channel partner"
     r"|partner development|community|social media|project|program|programme|client"
     r"|channel account|strategic account|enterprise account|global account|national account"
     r"|regional account|case) manager\b", _S.INDIVIDUAL_CONTRIBUTOR),
    (r"\bmanagers?\b|\bsupervisor\b|\bforeman\b|\bsuperintendent\b|\bteam lead(?:er)?\b"
     r"|\bmanaging editor\b|\b(?!lead\b)\w+ lead(?:er)?$|\bteam manager\b", _S.MANAGER),
)  # fmt: skip
_SENIORITY_OVERRIDE_RX = tuple((re.compile(p), s) for p, s in _SENIORITY_OVERRIDES)
_SENIORITY_RX = tuple((re.compile(p), s) for p, s in _SENIORITY_RULES)
_TO_RANK = re.compile(r"\s+(?:to|for|office of)(?: the)? .*$")


def _part_seniority(part: str) -> Seniority | None:
    part = _TO_RANK.sub("", part)
    for rx, seniority in _SENIORITY_RX:
        if rx.search(part):
            return seniority
    return None


def _seniority(primary: str, roles: list[str]) -> Seniority:
    for rx, seniority in _SENIORITY_OVERRIDE_RX:
        if rx.search(primary):
            return seniority
    best: Seniority | None = None
    for role in roles:
        for piece in _PART_SPLIT.split(role)[0::2]:
            found = _part_seniority(piece.strip())
            if found is not None and (best is None or _RANK[found] > _RANK[best]):
                best = found
    return best or Seniority.INDIVIDUAL_CONTRIBUTOR


# ---------------------------------------------------------------------------------------------
# Department
# ---------------------------------------------------------------------------------------------

# Functional keywords per department, in data/titles_departments.json. The leftmost match in
# the title wins; at the same position the pattern with more words wins (_compile_departments).
_DEPARTMENT_KEYWORDS: dict[Department, tuple[str, ...]] = {
    Department(name): tuple(patterns)
    for name, patterns in _load("titles_departments.json")["departments"].items()
}
# General executive words, used only when no functional keyword matched.
_EXECUTIVE_KEYWORDS = re.compile(
    r"\b(?:ceo|chief executive officer|founder|co-founder|owner|co-owner|president|chairman"
    r"|chairwoman|chairperson|chair|managing director|general manager|chief of staff|board"
    r"|partner|managing partner|entrepreneur|self-employed|proprietor|executive director|executive"
    r"|director|principal|vp|svp|evp|chief|authorized officer|cxo|cso|cco|cbo|deputy ceo"
    r"|head)\b"
)


def _compile_departments() -> tuple[re.Pattern[str], dict[str, Department]]:
    entries: list[tuple[int, int, str, Department]] = []
    for rank, (dept, patterns) in enumerate(_DEPARTMENT_KEYWORDS.items()):
        for pattern in patterns:
            words = pattern.count(" ") + pattern.count("-") + pattern.count("&")
            entries.append((-words, rank, pattern, dept))
    entries.sort(key=lambda e: (e[0], e[1]))
    groups: dict[str, Department] = {}
    # Bucket by first letter so the engine tries only the patterns that can start here; patterns
    # that open with a group go first (they are the multi-word, specific ones).
    other: list[str] = []
    buckets: dict[str, list[str]] = {}
    for i, (_, _, pattern, dept) in enumerate(entries):
        name = f"k{i}"
        groups[name] = dept
        first, rest = pattern[:1], pattern[1:]
        if first.isalnum() and not rest.startswith(("?", "*", "+", "{")):
            buckets.setdefault(first, []).append(f"(?P<{name}>{rest})")
        else:
            other.append(f"(?P<{name}>{pattern})")
    alternatives = other + [
        f"{re.escape(first)}(?:{'|'.join(alts)})" for first, alts in buckets.items()
    ]
    # The word-start check sits outside the alternation so most positions fail at once.
    return re.compile(f"(?<![\\w&.-])(?:{'|'.join(alternatives)})(?![\\w&-])"), groups


_DEPARTMENT_RX, _DEPARTMENT_GROUPS = _compile_departments()


def _dept_match(text: str) -> Department | None:
    match = _DEPARTMENT_RX.search(text)
    if match is None or match.lastgroup is None:
        return None
    return _DEPARTMENT_GROUPS[match.lastgroup]


def _department(primary: str, whole: str) -> Department:
    found = _dept_match(primary)
    if found is not None:
        return found
    if _EXECUTIVE_KEYWORDS.search(primary):
        return Department.EXECUTIVE
    found = _dept_match(whole)
    if found is not None:
        return found
    return Department.OTHER


# ---------------------------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------------------------

_ROMAN = re.compile(r"^(?:i{1,3}|iv|vi{0,3}|ix|x)$")


def _display_word(word: str, first: bool, acronyms: frozenset[str]) -> str:
    if word in _SPECIAL_CASE:
        return _SPECIAL_CASE[word]
    if word in _ACRONYMS or word in acronyms or _ROMAN.match(word):
        return word.upper()
    if word in _SMALL_WORDS and not first:
        return word
    if "/" in word and len(word) > 1:
        return "/".join(_display_word(w, True, acronyms) if w else w for w in word.split("/"))
    if "-" in word and len(word) > 1:
        return "-".join(_display_word(w, True, acronyms) if w else w for w in word.split("-"))
    if any(ch.isdigit() for ch in word):
        return word.upper()
    return word[:1].upper() + word[1:]


def _display(text: str, acronyms: frozenset[str]) -> str:
    words = text.split(" ")
    out = [_display_word(w, i == 0, acronyms) for i, w in enumerate(words) if w]
    return " ".join(out)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def _clean(raw: str) -> tuple[str, frozenset[str]]:
    text = unicodedata.normalize("NFKC", raw)[:_MAX_LENGTH]
    text = _GENDER.sub("", text)
    text = _strip_symbols(text)
    acronyms: frozenset[str] = frozenset()
    if any(ch.islower() for ch in text):
        acronyms = frozenset(m.lower() for m in _RAW_ACRONYM.findall(text))
    return _SPACES.sub(" ", text).strip(), acronyms


def _english(raw: str) -> tuple[str, frozenset[str]] | None:
    if _fold(raw).strip(" .#") in _GARBAGE:
        return None
    text, acronyms = _clean(raw)
    if not any(ch.isalpha() for ch in text):
        return None
    segments = [_COMPANY.sub("", s).strip(" ,-") for s in _STRONG_SPLIT.split(text)]
    english = [_to_english(s) for s in segments if s]
    english = [e for e in english if e]
    if not english:
        return None
    chosen = next((e for e in english if _ROLE_WORD.search(e)), english[0])
    if chosen in _GARBAGE or not any(ch.isalpha() for ch in chosen):
        return None
    return chosen, acronyms


@lru_cache(maxsize=65536)
def parse_title(raw: str | None) -> TitleInfo:
    """Canonical English title, seniority and department; all None for blank or garbage."""
    if raw is None or not raw.strip():
        return _EMPTY
    english = _english(raw)
    if english is None:
        return _EMPTY
    en, acronyms = english
    primary, roles = _structure(en)
    if not primary:
        return _EMPTY
    return TitleInfo(
        title=_display(primary, acronyms),
        seniority=_seniority(primary, roles),
        department=_department(primary, en),
    )


def normalize_title(raw: str) -> str | None:
    """Canonical English title ('Sr. SWE' -> 'Senior Software Engineer'), or None."""
    return parse_title(raw).title


def classify_seniority(raw_or_canonical_title: str) -> Seniority | None:
    return parse_title(raw_or_canonical_title).seniority


def classify_department(raw_or_canonical_title: str) -> Department | None:
    return parse_title(raw_or_canonical_title).department
