"""A deterministic synthetic corpus in the seed text format, built from the seeds.

    python benchmarks/generate.py 1000             # -> benchmarks/corpus/1000/
    python benchmarks/generate.py 10000 --seed 7   # another, equally deterministic, corpus
    python benchmarks/generate.py 40000 --force    # write again even if the manifest matches

Every article is a bilateral "X–Mongolia relations" article: a title line, an
Infobox (parties, envoys, missions), a lead, `==` sections with some `===`
subsections, about 50 paragraphs, a pipe visits table `| Date | Person | Office |
Location |` and a See also list. The material is the seeds' own: their headings
and their sentences, recombined into new paragraphs and re-parameterised: the
partner country is a pycountry name, years move by an offset chosen per
article, money amounts get new values, and some sentences name one more country.

Each article draws from its own random.Random seeded by (seed, article number),
so the corpus is the same on every run and on any number of processes. A
manifest (MANIFEST.json, not a .txt, so the ingest ignores it) records what was
written; a folder whose manifest matches is left alone.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.document import ListBlock, Paragraph, Table
from ingest.parse_text import parse_text

SEEDS = ROOT / "seeds"
CORPUS = ROOT / "benchmarks" / "corpus"
VERSION = 1  # bump when the output for a given (n, seed) changes
PARAGRAPHS = (35, 65)  # paragraphs per article: uniform, mean 50 (10k articles ~ 500k)

# How the seeds name their partner (China, Kazakhstan, the United States): replaced
# by the synthetic partner's name. Longest first, so "United States" beats "States".
PARTNER_FORMS = re.compile(
    r"\b(?:People's Republic of China|PRC|United States|US|China|Chinese|Kazakhstan|Kazakhs?"
    r"|Americans?)\b|\bU\.S\.(?=\s)"
)
YEAR = re.compile(r"\b(1[6-9]\d\d|20[0-2]\d)(s?)\b")
MONEY = re.compile(
    r"(?:US\$\s?|\$)\d[\d,.]*(?:\s(?:million|billion))?|\d[\d,.]*\s(?:million|billion)\s(?:USD|US dollars)"
)
# A sentence ends at . ! or ? before a capital, but not after an initial or "U.S.".
SENTENCE_END = re.compile(
    r"(?<!\b[A-Z]\.)(?<![A-Z]\.[A-Z]\.)(?<!\b(?:Mr|Dr|St)\.)(?<=[.!?])\s+(?=[A-Z])"
)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
MONGOLIAN_GIVEN = (
    "Batbayar", "Tsakhiagiin", "Nambaryn", "Ukhnaagiin", "Khaltmaagiin", "Punsalmaagiin",
    "Natsagiin", "Luvsannamsrain", "Dashiin", "Batmunkh", "Jambyn", "Sukhbaataryn", "Gombojavyn",
    "Tserendorjiin",
)  # fmt: skip
MONGOLIAN_NAMES = (
    "Elbegdorj", "Enkhbayar", "Khürelsükh", "Battulga", "Ochirbat", "Bagabandi", "Oyun-Erdene",
    "Byambasüren", "Battsetseg", "Batmönkh", "Ulziidelger", "Tuvshin", "Badral", "Zandanshatar",
    "Altankhuyag", "Erdenebat",
)  # fmt: skip
FOREIGN_GIVEN = (
    "Anna", "Maria", "Jean", "Carlos", "Akira", "Sofia", "Lukas", "Amina", "Ravi", "Elena",
    "Tomas", "Ingrid", "Omar", "Lea", "Kwame", "Hiroshi", "Nadia", "Pablo", "Mateus", "Yusuf",
    "Olga", "Henrik", "Chloe", "Arjun", "Fatima",
)  # fmt: skip
FOREIGN_FAMILY = (
    "Silva", "Novak", "Tanaka", "Okafor", "Schmidt", "Rossi", "Haddad", "Kowalski", "Dubois",
    "Nakamura", "Petrov", "Larsen", "Moreau", "Mensah", "Kaur", "Fischer", "Horvat", "Costa",
    "Lindqvist", "Suzuki", "Mwangi", "Ortega", "Bauer", "Yilmaz",
)  # fmt: skip
MONGOLIAN_OFFICES = (
    "President of Mongolia",
    "Prime Minister of Mongolia",
    "Minister of Foreign Affairs of Mongolia",
    "Chairman of the State Great Khural",
)
PARTNER_OFFICES = (
    "President of {x}",
    "Prime Minister of {x}",
    "Minister of Foreign Affairs of {x}",
    "Speaker of the Parliament of {x}",
)
EXTRA_HEADINGS = (
    "Trade and investment",
    "Education and culture",
    "Mining and energy",
    "Development assistance",
    "Defense cooperation",
    "Tourism",
    "Diaspora",
    "Agreements",
    "Transport and transit",
    "Humanitarian aid",
)
SUBHEADINGS = ("Early contacts", "Modern era", "Recent developments", "Agriculture", "Health")


def partner_countries():
    """(code, name) of every pycountry country except Mongolia, plain names only."""
    out = []
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        if country.alpha_3 == "MNG" or "," in name or "(" in name:
            continue
        out.append((country.alpha_3, name))
    return sorted(out)


def seed_material():
    """Sentences, headings and See also items of the seeds, in a fixed order."""
    sentences, headings, see_also = [], [], []
    for path in sorted(SEEDS.glob("*.txt")):
        doc = parse_text(path.read_text(encoding="utf-8"), path.name)
        for section in doc.sections:
            if section.heading.lower() not in ("see also", "high level visits"):
                headings.append((section.level, section.heading))
        for _, block in doc.all_blocks():
            if isinstance(block, Paragraph):
                for sentence in SENTENCE_END.split(block.text):
                    if len(sentence) >= 40 and sentence[0].isupper():
                        sentences.append(sentence)
            elif isinstance(block, ListBlock):
                see_also.extend(item for item in block.items if "relations" not in item)
            elif isinstance(block, Table):
                pass  # visits tables are generated, with the seeds' header
    top = sorted({h for level, h in headings if level == 2} | set(EXTRA_HEADINGS))
    sub = sorted({h for level, h in headings if level > 2} | set(SUBHEADINGS))
    return sentences, top, sub, sorted(set(see_also))


class Generator:
    def __init__(self, seed):
        self.seed = seed
        self.countries = partner_countries()
        self.sentences, self.headings, self.subheadings, self.see_also = seed_material()

    def money(self, rng):
        value = rng.choice([rng.uniform(0.1, 999), rng.randint(10, 999) * 1000])
        if value < 1000:
            return f"US${value:.1f} {rng.choice(['million', 'million', 'billion'])}"
        return f"${value:,.0f}"

    def sentence(self, rng, partner, offset, others):
        text = rng.choice(self.sentences)

        def year(match):
            value = min(int(match.group(1)) + offset, 2025)
            if match.group(2):  # a decade moves by whole decades
                return f"{value // 10 * 10}s"
            return str(value)

        text = PARTNER_FORMS.sub(partner, text)
        text = YEAR.sub(year, text)
        text = MONEY.sub(lambda m: self.money(rng), text)
        if text.endswith(".") and rng.random() < 0.25:
            other = rng.choice(others)[1]
            text = f"{text[:-1]}, according to officials from {other}{text[-1]}"
        return text

    def paragraph(self, rng, partner, offset, others):
        count = rng.choice((1, 2, 2, 3, 3, 3, 4, 5))
        return " ".join(self.sentence(rng, partner, offset, others) for _ in range(count))

    def person(self, rng, mongolian):
        if mongolian:
            return f"{rng.choice(MONGOLIAN_GIVEN)} {rng.choice(MONGOLIAN_NAMES)}"
        return f"{rng.choice(FOREIGN_GIVEN)} {rng.choice(FOREIGN_FAMILY)}"

    def visit_date(self, rng, year):
        month = rng.randrange(12)
        style = rng.random()
        if style < 0.3:
            return f"{MONTHS[month]} {year}"
        day = rng.randint(1, 25)
        if style < 0.7:
            return f"{MONTHS[month]} {day}, {year}"
        return f"{MONTHS[month]} {day} – {day + rng.randint(1, 3)}, {year}"

    def visits_table(self, rng, partner):
        rows = ["| Date | Person | Office | Location |"]
        years = sorted(rng.randint(1950, 2025) for _ in range(rng.randint(3, 16)))
        for year in years:
            mongolian = rng.random() < 0.5
            office = (
                rng.choice(MONGOLIAN_OFFICES)
                if mongolian
                else rng.choice(PARTNER_OFFICES).format(x=partner)
            )
            location = partner if mongolian else "Ulaanbaatar"
            person = self.person(rng, mongolian)
            rows.append(f"| {self.visit_date(rng, year)} | {person} | {office} | {location} |")
        return rows

    def article(self, index):
        """(file name, text) of article number index (0-based)."""
        rng = random.Random(f"{self.seed}:{index}")
        code, partner = rng.choice(self.countries)
        others = [c for c in self.countries if c[0] != code]
        offset = rng.randint(-30, 5)
        title = (
            f"{partner}–Mongolia relations"
            if partner < "Mongolia"
            else f"Mongolia–{partner} relations"
        )
        established = rng.randint(1950, 2010)
        lines = [
            f"= {title} =",
            "",
            "Infobox",
            f"- Title: {title}",
            f"- Party1: {partner}",
            "- Party2: Mongolia",
            "- Envoytitle1: Ambassador",
            f"- Envoy1: {self.person(rng, True)}",
            "- Envoytitle2: Ambassador",
            f"- Envoy2: {self.person(rng, False)}",
            f"- Mission1: Embassy of Mongolia in {partner}",
            f"- Mission2: Embassy of {partner}, Ulaanbaatar",
            "",
            (
                f"{title} refer to the bilateral relations between {partner} and Mongolia. "
                f"The two countries established diplomatic relations on "
                f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {established}."
            ),
            "",
        ]
        paragraphs = rng.randint(*PARAGRAPHS) - 1
        lead = rng.randint(1, 3)
        for _ in range(lead):
            lines += [self.paragraph(rng, partner, offset, others), ""]
        paragraphs -= lead
        sections = rng.sample(self.headings, rng.randint(5, 9))
        visits_at = rng.randrange(len(sections))
        for number, heading in enumerate(sections):
            share = paragraphs // (len(sections) - number)
            paragraphs -= share
            lines += [f"== {heading} ==", ""]
            subsection = share >= 4 and rng.random() < 0.4
            for i in range(share):
                if subsection and i == share // 2:
                    lines += [f"=== {rng.choice(self.subheadings)} ===", ""]
                lines += [self.paragraph(rng, partner, offset, others), ""]
            if number == visits_at:
                lines += ["=== High-level visits ===", ""]
                lines += self.visits_table(rng, partner) + [""]
        lines += ["== See also ==", ""]
        lines += [f"- Foreign relations of {partner}", "- Foreign relations of Mongolia"]
        lines += [
            f"- {name}–Mongolia relations" for _, name in rng.sample(others, rng.randint(1, 3))
        ]
        lines += [f"- {item}" for item in rng.sample(self.see_also, rng.randint(0, 3))]
        slug = re.sub(r"[^a-z0-9]+", "-", partner.lower()).strip("-")
        return f"{index:06d}_{slug}.txt", "\n".join(lines) + "\n"


_generator = None


def _init(seed):
    global _generator
    _generator = Generator(seed)


def _write_range(args):
    folder, start, stop = args
    size = 0
    for index in range(start, stop):
        name, text = _generator.article(index)
        data = text.encode("utf-8")
        (Path(folder) / name).write_bytes(data)
        size += len(data)
    return size


def fingerprint():
    """Changes when this script or the seeds change: part of the manifest."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(SEEDS.glob("*.txt")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def generate(n, seed=1, folder=None, force=False, processes=None):
    """Write n articles into folder (default benchmarks/corpus/<n>); returns the folder."""
    folder = Path(folder or CORPUS / str(n))
    manifest = {"articles": n, "seed": seed, "version": VERSION, "fingerprint": fingerprint()}
    manifest_path = folder / "MANIFEST.json"
    if (
        not force
        and manifest_path.exists()
        and json.loads(manifest_path.read_text())["inputs"] == manifest
    ):
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    chunk = 500
    jobs = [(str(folder), i, min(i + chunk, n)) for i in range(0, n, chunk)]
    processes = processes or min(os.cpu_count() or 1, 4)
    with Pool(processes, initializer=_init, initargs=(seed,)) as pool:
        size = sum(pool.map(_write_range, jobs))
    manifest_path.write_text(
        json.dumps(
            {
                "inputs": manifest,
                "bytes": size,
                "seconds": round(time.perf_counter() - started, 2),
            },
            indent=2,
        )
    )
    return folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=int, help="how many articles (e.g. 1000, 10000, 40000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="folder (default benchmarks/corpus/<articles>)")
    parser.add_argument("--force", action="store_true", help="write even if the manifest matches")
    args = parser.parse_args()
    started = time.perf_counter()
    folder = generate(args.articles, args.seed, args.out, args.force)
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    print(
        f"{folder}: {args.articles} articles, {manifest['bytes'] / 1e6:.1f} MB "
        f"({time.perf_counter() - started:.1f}s)"
    )


if __name__ == "__main__":
    main()
