"""Question generation, solution strategies and the character vocabulary.

Question family (fixed contract): a start number 1-99 followed by exactly three
additions or subtractions of numbers 1-99, every left-to-right running value
non-negative, e.g. ``54+39-25+73``.

Every strategy is written as three steps ``<value><op><NN>=<value>;`` where a
running value is always signed and three digits wide (``+093``, ``-012``,
``+000``) and an operand is two digits wide (``+39``, ``-05``), followed by the
final answer ``#<answer>`` (plain integer) and the end-of-sequence token.
The strategies differ only in the order in which the four terms are combined,
so each one computes different intermediate sums.
"""
import random

PAD = "<pad>"
EOS = "<eos>"

# Prompt: the question first, the strategy tag after it, so that all strategies
# share the prompt prefix "Q:{question}=?\n".
PROMPT_FORMAT = "Q:{question}=?\n{strategy}:"

# Each strategy combines the four terms (the start number s and the signed operations a, b, c, in the
# order written) in its own order; "order" lists the terms by index (0 = s, 1 = a, 2 = b, 3 = c).
# Nine orders were picked so that the strategies share as few steps and partial sums as possible.
STRATEGIES = [
    {"tag": "L", "name": "forward", "order": [0, 1, 2, 3],
     "description": "Left to right: the start number, then the three operations in the order written."},
    {"tag": "B", "name": "backward", "order": [0, 3, 2, 1],
     "description": "The start number, then the three operations from the last one back to the first."},
    {"tag": "M", "name": "operations-first", "order": [1, 2, 3, 0],
     "description": "Combine the three operations left to right into a signed total, then add the start number last."},
    {"tag": "C", "name": "c-a-s-b", "order": [3, 1, 0, 2],
     "description": "The last operation, then the first, then the start number, then the middle operation."},
    {"tag": "D", "name": "b-s-c-a", "order": [2, 0, 3, 1],
     "description": "The middle operation, then the start number, then the last operation, then the first."},
    {"tag": "E", "name": "b-c-a-s", "order": [2, 3, 1, 0],
     "description": "The middle operation, then the last, then the first, then the start number."},
    {"tag": "F", "name": "a-s-c-b", "order": [1, 0, 3, 2],
     "description": "The first operation, then the start number, then the last operation, then the middle one."},
    {"tag": "G", "name": "s-b-a-c", "order": [0, 2, 1, 3],
     "description": "The start number, then the middle operation, then the first, then the last."},
    {"tag": "H", "name": "a-c-b-s", "order": [1, 3, 2, 0],
     "description": "The first operation, then the last, then the middle one, then the start number."},
]
TAGS = [s["tag"] for s in STRATEGIES]
ORDERS = {s["tag"]: s["order"] for s in STRATEGIES}
# Training examples per strategy, relative: forward never goes negative and is the easiest, so the
# others get 3 examples for every 2 of it, so that no strategy dominates a team's vote.
TAG_WEIGHTS = {t: (2 if t == "L" else 3) for t in TAGS}

CHARS = list("0123456789+-=?:;#\nQ") + TAGS
VOCAB = {PAD: 0, EOS: 1}
for _c in CHARS:
    VOCAB[_c] = len(VOCAB)
ITOS = {i: c for c, i in VOCAB.items()}
PAD_ID = VOCAB[PAD]
EOS_ID = VOCAB[EOS]
MAX_CONTEXT = 64


def random_question(rng):
    """Returns (start, [(sign, operand)] * 3) with all running values >= 0."""
    start = rng.randint(1, 99)
    value = start
    ops = []
    while len(ops) < 3:
        sign = rng.choice("+-")
        n = rng.randint(1, 99)
        nv = value + n if sign == "+" else value - n
        if nv < 0:
            continue
        ops.append((sign, n))
        value = nv
    return start, ops


# Strata of the family. A uniform draw of four terms almost never makes every term small (about 7 in 100,000
# questions have all four below 10) or the answer very large, so the model never learned those corners of
# its own family; training and validation mix these strata in, and the stratified held-out set reports them.
STRATA = {
    "uniform": "every term 1-99, the family's uniform draw",
    "small": "every term below 10",
    "mixed": "at least one term below 10 and at least one of 10 or more",
    "large": "every term above 50",
    "low-result": "the answer is below 10",
    "high-result": "the answer is above 250",
}
# How a training example's stratum is drawn (relative weights).
TRAIN_STRATA = {"uniform": 50, "small": 10, "mixed": 15, "large": 8, "low-result": 9, "high-result": 8}


