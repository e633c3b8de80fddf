#!/usr/bin/env python3
"""Generates PromptGate's labelled evaluation corpus: what city employees paste into a chatbot (complaints, case
notes, permit files, e-mails, tickets, logs, code) in seven locales, with Faker's synthetic personal data labelled
by type and UTF-8 byte span, and look-alikes that must not be flagged (order, case and invoice numbers, versions,
timestamps, Luhn-failing numbers, capitalised place and office names).

Every value is synthetic (Faker, or generated here with valid check digits). The corpus is deterministic for a
seed, so it is committed and scored the same way each run.

    python Benchmarks/eval/generate_corpus.py --seed 2026 --per-locale 220 > Benchmarks/eval/corpus.jsonl

Each line: {"id", "locale", "kind", "text", "entities": [{"type", "start", "end"}]} (byte offsets, end exclusive).
"""
import argparse
import json
import random
import string
import sys

from faker import Faker

LOCALES = ["en_US", "en_CA", "en_GB", "nl_NL", "es_ES", "fr_FR", "de_DE"]
LANG = {"en_US": "en", "en_CA": "en", "en_GB": "en", "nl_NL": "nl", "es_ES": "es", "fr_FR": "fr", "de_DE": "de"}


def luhn_complete(digits):
    """Appends the Luhn check digit to a list of digits."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + [(10 - total % 10) % 10]


def nhs_number(rng):
    while True:
        d = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum((10 - i) * x for i, x in enumerate(d)) % 11
        if check == 11:
            check = 0
        if check != 10:
            s = "".join(map(str, d + [check]))
            return rng.choice([f"{s[:3]} {s[3:6]} {s[6:]}", s, f"{s[:3]}-{s[3:6]}-{s[6:]}"])


def ohip_number(rng):
    d = luhn_complete([rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)])
    s = "".join(map(str, d))
    version = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
    return rng.choice([f"{s[:4]}-{s[4:7]}-{s[7:]}", f"{s[:4]} {s[4:7]} {s[7:]} {version}", s])


def ontario_dl(rng):
    letter = rng.choice(string.ascii_uppercase)
    d = "".join(str(rng.randint(0, 9)) for _ in range(14))
    return rng.choice([f"{letter}{d[:4]}-{d[4:9]}-{d[9:]}", f"{letter}{d}"])


def de_tax_id(rng):
    while True:
        first = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(9)]
        repeated = [first.count(x) for x in set(first) if first.count(x) > 1]
        if len(repeated) != 1 or repeated[0] > 3:
            continue
        product = 10
        for x in first:
            s = (x + product) % 10 or 10
            product = (s * 2) % 11
        check = (11 - product) % 10
        s = "".join(map(str, first + [check]))
        return rng.choice([s, f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}"])


def us_driver_license(rng):
    return rng.choice([
        rng.choice(string.ascii_uppercase) + "".join(str(rng.randint(0, 9)) for _ in range(7)),
        "".join(str(rng.randint(0, 9)) for _ in range(9)),
        rng.choice(string.ascii_uppercase) + "%03d-%03d-%02d-%03d-%d" % (
            rng.randint(0, 999), rng.randint(0, 999), rng.randint(0, 99), rng.randint(0, 999), rng.randint(0, 9)),
    ])


def luhn_failing_card(rng):
    d = luhn_complete([4] + [rng.randint(0, 9) for _ in range(14)])
    d[-1] = (d[-1] + rng.randint(1, 9)) % 10
    s = "".join(map(str, d))
    return f"{s[:4]} {s[4:8]} {s[8:12]} {s[12:]}"


def aws_key(rng):
    return "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))


MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
}


def dob(fake, rng, lang, locale):
    d = fake.date_of_birth(minimum_age=1, maximum_age=95)
    if lang == "en":
        if locale == "en_US":
            return rng.choice([d.strftime("%m/%d/%Y"), f"{MONTHS['en'][d.month - 1]} {d.day}, {d.year}", d.isoformat()])
        return rng.choice([d.strftime("%d/%m/%Y"), f"{d.day} {MONTHS['en'][d.month - 1]} {d.year}", d.isoformat()])
    if lang == "de":
        return rng.choice([d.strftime("%d.%m.%Y"), d.isoformat()])
    if lang == "nl":
        return rng.choice([d.strftime("%d-%m-%Y"), d.isoformat()])
    return rng.choice([d.strftime("%d/%m/%Y"), d.isoformat()])


TITLES = {
    "en": ["Mr.", "Mrs.", "Ms.", "Dr."], "nl": ["dhr.", "mevr."], "es": ["Sr.", "Sra."],
    "fr": ["M.", "Mme"], "de": ["Herr", "Frau"],
}


class Doc:
    def __init__(self):
        self.parts = []
        self.entities = []
        self.length = 0

    def add(self, text, label=None):
        encoded = text.encode("utf-8")
        if label:
            self.entities.append({"type": label, "start": self.length, "end": self.length + len(encoded)})
        self.parts.append(text)
        self.length += len(encoded)

    @property
    def text(self):
        return "".join(self.parts)


def values(fake, rng, locale):
    """Slot name -> (text before the labelled part, labelled value, label)."""
    lang = LANG[locale]
    first, last = fake.first_name(), fake.last_name()
    full = f"{first} {last}"
    titled = rng.random() < 0.2
    v = {
        "PERSON": (rng.choice(TITLES[lang]) + " " if titled else "", last if titled else full, "PERSON"),
        "PERSON2": ("", f"{fake.first_name()} {fake.last_name()}", "PERSON"),
        "FIRST": ("", first, "PERSON"),
        "EMAIL_ADDRESS": ("", rng.choice([fake.email(), fake.free_email(),
            f"{first.lower()}.{last.lower().replace(' ', '')}@{fake.free_email_domain()}"]), "EMAIL_ADDRESS"),
        "PHONE_NUMBER": ("", fake.phone_number(), "PHONE_NUMBER"),
        "STREET_ADDRESS": ("", fake.street_address().replace("\n", ", "), "STREET_ADDRESS"),
        "DATE_OF_BIRTH": ("", dob(fake, rng, lang, locale), "DATE_OF_BIRTH"),
        "CREDIT_CARD": ("", fake.credit_card_number(), "CREDIT_CARD"),
        "IBAN_CODE": ("", fake.iban(), "IBAN_CODE"),
        "IP_ADDRESS": ("", rng.choice([fake.ipv4_public(), fake.ipv4_private(), fake.ipv6()]), "IP_ADDRESS"),
        "AWS_ACCESS_KEY": ("", aws_key(rng), "AWS_ACCESS_KEY"),
    }
    if locale == "en_US":
        v["ID"] = rng.choice([
            ("SSN ", fake.ssn(), "US_SSN"), ("social security number ", fake.ssn(), "US_SSN"),
            ("passport number ", fake.passport_number(), "US_PASSPORT"),
            ("driver's license ", us_driver_license(rng), "US_DRIVER_LICENSE"),
        ])
    elif locale == "en_CA":
        v["ID"] = rng.choice([
            ("SIN ", fake.ssn(), "CA_SIN"), ("OHIP ", ohip_number(rng), "CA_OHIP"),
            ("health card number ", ohip_number(rng), "CA_OHIP"), ("driver's licence ", ontario_dl(rng), "CA_DRIVER_LICENSE"),
        ])
    elif locale == "en_GB":
        v["ID"] = rng.choice([("NHS number ", nhs_number(rng), "UK_NHS"), ("NHS no. ", nhs_number(rng), "UK_NHS")])
    elif locale == "nl_NL":
        v["ID"] = rng.choice([("BSN ", fake.ssn(), "NL_BSN"), ("burgerservicenummer ", fake.ssn(), "NL_BSN")])
    elif locale == "es_ES":
        v["ID"] = rng.choice([("DNI ", fake.nif(), "ES_NIF"), ("NIE ", fake.nie(), "ES_NIE")])
    elif locale == "de_DE":
        v["ID"] = rng.choice([("Steuer-ID ", de_tax_id(rng), "DE_TAX_ID"), ("Steueridentifikationsnummer ", de_tax_id(rng), "DE_TAX_ID")])
    else:
        v["ID"] = ("IBAN ", fake.iban(), "IBAN_CODE")
    return v


def lookalikes(rng):
    """Unlabelled values that a careless engine flags."""
    year = rng.randint(2019, 2026)
    return {
        "order": f"{rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        "case": f"{year}-{rng.randint(10000, 99999)}",
        "caseid": f"CASE-{year}-{rng.randint(100000, 999999)}",
        "invoice": f"INV-{rng.randint(10000, 99999)}",
        "version": f"{rng.randint(1, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}.{rng.randint(0, 200)}",
        "semver": f"{rng.randint(1, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
        "timestamp": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z",
        "date": f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{year}",
        "cardlike": luhn_failing_card(rng),
        "amount": f"{rng.randint(10, 9999)}.{rng.randint(0, 99):02d}",
        "room": str(rng.randint(100, 999)),
        "count": str(rng.randint(2, 400)),
        "ticket": f"{rng.randint(100000, 999999)}",
        "tracking": "".join(str(rng.randint(0, 9)) for _ in range(12)),
    }


# Fragments by language and kind. {SLOT} is labelled; {label:SLOT} puts the slot's own prefix (e.g. "SSN ");
# lower-case {names} are look-alikes.
FRAGMENTS = {
    "en": {
        "complaint": [
            "Resident {PERSON} called about a pothole outside {STREET_ADDRESS} that has been there since {date}.",
            "Complaint from {PERSON} ({EMAIL_ADDRESS}): the streetlight on the corner is out again. Case {case}.",
            "{PERSON} says the noise from the bar next door continues after midnight. Call back on {PHONE_NUMBER}.",
            "The caller, {PERSON}, lives at {STREET_ADDRESS} and wants the Parks Department to trim the trees.",
            "Please draft a polite reply to {FIRST} about the missed recycling pickup, order {order}.",
        ],
        "casenote": [
            "Case note: met {PERSON} at home. {ID}. DOB {DATE_OF_BIRTH}. Client asked about rental assistance.",
            "Visited {STREET_ADDRESS} with Housing Authority staff. {PERSON} was present; phone {PHONE_NUMBER}.",
            "{PERSON} (born {DATE_OF_BIRTH}) missed the appointment on {date}. Follow up by email at {EMAIL_ADDRESS}.",
            "Summarise this for the supervisor: client {PERSON}, {ID}, referred by City Hall on {date}.",
        ],
        "permit": [
            "Permit application {caseid} for a deck at {STREET_ADDRESS}, applicant {PERSON}, fee {amount} paid by card {CREDIT_CARD}.",
            "Applicant {PERSON} paid the inspection fee from account {IBAN_CODE}; invoice {invoice}.",
            "Building permit {caseid}: contractor contact {PERSON2}, {PHONE_NUMBER}. Inspection booked for Room {room}.",
        ],
        "email": [
            "Hi {FIRST},\nthanks for your note. I have copied {PERSON2} ({EMAIL_ADDRESS}) who handles the Public Works budget.",
            "Dear {PERSON},\nyour request {caseid} was received. Reference {ticket}.",
            "From: {EMAIL_ADDRESS}\nSubject: Council Meeting agenda\nCan you turn these {count} comments into a summary?",
            "Regards,\n{PERSON2}\nDepartment of Transportation\nTel: {PHONE_NUMBER}",
        ],
        "ticket": [
            "Ticket {ticket}: user {PERSON} cannot log in from {IP_ADDRESS} after the upgrade to version {version}.",
            "Incident {caseid}: the kiosk at Main Library shows error 0x80070005 since {timestamp}.",
            "Card ending test: tracking {tracking} and reference {cardlike} do not match the invoice {invoice}.",
        ],
        "log": [
            "{timestamp} INFO login ok user={EMAIL_ADDRESS} ip={IP_ADDRESS} build {semver}",
            "{timestamp} WARN payment declined card={CREDIT_CARD} order={order}",
            "{timestamp} DEBUG request {ticket} took {count} ms on node {semver}",
        ],
        "code": [
            "Why does this fail?\n```\naws_access_key_id = {AWS_ACCESS_KEY}\nregion = us-east-1\nversion = \"{semver}\"\n```",
            "def notify():\n    send_mail(to=\"{EMAIL_ADDRESS}\", retries={count})  # ticket {ticket}",
        ],
    },
    "nl": {
        "complaint": [
            "Melding van {PERSON} over zwerfafval bij {STREET_ADDRESS}. Zaaknummer {case}.",
            "{PERSON} belde over overlast; terugbellen op {PHONE_NUMBER} of mailen naar {EMAIL_ADDRESS}.",
        ],
        "casenote": [
            "Gespreksverslag: {PERSON}, {ID}, geboren op {DATE_OF_BIRTH}, woont op {STREET_ADDRESS}.",
            "Vat dit samen voor de wijkteamleider: {PERSON} vraagt bijzondere bijstand aan, dossier {caseid}.",
        ],
        "permit": [
            "Vergunningaanvraag {caseid} van {PERSON} voor een dakkapel op {STREET_ADDRESS}; leges {amount} via {IBAN_CODE}.",
        ],
        "email": [
            "Beste {FIRST},\nbedankt voor je bericht. {PERSON2} ({EMAIL_ADDRESS}) neemt het over.",
            "Met vriendelijke groet,\n{PERSON2}\nGemeente, afdeling Vergunningen\nTelefoon: {PHONE_NUMBER}",
        ],
        "ticket": ["Storing {ticket}: {PERSON} kan niet inloggen vanaf {IP_ADDRESS} na update naar versie {version}."],
        "log": ["{timestamp} INFO aanmelding gebruiker={EMAIL_ADDRESS} ip={IP_ADDRESS} build {semver}"],
        "code": ["Waarom werkt dit niet?\n```\naws_access_key_id = {AWS_ACCESS_KEY}\n```"],
    },
    "es": {
        "complaint": [
            "Queja de {PERSON} por el ruido en {STREET_ADDRESS}. Expediente {case}.",
            "{PERSON} llamó por una farola rota; teléfono {PHONE_NUMBER}, correo {EMAIL_ADDRESS}.",
        ],
        "casenote": [
            "Nota del caso: {PERSON}, {ID}, fecha de nacimiento {DATE_OF_BIRTH}, domicilio en {STREET_ADDRESS}.",
            "Resume esto para la jefa de servicio: {PERSON} solicita ayuda al alquiler, expediente {caseid}.",
        ],
        "permit": ["Solicitud de licencia {caseid} de {PERSON} para obras en {STREET_ADDRESS}; tasa {amount} desde {IBAN_CODE}."],
        "email": [
            "Hola {FIRST},\ngracias por tu mensaje. {PERSON2} ({EMAIL_ADDRESS}) se encarga del tema.",
            "Un saludo,\n{PERSON2}\nAyuntamiento, Servicio de Licencias\nTeléfono: {PHONE_NUMBER}",
        ],
        "ticket": ["Incidencia {ticket}: {PERSON} no puede entrar desde {IP_ADDRESS} tras actualizar a la versión {version}."],
        "log": ["{timestamp} INFO acceso usuario={EMAIL_ADDRESS} ip={IP_ADDRESS} build {semver}"],
        "code": ["¿Por qué falla esto?\n```\naws_access_key_id = {AWS_ACCESS_KEY}\n```"],
    },
    "fr": {
        "complaint": [
            "Réclamation de {PERSON} au sujet des déchets devant le {STREET_ADDRESS}. Dossier {case}.",
            "{PERSON} a appelé pour un lampadaire en panne ; téléphone {PHONE_NUMBER}, courriel {EMAIL_ADDRESS}.",
        ],
        "casenote": [
            "Note de suivi : {PERSON}, né le {DATE_OF_BIRTH}, domicilié au {STREET_ADDRESS}, compte {IBAN_CODE}.",
            "Résume ceci pour la cheffe de service : {PERSON} demande une aide au logement, dossier {caseid}.",
        ],
        "permit": ["Demande de permis {caseid} de {PERSON} pour une véranda au {STREET_ADDRESS} ; frais {amount}."],
        "email": [
            "Bonjour {FIRST},\nmerci pour votre message. {PERSON2} ({EMAIL_ADDRESS}) reprend le dossier.",
            "Cordialement,\n{PERSON2}\nMairie, service de l'urbanisme\nTél. : {PHONE_NUMBER}",
        ],
        "ticket": ["Ticket {ticket} : {PERSON} ne peut pas se connecter depuis {IP_ADDRESS} après la mise à jour en version {version}."],
        "log": ["{timestamp} INFO connexion utilisateur={EMAIL_ADDRESS} ip={IP_ADDRESS} build {semver}"],
        "code": ["Pourquoi cela échoue ?\n```\naws_access_key_id = {AWS_ACCESS_KEY}\n```"],
    },
    "de": {
        "complaint": [
            "Beschwerde von {PERSON} über Lärm in der {STREET_ADDRESS}. Vorgang {case}.",
            "{PERSON} hat wegen einer defekten Laterne angerufen; Telefon {PHONE_NUMBER}, E-Mail {EMAIL_ADDRESS}.",
        ],
        "casenote": [
            "Gesprächsnotiz: {PERSON}, {ID}, geboren am {DATE_OF_BIRTH}, wohnhaft {STREET_ADDRESS}.",
            "Fasse das für die Teamleitung zusammen: {PERSON} beantragt Wohngeld, Aktenzeichen {caseid}.",
        ],
        "permit": ["Bauantrag {caseid} von {PERSON} für einen Wintergarten, {STREET_ADDRESS}; Gebühr {amount} von {IBAN_CODE}."],
        "email": [
            "Hallo {FIRST},\ndanke für deine Nachricht. {PERSON2} ({EMAIL_ADDRESS}) übernimmt.",
            "Mit freundlichen Grüßen\n{PERSON2}\nStadtverwaltung, Bauordnungsamt\nTel.: {PHONE_NUMBER}",
        ],
        "ticket": ["Ticket {ticket}: {PERSON} kann sich nach dem Update auf Version {version} nicht von {IP_ADDRESS} anmelden."],
        "log": ["{timestamp} INFO Anmeldung benutzer={EMAIL_ADDRESS} ip={IP_ADDRESS} build {semver}"],
        "code": ["Warum schlägt das fehl?\n```\naws_access_key_id = {AWS_ACCESS_KEY}\n```"],
    },
}
FILLER = {
    "en": ["The Parks Department and City Hall will review it next week.", "Council Member Office hours are on Monday.",
           "Please keep it short and in plain language.", "Main Street Festival permits open in April."],
    "nl": ["Het Stadsloket bekijkt dit volgende week.", "Graag kort en in begrijpelijke taal."],
    "es": ["El Ayuntamiento lo revisará la próxima semana.", "Por favor, breve y en lenguaje claro."],
    "fr": ["La Mairie examinera la demande la semaine prochaine.", "Merci de rester bref et clair."],
    "de": ["Das Bürgeramt prüft das nächste Woche.", "Bitte kurz und in einfacher Sprache."],
}

ID_SENTENCE = {
    "en": "For the record, {ID}.", "nl": "Ter info: {ID}.", "es": "Para el expediente: {ID}.",
    "fr": "Pour le dossier : {ID}.", "de": "Zur Akte: {ID}.",
}


def render(fragment, doc, vals, looks):
    i = 0
    while i < len(fragment):
        j = fragment.find("{", i)
        if j < 0:
            doc.add(fragment[i:])
            break
        doc.add(fragment[i:j])
        k = fragment.index("}", j)
        name = fragment[j + 1:k]
        if name in vals:
            prefix, value, label = vals[name]
            if prefix:
                doc.add(prefix)
            doc.add(value, label)
        else:
            doc.add(looks[name])
        i = k + 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--per-locale", type=int, default=220)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    n = 0
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(args.seed + LOCALES.index(locale))
        lang = LANG[locale]
        kinds = list(FRAGMENTS[lang])
        for _ in range(args.per_locale):
            kind = rng.choice(kinds)
            doc = Doc()
            for part in range(rng.randint(1, 3)):
                if part:
                    doc.add(rng.choice([" ", "\n", "\n\n"]))
                pool = FRAGMENTS[lang][kind] if part == 0 else FRAGMENTS[lang][rng.choice(kinds)]
                render(rng.choice(pool), doc, values(fake, rng, locale), lookalikes(rng))
            if rng.random() < 0.4:
                doc.add(" ")
                render(ID_SENTENCE[lang], doc, values(fake, rng, locale), lookalikes(rng))
            if rng.random() < 0.5:
                doc.add(" " + rng.choice(FILLER[lang]))
            n += 1
            record = {"id": f"{locale}-{n:05d}", "locale": locale, "kind": kind, "text": doc.text, "entities": doc.entities}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
