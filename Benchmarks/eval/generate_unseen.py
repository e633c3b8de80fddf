#!/usr/bin/env python3
"""Generates a second labelled corpus that PromptGate's rules were not written next to: structured text (CSV with and
without a header, TSV, pipe tables, JSON records, log lines, e-mail signatures, forms, .env and config files, SQL
inserts, code) in ten Faker locales, plus prose from the template generator of presidio-evaluator (MIT) when it is
installed. It shares no code and no templates with generate_corpus.py; rule authors do not read this file's templates
to write rules.

Planted look-alikes are recorded as negatives in each document's "lookalikes" (numbers that fail their check digit,
four-part version and build numbers, order and ticket numbers, dates with no birth context, a street corner), so
score.py can report the share of them an engine flags.

    python Benchmarks/eval/generate_unseen.py --seed 11 --per-locale 40 > unseen-open.jsonl
    PROMPTGATE_SEALED_SEED=... python Benchmarks/eval/generate_unseen.py --sealed --out /tmp/x.jsonl

--sealed reads the seed from PROMPTGATE_SEALED_SEED, or draws one at random; it never prints the seed, and the corpus
should only ever be written outside the repository. Each line: {"id", "locale", "kind", "text", "entities": [{"type",
"start", "end"}], "lookalikes": [{"kind", "start", "end"}], "ignore": [{"start", "end"}]} (UTF-8 byte offsets, end
exclusive; "ignore" spans are text of a kind no engine is scored on, such as organisation names in the templates).
"""
import argparse
import datetime
import json
import os
import random
import secrets
import string
import sys

from faker import Faker

LOCALES = ["en_US", "en_GB", "en_CA", "de_DE", "nl_NL", "fr_FR", "es_ES", "it_IT", "pl_PL", "pt_BR"]


class Text:
    """A document built piece by piece, with labelled spans in UTF-8 bytes."""

    def __init__(self):
        self.pieces, self.entities, self.lookalikes, self.ignore, self.size = [], [], [], [], 0

    def put(self, text, label=None, lookalike=None):
        data = text.encode("utf-8")
        if label:
            self.entities.append({"type": label, "start": self.size, "end": self.size + len(data)})
        if lookalike:
            self.lookalikes.append({"kind": lookalike, "start": self.size, "end": self.size + len(data)})
        self.pieces.append(text)
        self.size += len(data)
        return self

    def value(self, cell, quote=None):
        """Writes a Cell (text, label, lookalike), escaped for the format; the label covers the escaped text."""
        text = cell.text
        if quote == "json":
            text = json.dumps(text, ensure_ascii=False)[1:-1]
        elif quote == "sql":
            text = text.replace("'", "''")
        elif quote == "csv" and ('"' in text):
            text = text.replace('"', '""')
        return self.put(text, cell.label, cell.lookalike)

    def text(self):
        return "".join(self.pieces)


class Cell:
    def __init__(self, text, label=None, lookalike=None):
        self.text, self.label, self.lookalike = str(text), label, lookalike


# ---- identifiers with their check digits (written for this file; generate_corpus.py has its own) -----------------

def digits(rng, n):
    return [rng.randrange(10) for _ in range(n)]