def _draw(rng, term, plus=0.5):
    """A question whose terms come from term(rng), with each operation + with probability plus."""
    start = term(rng)
    value = start
    ops = []
    while len(ops) < 3:
        sign = "+" if rng.random() < plus else "-"
        n = term(rng)
        nv = value + n if sign == "+" else value - n
        if nv < 0:
            continue
        ops.append((sign, n))
        value = nv
    return start, ops


def _terms(q):
    start, ops = q
    return [start] + [n for _, n in ops]


def question_in(stratum, rng):
    """A random question of the given stratum (see STRATA)."""
    if stratum == "uniform":
        return random_question(rng)
    if stratum == "small":
        return _draw(rng, lambda r: r.randint(1, 9))
    if stratum == "mixed":
        while True:
            q = _draw(rng, lambda r: r.randint(1, 9) if r.random() < 0.5 else r.randint(10, 99))
            terms = _terms(q)
            if min(terms) < 10 <= max(terms):
                return q
    if stratum == "large":
        return _draw(rng, lambda r: r.randint(51, 99))
    if stratum == "low-result":
        while True:
            q = _draw(rng, lambda r: r.randint(1, 9) if r.random() < 0.3 else r.randint(10, 99))
            if answer(q) < 10:
                return q
    if stratum == "high-result":
        while True:
            q = _draw(rng, lambda r: r.randint(30, 99), plus=0.85)
            if answer(q) > 250:
                return q
    raise ValueError("unknown stratum " + stratum)


def stratum_of(q):
    """The report strata a question belongs to (a question may be in several, or only in uniform)."""
    terms = _terms(q)
    a = answer(q)
    out = []
    if max(terms) < 10:
        out.append("small")
    elif min(terms) < 10:
        out.append("mixed")
    if min(terms) > 50:
        out.append("large")
    if a < 10:
        out.append("low-result")
    if a > 250:
        out.append("high-result")
    return out


def training_question(rng):
    """A training question: a stratum drawn with TRAIN_STRATA, then a question of it."""
    stratum = rng.choices(list(TRAIN_STRATA), weights=list(TRAIN_STRATA.values()))[0]
    return question_in(stratum, rng)


def stratified_set(seed, per_stratum, strata, exclude=()):
    """per_stratum distinct questions of each stratum, seeded, none in exclude."""
    rng = random.Random(seed)
    seen = set(exclude)
    out = []
    for stratum in strata:
        count = 0
        while count < per_stratum:
            t = question_text(question_in(stratum, rng))
            if t in seen:
                continue
            seen.add(t)
            out.append(t)
            count += 1
    return out


def question_text(q):
    start, ops = q
    return str(start) + "".join(f"{s}{n}" for s, n in ops)


def parse_question(text):
    import re
    parts = re.findall(r"[+-]?\d+", text)
    start = int(parts[0])
    ops = [(p[0], int(p[1:])) for p in parts[1:]]
    return start, ops


def answer(q):
    start, ops = q
    v = start
    for s, n in ops:
        v = v + n if s == "+" else v - n
    return v


def _v(x):
    return f"{x:+04d}"  # sign + three digits


def _steps(first, terms):
    """first: signed int written as a value; terms: list of (sign, n)."""
    out = []
    v = first
    for s, n in terms:
        nv = v + n if s == "+" else v - n
        out.append(f"{_v(v)}{s}{n:02d}={_v(nv)};")
        v = nv
    return "".join(out), v


def solution(q, tag):
    start, ops = q
    terms = [("+", start)] + list(ops)
    order = ORDERS[tag]
    sign, n = terms[order[0]]
    body, v = _steps(n if sign == "+" else -n, [terms[i] for i in order[1:]])
    assert v == answer(q)
    return body + f"#{v}"


def prompt(q_text, tag):
    return PROMPT_FORMAT.format(question=q_text, strategy=tag)


def encode(text):
    return [VOCAB[c] for c in text]


def decode(ids):
    out = []
    for i in ids:
        if i == EOS_ID:
            break
        if i == PAD_ID:
            continue
        out.append(ITOS[i])
    return "".join(out)


def extract_answer(completion):
    """Final answer after '#', or None when the chain has none."""
    if "#" not in completion:
        return None
    tail = completion.rsplit("#", 1)[1].strip()
    return tail if tail.isdigit() else None


def question_set(seed, count, exclude=()):
    rng = random.Random(seed)
    seen = set(exclude)
    out = []
    while len(out) < count:
        t = question_text(random_question(rng))
        if t in seen:
            continue
        seen.add(t)
        out.append(t)
    return out