def luhn_digit(body):
    total = 0
    for i, d in enumerate(reversed(body)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def nhs(rng, valid=True):
    while True:
        body = digits(rng, 9)
        check = (11 - sum(d * (10 - i) for i, d in enumerate(body)) % 11) % 11
        if check == 10:
            continue
        if not valid:
            check = (check + rng.randint(1, 9)) % 10
        s = "".join(map(str, body + [check]))
        return rng.choice([s, f"{s[:3]} {s[3:6]} {s[6:]}"])


def nino(rng):
    """A National Insurance number HMRC could issue: its prefix rules (no D, F, I, Q, U, V first; no D, F, I, O, Q, U,
    V second; never BG, GB, KN, NK, NT, TN, ZZ) and a suffix A-D. Faker's en_GB ssn() always writes the ZZ prefix,
    which HMRC reserves for examples and never issues: those are planted look-alikes here, not labels."""
    while True:
        prefix = rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
        if prefix not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            break
    body = "".join(map(str, digits(rng, 6)))
    suffix = rng.choice("ABCD")
    return rng.choice([f"{prefix}{body}{suffix}", f"{prefix} {body[:2]} {body[2:4]} {body[4:]} {suffix}"])


def steuer_id(rng):
    while True:
        body = [rng.randint(1, 9)] + digits(rng, 9)
        counts = sorted((body.count(d) for d in set(body)), reverse=True)
        if counts[0] not in (2, 3) or counts[1] > 1:
            continue
        product = 10
        for d in body:
            total = (d + product) % 10 or 10
            product = total * 2 % 11
        return "".join(map(str, body + [(11 - product) % 10]))


def bsn_failing(rng):
    while True:
        d = [rng.randint(1, 9)] + digits(rng, 8)
        if (sum(x * w for x, w in zip(d, [9, 8, 7, 6, 5, 4, 3, 2, -1]))) % 11:
            return "".join(map(str, d))


def card_failing(rng):
    body = [5] + digits(rng, 14)
    return "".join(map(str, body + [(luhn_digit(body) + rng.randint(1, 9)) % 10]))


def iban_failing(fake):
    iban = fake.iban()
    check = int(iban[2:4])
    return iban[:2] + "%02d" % ((check + 37) % 97 or 3) + iban[4:]


def us_licence(rng):
    letter = rng.choice(string.ascii_uppercase)
    return rng.choice([
        letter + "".join(map(str, digits(rng, 7))),                              # California
        "".join(map(str, digits(rng, 9))),                                       # New York
        "%s%03d-%04d-%04d" % (letter, rng.randrange(1000), rng.randrange(10000), rng.randrange(10000)),  # Illinois
        "%s%03d-%03d-%02d-%03d-%d" % (letter, rng.randrange(1000), rng.randrange(1000), rng.randrange(100),
                                      rng.randrange(1000), rng.randrange(10)),  # Florida
    ])


def aws_secret(rng):
    return "".join(rng.choice(string.ascii_letters + string.digits + "/+") for _ in range(40))


LANG = {"en_US": "en", "en_GB": "en", "en_CA": "en", "de_DE": "de", "nl_NL": "nl", "fr_FR": "fr", "es_ES": "es",
        "it_IT": "it", "pl_PL": "pl", "pt_BR": "pt"}

# Column headers and form labels per language: (machine-style, human-style).
HEADERS = {
    "first": {"en": ["first_name", "First name", "Given name"], "de": ["vorname", "Vorname"],
              "nl": ["voornaam", "Voornaam"], "fr": ["prenom", "Prénom"], "es": ["nombre", "Nombre"],
              "it": ["nome", "Nome"], "pl": ["imie", "Imię"], "pt": ["nome", "Primeiro nome"]},
    "last": {"en": ["last_name", "Last name", "Surname", "family_name"], "de": ["nachname", "Nachname"],
             "nl": ["achternaam", "Achternaam"], "fr": ["nom", "Nom de famille"], "es": ["apellidos", "Apellidos"],
             "it": ["cognome", "Cognome"], "pl": ["nazwisko", "Nazwisko"], "pt": ["sobrenome", "Sobrenome"]},
    "name": {"en": ["name", "full_name", "Customer", "Contact"], "de": ["name", "Name"], "nl": ["naam", "Naam"],
             "fr": ["nom_complet", "Nom"], "es": ["nombre_completo", "Nombre"], "it": ["nominativo", "Nome e cognome"],
             "pl": ["imie_nazwisko", "Imię i nazwisko"], "pt": ["nome_completo", "Nome"]},
    "email": {"en": ["email", "E-mail"], "de": ["email", "E-Mail"], "nl": ["email", "E-mailadres"],
              "fr": ["courriel", "E-mail"], "es": ["correo", "Correo electrónico"], "it": ["email", "E-mail"],
              "pl": ["email", "E-mail"], "pt": ["email", "E-mail"]},
    "phone": {"en": ["phone", "Phone", "tel"], "de": ["telefon", "Telefon"], "nl": ["telefoon", "Telefoon"],
              "fr": ["telephone", "Téléphone"], "es": ["telefono", "Teléfono"], "it": ["telefono", "Telefono"],
              "pl": ["telefon", "Telefon"], "pt": ["telefone", "Telefone"]},
    "address": {"en": ["address", "Address", "home_address"], "de": ["adresse", "Anschrift"],
                "nl": ["adres", "Adres"], "fr": ["adresse", "Adresse"], "es": ["direccion", "Dirección"],
                "it": ["indirizzo", "Indirizzo"], "pl": ["adres", "Adres"], "pt": ["endereco", "Endereço"]},
    "dob": {"en": ["dob", "date_of_birth", "Date of birth", "birthdate"], "de": ["geburtsdatum", "Geburtsdatum"],
            "nl": ["geboortedatum", "Geboortedatum"], "fr": ["date_naissance", "Date de naissance"],
            "es": ["fecha_nacimiento", "Fecha de nacimiento"], "it": ["data_nascita", "Data di nascita"],
            "pl": ["data_urodzenia", "Data urodzenia"], "pt": ["data_nascimento", "Data de nascimento"]},
    "created": {"en": ["created_at", "Updated", "due_date"], "de": ["erstellt", "Datum"], "nl": ["datum", "Aangemaakt"],
                "fr": ["date", "Créé le"], "es": ["fecha", "Creado"], "it": ["data", "Creato il"],
                "pl": ["data", "Utworzono"], "pt": ["data", "Criado em"]},
    "iban": {"en": ["iban", "IBAN"], "de": ["iban", "IBAN"], "nl": ["iban", "Rekeningnummer"], "fr": ["iban", "IBAN"],
             "es": ["iban", "IBAN"], "it": ["iban", "IBAN"], "pl": ["iban", "Numer konta"], "pt": ["iban", "IBAN"]},
    "ip": {"en": ["ip", "client_ip"], "de": ["ip", "IP-Adresse"], "nl": ["ip", "IP-adres"], "fr": ["ip", "Adresse IP"],
           "es": ["ip", "IP"], "it": ["ip", "Indirizzo IP"], "pl": ["ip", "Adres IP"], "pt": ["ip", "IP"]},
    "order": {"en": ["order_no", "Ticket"], "de": ["bestellnummer", "Vorgang"], "nl": ["ordernummer", "Zaaknummer"],
              "fr": ["commande", "Dossier"], "es": ["pedido", "Expediente"], "it": ["ordine", "Pratica"],
              "pl": ["zamowienie", "Sprawa"], "pt": ["pedido", "Protocolo"]},
    "version": {"en": ["version", "build"], "de": ["version", "Build"], "nl": ["versie", "build"],
                "fr": ["version", "build"], "es": ["version", "build"], "it": ["versione", "build"],
                "pl": ["wersja", "build"], "pt": ["versao", "build"]},
}

# The national identifier of each locale: (label, header names, generator).
NATIONAL = {
    "en_US": [("US_SSN", ["ssn", "SSN", "Social Security No."], lambda f, r: f.ssn()),
              ("US_ITIN", ["itin", "ITIN"], lambda f, r: f.itin()),
              ("US_PASSPORT", ["passport_no", "Passport number"], lambda f, r: f.passport_number()),
              ("US_DRIVER_LICENSE", ["dl_number", "Driver license"], lambda f, r: us_licence(r))],
    "en_GB": [("UK_NHS", ["nhs_number", "NHS No."], lambda f, r: nhs(r)),
              ("UK_NINO", ["ni_number", "National Insurance number"], lambda f, r: nino(r))],
    "en_CA": [("CA_SIN", ["sin", "Social Insurance Number"], lambda f, r: f.ssn())],
    "de_DE": [("DE_TAX_ID", ["steuer_id", "Steuer-IdNr.", "Steueridentifikationsnummer"], lambda f, r: steuer_id(r))],
    "nl_NL": [("NL_BSN", ["bsn", "BSN", "Burgerservicenummer"], lambda f, r: f.ssn())],
    "fr_FR": [("FR_NIR", ["nir", "N° de sécurité sociale"], lambda f, r: f.ssn())],
    "es_ES": [("ES_NIF", ["dni", "DNI/NIF"], lambda f, r: f.nif()), ("ES_NIE", ["nie", "NIE"], lambda f, r: f.nie())],
    "it_IT": [("IT_FISCAL_CODE", ["codice_fiscale", "Codice fiscale"], lambda f, r: f.ssn())],
    "pl_PL": [("PL_PESEL", ["pesel", "PESEL"], lambda f, r: f.pesel())],
    "pt_BR": [("BR_CPF", ["cpf", "CPF"], lambda f, r: f.cpf())],
}


def day(rng, first_year, last_year):
    """A date drawn from the seed alone (Faker's date helpers count from today, so a corpus would change daily)."""
    return datetime.date(first_year, 1, 1) + datetime.timedelta(
        days=rng.randrange((datetime.date(last_year, 12, 31) - datetime.date(first_year, 1, 1)).days + 1))


def birth_date(fake, rng, locale):
    d = day(rng, 1926, 2023)
    if locale == "en_US":
        return rng.choice([d.strftime("%m/%d/%Y"), d.isoformat(), d.strftime("%b %d, %Y")])
    if locale in ("de_DE", "pl_PL"):
        return rng.choice([d.strftime("%d.%m.%Y"), d.isoformat()])
    return rng.choice([d.strftime("%d/%m/%Y"), d.isoformat(), d.strftime("%d-%m-%Y")])


def other_date(fake, rng):
    d = day(rng, 2023, 2027)
    return rng.choice([d.isoformat(), d.strftime("%d.%m.%Y"), d.strftime("%m/%d/%Y"), d.strftime("%d/%m/%Y")])


def person(fake, rng, locale):
    """A synthetic resident: every field a Cell."""
    lang = LANG[locale]
    first, last = fake.first_name(), fake.last_name()
    fields = {
        "first": Cell(first, "PERSON"), "last": Cell(last, "PERSON"), "name": Cell(f"{first} {last}", "PERSON"),
        "email": Cell(rng.choice([fake.email(), fake.company_email()]), "EMAIL_ADDRESS"),
        "phone": Cell(fake.phone_number(), "PHONE_NUMBER"),
        "address": Cell(fake.address().replace("\n", ", "), "STREET_ADDRESS"),
        "dob": Cell(birth_date(fake, rng, locale), "DATE_OF_BIRTH"),
        "created": Cell(other_date(fake, rng), lookalike="date without birth context"),
        "iban": Cell(fake.iban(), "IBAN_CODE"),
        "ip": Cell(rng.choice([fake.ipv4_public(), fake.ipv4_private(), fake.ipv6()]), "IP_ADDRESS"),
        "order": Cell(rng.choice([f"ORD-{rng.randint(2019, 2026)}-{rng.randint(10000, 999999)}",
                                  f"{rng.randint(100000, 9999999)}", f"#{rng.randint(1000, 99999)}"]),
                      lookalike="order or ticket number"),
        "version": Cell(".".join(str(rng.randint(0, 40)) for _ in range(4)), lookalike="four-part version"),
    }
    for label, headers, make in NATIONAL[locale]:
        fields[label] = Cell(make(fake, rng), label)
    headers = {k: rng.choice(v[lang]) for k, v in HEADERS.items()}
    for label, names, _ in NATIONAL[locale]:
        headers[label] = rng.choice(names)
    return fields, headers


def columns(rng, locale, header=True):
    """A table's columns: names split or whole, some identifiers, a date, sometimes a look-alike column. Without a
    header a four-part version is indistinguishable from an IPv4 address, so it only comes with one."""
    cols = rng.choice([["first", "last"], ["name"], ["last", "first"]])
    optional = ["email", "phone", "address", "dob", "iban", "ip", "created", "order"] + (["version"] if header else [])
    optional += [label for label, _, _ in NATIONAL[locale]] * 2
    cols += rng.sample(optional, rng.randint(2, 4))
    return cols


def lookalike_cells(fake, rng, locale):
    """Values that look like personal data and are not."""
    cells = [
        Cell(card_failing(rng), lookalike="card number failing Luhn"),
        Cell(".".join(str(rng.randint(1, 30)) for _ in range(4)), lookalike="four-part version"),
        Cell(f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}-{rng.randint(100, 999)}", lookalike="order number"),
        Cell(iban_failing(fake), lookalike="IBAN failing its check"),
    ]
    if locale == "en_GB":
        cells.append(Cell(nhs(rng, valid=False), lookalike="NHS number failing its check"))
        cells.append(Cell(fake.ssn(), lookalike="NI number with the never-issued ZZ prefix"))
    if locale == "nl_NL":
        cells.append(Cell(bsn_failing(rng), lookalike="BSN failing the 11-test"))
    return cells


LOOKALIKE_PHRASES = {
    "en": ["reference {}", "build {}", "order {}", "part no. {}", "invoice {}"],
    "de": ["Referenz {}", "Build {}", "Bestellung {}", "Artikel {}"],
    "nl": ["referentie {}", "build {}", "bestelling {}", "artikel {}"],
    "fr": ["référence {}", "build {}", "commande {}", "article {}"],
    "es": ["referencia {}", "build {}", "pedido {}", "artículo {}"],
    "it": ["riferimento {}", "build {}", "ordine {}", "articolo {}"],
    "pl": ["numer referencyjny {}", "build {}", "zamówienie {}", "artykuł {}"],
    "pt": ["referência {}", "build {}", "pedido {}", "artigo {}"],
}


# ---- formats ------------------------------------------------------------------------------------------------------

def table(fake, rng, locale, sep, header, quote_addresses=True):
    doc = Text()
    cols = columns(rng, locale, header)
    rows = [person(fake, rng, locale) for _ in range(rng.randint(3, 8))]
    heads = rows[0][1]
    pipe = sep == " | "
    if header:
        doc.put(("| " if pipe else "") + sep.join(heads[c] for c in cols) + (" |" if pipe else "") + "\n")
        if pipe:
            doc.put("|" + "|".join("---" for _ in cols) + "|\n")
    for fields, _ in rows:
        if pipe:
            doc.put("| ")
        for i, c in enumerate(cols):
            if i:
                doc.put(sep)
            cell = fields[c]
            if sep == "," and ("," in cell.text or '"' in cell.text):
                doc.put('"').value(cell, "csv").put('"')
            else:
                doc.value(cell)
        doc.put((" |" if pipe else "") + "\n")
    return doc


def json_records(fake, rng, locale):
    doc = Text()
    cols = columns(rng, locale)
    rows = [person(fake, rng, locale) for _ in range(rng.randint(2, 5))]
    pretty = rng.random() < 0.5
    doc.put("[\n" if pretty else "[")
    for r, (fields, heads) in enumerate(rows):
        doc.put(("  {" if pretty else "{"))
        for i, c in enumerate(cols):
            key = rows[0][1][c].lower().replace(" ", "_").replace("-", "_").replace(".", "")
            doc.put((", " if i else "") + json.dumps(key, ensure_ascii=False) + ": \"").value(fields[c], "json").put('"')
        doc.put("}" + ("," if r + 1 < len(rows) else "") + ("\n" if pretty else ""))
    doc.put("]\n")
    return doc


def sql_insert(fake, rng, locale):
    doc = Text()
    cols = columns(rng, locale)
    rows = [person(fake, rng, locale) for _ in range(rng.randint(2, 5))]
    names = [rows[0][1][c].lower().replace(" ", "_").replace("-", "_").replace(".", "") for c in cols]
    doc.put(f"INSERT INTO residents ({', '.join(names)}) VALUES\n")
    for r, (fields, _) in enumerate(rows):
        doc.put("  (")
        for i, c in enumerate(cols):
            doc.put((", " if i else "") + "'").value(fields[c], "sql").put("'")
        doc.put(")" + ("," if r + 1 < len(rows) else ";") + "\n")
    return doc


def log_lines(fake, rng, locale):
    doc = Text()
    for _ in range(rng.randint(3, 7)):
        fields, heads = person(fake, rng, locale)
        stamp = day(rng, 2025, 2026).strftime("%Y-%m-%d") + "T%02d:%02d:%02d" % (
            rng.randrange(24), rng.randrange(60), rng.randrange(60))
        level = rng.choice(["INFO", "WARN", "ERROR", "DEBUG"])
        doc.put(f"{stamp} {level} ")
        shape = rng.randrange(4)
        if shape == 0:
            doc.put("request from ").value(fields["ip"]).put(" user=").value(fields["email"])
            doc.put(" status=" + str(rng.choice([200, 401, 403, 500])))
        elif shape == 1:
            doc.put('service-request created: name="').value(fields["name"]).put('" phone=').value(fields["phone"])
        elif shape == 2:
            doc.put("client v").value(fields["version"]).put(" connected from ").value(fields["ip"])
        else:
            nat = [k for k, _, _ in NATIONAL[locale]]
            key = rng.choice(nat) if nat else "iban"
            doc.put(f"lookup {heads[key].lower().replace(' ', '_')}=").value(fields[key])
            doc.put(" for ").value(fields["last"]).put(", ").value(fields["first"])
        doc.put("\n")
    return doc


SIGN_OFF = {"en": ["Best regards,", "Kind regards,", "Thanks,"], "de": ["Mit freundlichen Grüßen", "Viele Grüße"],
            "nl": ["Met vriendelijke groet,", "Groet,"], "fr": ["Cordialement,", "Bien à vous,"],
            "es": ["Saludos,", "Atentamente,"], "it": ["Cordiali saluti,", "Saluti,"],
            "pl": ["Z poważaniem,", "Pozdrawiam,"], "pt": ["Atenciosamente,", "Abraços,"]}


def signature(fake, rng, locale):
    doc = Text()
    fields, heads = person(fake, rng, locale)
    lang = LANG[locale]
    doc.put(rng.choice(["Can you shorten this e-mail?\n\n", "Summarise the thread below.\n\n", ""]))
    doc.put(fake.sentence(nb_words=10) + "\n\n" + rng.choice(SIGN_OFF[lang]) + "\n")
    doc.value(fields["name"]).put("\n" + fake.job() + "\n")
    doc.value(fields["address"]).put("\n")
    doc.put(rng.choice(["Tel: ", "T ", "Phone: ", "Mob. "])).value(fields["phone"]).put("\n")
    if rng.random() < 0.6:
        doc.value(fields["email"]).put("\n")
    return doc


def form(fake, rng, locale):
    doc = Text()
    fields, heads = person(fake, rng, locale)
    keys = ["last", "first"] + rng.sample(
        ["email", "phone", "address", "dob", "created", "order", "iban"] + [k for k, _, _ in NATIONAL[locale]], 4)
    colon = rng.choice([": ", ":\t", " - "])
    for key in keys:
        doc.put(heads[key] + colon).value(fields[key]).put("\n")
    return doc


def env_file(fake, rng, locale):
    doc = Text()
    fields, _ = person(fake, rng, locale)
    doc.put("# service settings\nAPP_ENV=production\nAPP_VERSION=").value(fields["version"]).put("\n")
    doc.put("ADMIN_EMAIL=").value(fields["email"]).put("\n")
    doc.put("SUPPORT_CONTACT=\"").value(fields["name"]).put("\"\n")
    doc.put("ALLOWED_IP=").value(fields["ip"]).put("\n")
    key = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
    doc.put("AWS_ACCESS_KEY_ID=").put(key, "AWS_ACCESS_KEY").put("\n")
    if rng.random() < 0.5:
        doc.put("AWS_SECRET_ACCESS_KEY=").put(aws_secret(rng), "AWS_SECRET_KEY").put("\n")
    doc.put("TIMEOUT_MS=" + str(rng.randint(100, 90000)) + "\n")
    return doc


def config_yaml(fake, rng, locale):
    doc = Text()
    fields, heads = person(fake, rng, locale)
    doc.put("owner:\n  name: ").value(fields["name"]).put("\n  email: ").value(fields["email"])
    doc.put("\n  phone: \"").value(fields["phone"]).put("\"\nserver:\n  listen: ").value(fields["ip"])
    doc.put("\n  version: ").value(fields["version"]).put("\n")
    return doc


def code(fake, rng, locale):
    doc = Text()
    fields, _ = person(fake, rng, locale)
    if rng.random() < 0.5:
        doc.put("def test_signup():\n    user = User(first_name=\"").value(fields["first"])
        doc.put("\", last_name=\"").value(fields["last"]).put("\",\n                email=\"").value(fields["email"])
        doc.put("\")\n    assert user.save()\n")
    else:
        doc.put("const contact = {\n  name: '").value(fields["name"], "sql").put("',\n  phone: '").value(fields["phone"])
        doc.put("',\n  ip: '").value(fields["ip"]).put("',\n};\n")
    return doc


def ticket(fake, rng, locale):
    """A short free-text ticket with look-alikes planted in it."""
    doc = Text()
    fields, _ = person(fake, rng, locale)
    lang = LANG[locale]
    la = rng.choice(lookalike_cells(fake, rng, locale))
    doc.put(rng.choice(LOOKALIKE_PHRASES[lang]).split("{}")[0]).value(la).put(": ")
    doc.value(fields["name"]).put(" — ").value(fields["phone"]).put("\n")
    street_a, street_b = fake.street_name(), fake.street_name()
    if lang == "en":
        doc.put("Pothole reported at ").put(f"the corner of {street_a} and {street_b}", lookalike="street corner")
        doc.put(".\n")
    doc.put(fake.sentence(nb_words=8) + "\n")
    return doc


FORMATS = {
    "csv": lambda f, r, l: table(f, r, l, ",", True),
    "csv-no-header": lambda f, r, l: table(f, r, l, ",", False),
    "tsv": lambda f, r, l: table(f, r, l, "\t", True),
    "pipe-table": lambda f, r, l: table(f, r, l, " | ", True),
    "json": json_records, "sql": sql_insert, "log": log_lines, "signature": signature, "form": form,
    "env": env_file, "yaml": config_yaml, "code": code, "ticket": ticket,
}

# presidio-evaluator's template entity names -> PromptGate's; anything else is text no engine is scored on.
PRESIDIO_TYPES = {"PERSON": "PERSON", "STREET_ADDRESS": "STREET_ADDRESS", "CREDIT_CARD": "CREDIT_CARD",
                  "PHONE_NUMBER": "PHONE_NUMBER", "EMAIL_ADDRESS": "EMAIL_ADDRESS", "IBAN_CODE": "IBAN_CODE",
                  "US_SSN": "US_SSN", "IP_ADDRESS": "IP_ADDRESS", "US_DRIVER_LICENSE": "US_DRIVER_LICENSE"}


def merged_address_pieces(data, entities):
    """One street address as one entity. The templates label an address's pieces one by one ("{{building_number}}
    {{street_name}} {{secondary_address}}" gives "8511", "Bem rkp. 97." and "Suite 251" as three STREET_ADDRESS
    spans), so an engine that finds the whole line "8511 Bem rkp. 97." was scored one hit and a miss per other
    piece. Pieces with only white space between them are one address, and so are pieces on lines of their own: the
    templates write their line breaks escaped, as the two characters backslash and n ("4424 Västerviksgatan 2\\n
    Suite 619"). A city or country between them (a span of another type), or any other text, keeps them apart."""
    pieces = sorted((e for e in entities if e["type"] == "STREET_ADDRESS"), key=lambda e: e["start"])
    addresses = []
    for e in pieces:
        last = addresses[-1] if addresses else None
        if last and last["end"] <= e["start"] and not data[last["end"]:e["start"]].replace(b"\\n", b" ").strip():
            last["end"] = e["end"]
        else:
            addresses.append(dict(e))
    return [e for e in entities if e["type"] != "STREET_ADDRESS"] + addresses


def presidio_templates(seed, count):
    """Sentences from presidio-evaluator's own templates (en_US), or none when it is not installed."""
    try:
        import contextlib
        import io
        import logging
        import warnings
        logging.disable(logging.WARNING)
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            from presidio_evaluator.data_generator import PresidioSentenceFaker
            # Its record providers draw from the random module and Faker's shared generator too, not only from
            # random_seed: without these the same seed gave other sentences on every run.
            random.seed(seed)
            Faker.seed(seed)
            faker = PresidioSentenceFaker("en_US", lower_case_ratio=0.0, random_seed=seed)
            samples = faker.generate_new_fake_sentences(num_samples=count)
    except ImportError:
        return []
    docs = []
    for sample in samples:
        text = sample.full_text
        offsets = [0]
        for ch in text:
            offsets.append(offsets[-1] + len(ch.encode("utf-8")))
        doc = {"kind": "presidio-template", "text": text, "entities": [], "lookalikes": [], "ignore": []}
        for span in sample.spans:
            start, end = offsets[span.start_position], offsets[span.end_position]
            label = PRESIDIO_TYPES.get(span.entity_type)
            before = text[max(0, span.start_position - 30):span.start_position].lower()
            if span.entity_type == "DATE_TIME" and ("born" in before or "birth" in before):
                label = "DATE_OF_BIRTH"
            if label:
                doc["entities"].append({"type": label, "start": start, "end": end})
            else:
                doc["ignore"].append({"start": start, "end": end})
        doc["entities"] = merged_address_pieces(text.encode("utf-8"), doc["entities"])
        docs.append(doc)
    return docs


def generate(seed, per_locale, templates):
    rng = random.Random(seed)
    docs = []
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(rng.randrange(2**32))
        kinds = list(FORMATS)
        for n in range(per_locale):
            kind = kinds[n % len(kinds)] if n < len(kinds) else rng.choice(kinds)
            doc = FORMATS[kind](fake, rng, locale)
            docs.append({"id": f"{locale}-{len(docs):05d}", "locale": locale, "kind": kind, "text": doc.text(),
                         "entities": doc.entities, "lookalikes": doc.lookalikes, "ignore": doc.ignore})
    for doc in presidio_templates(rng.randrange(2**31), templates):
        docs.append({"id": f"template-{len(docs):05d}", "locale": "en_US", **doc})
    return docs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, help="the open part's seed")
    parser.add_argument("--sealed", action="store_true", help="seed from PROMPTGATE_SEALED_SEED or at random")
    parser.add_argument("--per-locale", type=int, default=40)
    parser.add_argument("--templates", type=int, default=200, help="presidio-evaluator sentences (if installed)")
    parser.add_argument("--out", help="file to write (default: standard output)")
    args = parser.parse_args()
    if args.sealed:
        seed = int(os.environ.get("PROMPTGATE_SEALED_SEED") or secrets.randbits(48))
    elif args.seed is not None:
        seed = args.seed
    else:
        parser.error("give --seed or --sealed")
    docs = generate(seed, args.per_locale, args.templates)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    if args.out:
        os.chmod(args.out, 0o600)
    with out:
        for doc in docs:
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
