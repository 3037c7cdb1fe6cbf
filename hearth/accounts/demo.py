"""Demo members for trying Hearth out, screenshots and load tests: `hearth seed`.

Everything is invented here, offline: names combined from built-in lists drawn from many
languages, bios from templates, avatars drawn with Pillow. Given the same `seed` and the same
database, the same people come out. Usernames that are already taken get a number, so running it
again adds more people instead of failing. Later work extends this module with posts and follows.

It writes with bulk_create rather than through `user_create`: the password is hashed once (Argon2
takes ~50 ms per hash, which would dominate) and the rows go in a few queries per hundred members.
That skips the validation `user_create` does, so everything made here is valid by construction.
"""

import colorsys
import io
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Lower
from PIL import Image, ImageDraw, ImageFont

from hearth.accounts.models import Account, User
from hearth.accounts.models.account import MAX_PROFILE_LINKS, ProfileLink
from hearth.accounts.validators import RESERVED_USERNAMES, USERNAME_MAX_LENGTH

AVATAR_SIZE = 400
#: Rows per bulk insert and per transaction (short, so a live server's writes are not held up).
BATCH_SIZE = 200
#: Addresses under domains reserved for documentation (RFC 2606): mail to them goes nowhere.
EMAIL_DOMAINS = ("example.org", "example.net", "example.com")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _listed(text: str) -> tuple[str, ...]:
    return tuple(" ".join(item.split()) for item in text.split(","))  # items may wrap lines


# Given and family names are combined at random, as on any real server where people of every
# background meet. Hyphenated forms are kept as written; "_" stands for a space ("de Vries").
GIVEN_NAMES = _words("""
Amara Chidi Ngozi Oluwaseun Kwame Abena Kofi Yaw Ama Tunde Folake Emeka Zainab Fatima Aisha Omar
Youssef Layla Karim Nour Hana Tariq Darius Shirin Navid Parisa Mehmet Elif Emre Zeynep Deniz Aarav
Priya Ananya Rohan Vikram Lakshmi Arjun Kavya Meera Sanjay Tanvir Nusrat Rahim Wei Mei Jun
Xiaoling Hao Yuki Haruto Sakura Ren Aiko Kenji Minji Jiwoo Seojun Hyun Linh Minh Thao Duc Maria
José Lucia Mateo Valentina Santiago Camila Diego Ximena João Ana Beatriz Thiago Giulia Marco
Chiara Luca Sofia Pierre Camille Amélie Théo Chloé Lukas Jonas Lena Hannah Felix Anouk Daan Sanne
Bram Astrid Sven Ingrid Freya Magnus Aino Eero Kaisa Olga Dmitri Anastasia Ivan Katarzyna Piotr
Zofia Jakub Łukasz Søren Björn Ayşe Çağla Zoë Siân Tereza Ondřej Eszter Bence Nikos Eleni Dimitra
Siobhan Niamh Cian Aoife Rhys Carys Dylan Eilidh Callum Grace Oliver Emily James Noah Olivia Ethan
Ava Mia Liam Chen Tomasz Aleksandra Yonatan Noa Tamar Ariel Selam Dawit Makeda Abebe Wanjiru
Baraka Zuri Juma Aroha Tane Mere Keoni Leilani Inti Killa Sipho Thandiwe Lerato Nomvula Jean-Luc
Marie-Claire Ana-Lucia Hye-jin
""")

FAMILY_NAMES = _words("""
Okafor Adeyemi Mensah Boateng Owusu Nwosu Balogun Diallo Traoré Haddad Khalil Mansour Rahimi
Tehrani Yılmaz Demir Kaya Sharma Patel Iyer Nair Reddy Chatterjee Das Rahman Chowdhury Wang Li
Zhang Liu Chen Huang Tanaka Suzuki Sato Yamamoto Kobayashi Kim Park Choi Jung Nguyễn Trần Phạm Lê
García Rodríguez Martínez López Hernández González Silva Santos Oliveira Costa Pereira Rossi Russo
Bianchi Romano Ricci Dubois Martin Bernard Moreau Laurent Müller Schmidt Schneider Fischer Weber
de_Vries Jansen Bakker Visser Andersson Johansson Nilsson Larsen Hansen Virtanen Korhonen Ivanova
Petrov Smirnov Kowalski Nowak Wiśniewska Novák Dvořák Đặng Svoboda Nagy Horváth Papadopoulos
Georgiou O'Brien Murphy Kelly Byrne Jones Davies Evans MacLeod Campbell Smith Johnson Williams
Brown Taylor Cohen Levi Mizrahi Tesfaye Bekele Girma Kamau Otieno Mwangi Ngata Parata Kahale
Mamani Quispe Dlamini Nkosi Mokoena Ndlovu Friedman Abramowitz Fernández-Ruiz Walker-Smith
""")

ROLES = _listed("""
Nurse, Software developer, Illustrator, Teacher, PhD student, Baker, Librarian, Carpenter,
Translator, Data analyst, Midwife, Bus driver, Retired engineer, Product designer, Farmer,
Journalist, Barista, Architect, Paramedic, Musician, Community organiser, Bike mechanic,
Pharmacist, Photographer
""")
PLACES = _listed("""
Lagos, Accra, Nairobi, Cape Town, Cairo, Istanbul, Tehran, Mumbai, Chennai, Dhaka, Shanghai,
Osaka, Seoul, Hanoi, Manila, Jakarta, Melbourne, Auckland, Lima, Mexico City, São Paulo, Buenos
Aires, Montréal, Chicago, Dublin, Glasgow, Lisbon, Barcelona, Lyon, Berlin, Rotterdam, Malmö,
Helsinki, Kraków, Budapest, Athens, Tel Aviv, Addis Ababa
""")
INTERESTS = _listed("""
sourdough, birdwatching, board games, old maps, jazz records, trail running, houseplants, film
photography, chess, knitting, urban gardening, sci-fi novels, football, bread and fermentation,
language learning, local history, cycling, street food, astronomy, climbing, poetry, open source,
pottery, cricket
""")
BIO_TEMPLATES = [
    "{role} in {place}. Here for {interest} and {interest2}.",
    "{role}. {place}. Posts about {interest}, mostly.",
    "{role} · {place} · {interest}",
    "Living in {place}. Talk to me about {interest}.",
    "{role} by day, {interest} by night.",
    "Moved to {place} for work, stayed for the {interest}.",
    "{role}. Slowly getting better at {interest}. Opinions are my own.",
    "{interest}, {interest2} and the occasional rant. {place}.",
    "",  # some people leave their bio empty
]
LINK_KINDS = [
    ("Website", "https://{username}.example.net/"),
    ("Blog", "https://blog.example.org/{username}"),
    ("Portfolio", "https://portfolio.example.com/{username}"),
    ("Photos", "https://photos.example.net/@{username}"),
]
EMOJI = ["🌿", "☕", "🚲", "📚", "🎧", "🌻", "✨", "🧶"]

# Letters that Unicode does not decompose into a base letter plus accents.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
    }
)


@dataclass
class _Person:
    given: str
    family: str
    display_name: str
    username: str = ""
    candidates: list[str] = field(default_factory=list)


def seed_users(
    *,
    count: int,
    password: str,
    progress: Callable[[int], object] | None = None,
    seed: int | None = None,
) -> list[User]:
    """Create `count` demo members who can all log in with `password`; return them.

    Each gets a confirmed email address, an Account with a display name, bio, sometimes links,
    sometimes approval of followers, and a generated avatar. `progress(n)` is called as members
    are made (a tqdm bar's `update` fits); `seed` makes the output repeatable.
    """
    rng = random.Random(seed)
    password_hash = make_password(password)
    users: list[User] = []
    for start in range(0, count, BATCH_SIZE):
        # Batch by batch, so the username lookups stay within the database's parameter limits
        # and each batch sees the members the previous one inserted.
        batch = [_invent_person(rng) for _ in range(min(BATCH_SIZE, count - start))]
        _assign_usernames(batch, rng)
        users.extend(_create_batch(batch, password_hash, rng, progress))
    return users


def _invent_person(rng: random.Random) -> _Person:
    given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES).replace("_", " ")
    style = rng.random()
    if style < 0.6:
        display = f"{given} {family}"
    elif style < 0.72:
        display = given
    elif style < 0.82:
        display = f"{given} {family[0].upper()}."
    elif style < 0.9:
        display = f"{given} {family}".lower()
    else:
        display = f"{given} {family} {rng.choice(EMOJI)}"
    return _Person(given=given, family=family, display_name=display)


def _ascii_slug(text: str) -> str:
    """ASCII letters and digits only: "Zoë O'Brien-Łoś" becomes "zoeobrienlos"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def _username_candidates(person: _Person, rng: random.Random) -> list[str]:
    """Usernames people pick for themselves, in a random order, then numbered fallbacks."""
    given, family = _ascii_slug(person.given), _ascii_slug(person.family)
    shapes = [
        f"{given}_{family}",
        f"{given}{family}",
        given,
        f"{given[0]}{family}",
        f"{family}_{given}",
        f"{given}_{family[0]}",
    ]
    rng.shuffle(shapes)
    # Numbered variants are always free eventually, so a long run never gets stuck.
    shapes += [f"{given}{rng.randint(2, 99)}", f"{given}_{family}{rng.randint(100, 9999)}"]
    return [name[:USERNAME_MAX_LENGTH] for name in shapes]


def _assign_usernames(people: Sequence[_Person], rng: random.Random) -> None:
    """Give each person a username that no User, Account or email address already has.

    One round of queries per attempt for the whole batch, not per person.
    """
    pending = list(people)
    for person in pending:
        person.candidates = _username_candidates(person, rng)
    chosen: set[str] = set()
    while pending:
        wanted = {person.candidates[0].lower() for person in pending}
        taken = _taken_usernames(wanted) | RESERVED_USERNAMES
        still_pending = []
        for person in pending:
            name = person.candidates.pop(0)
            if name.lower() in taken or name.lower() in chosen:
                if not person.candidates:
                    person.candidates = [f"{name[:24]}{rng.randint(100000, 999999)}"]
                still_pending.append(person)
                continue
            person.username = name
            chosen.add(name.lower())
        pending = still_pending


def _taken_usernames(wanted: set[str]) -> set[str]:
    users = User.objects.annotate(lowered=Lower("username")).filter(lowered__in=wanted)
    accounts = Account.objects.annotate(lowered=Lower("username")).filter(lowered__in=wanted)
    taken = set(users.values_list("lowered", flat=True)) | set(
        accounts.values_list("lowered", flat=True)
    )
    emails = EmailAddress.objects.filter(
        email__in=[f"{name}@{domain}" for name in wanted for domain in EMAIL_DOMAINS]
    ).values_list("email", flat=True)
    return taken | {email.split("@")[0] for email in emails}


def _create_batch(
    people: Sequence[_Person],
    password_hash: str,
    rng: random.Random,
    progress: Callable[[int], object] | None,
) -> list[User]:
    users, accounts = [], []
    for person in people:
        email = f"{person.username.lower()}@{rng.choice(EMAIL_DOMAINS)}"
        user = User(username=person.username, email=email, password=password_hash)
        account = _build_account(person, user, rng)
        # The avatar file is written before the rows, outside the transaction, so a live
        # server's writers are not kept waiting while images are drawn. If the insert fails, a
        # few orphaned demo images are left in storage; acceptable for demo data.
        account.avatar.save("avatar.webp", ContentFile(_render_avatar(person, rng)), save=False)
        users.append(user)
        accounts.append(account)
        if progress is not None:
            progress(1)
    with transaction.atomic():
        User.objects.bulk_create(users)
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users
        )
        Account.objects.bulk_create(accounts)
    return users


def _build_account(person: _Person, user: User, rng: random.Random) -> Account:
    return Account(
        user=user,
        username=person.username,
        display_name=person.display_name,
        bio=_bio(rng),
        links=_links(person.username, rng),
        locked=rng.random() < 0.15,
        discoverable=rng.random() < 0.9,
    )


def _bio(rng: random.Random) -> str:
    first, second = rng.sample(INTERESTS, 2)
    bio = rng.choice(BIO_TEMPLATES).format(
        role=rng.choice(ROLES), place=rng.choice(PLACES), interest=first, interest2=second
    )
    return bio[:1].upper() + bio[1:]


def _links(username: str, rng: random.Random) -> list[ProfileLink]:
    if rng.random() < 0.6:
        return []
    kinds = rng.sample(LINK_KINDS, rng.randint(1, min(2, MAX_PROFILE_LINKS)))
    return [ProfileLink(name=name, url=url.format(username=username)) for name, url in kinds]


# --- Avatars --------------------------------------------------------------------------------------


def _render_avatar(person: _Person, rng: random.Random) -> bytes:
    """A 400x400 WebP: the person's initials on a colour, or a symmetric block pattern."""
    hue = rng.random()
    background = _colour(hue, lightness=0.38)
    image = Image.new("RGB", (AVATAR_SIZE, AVATAR_SIZE), background)
    draw = ImageDraw.Draw(image)
    if rng.random() < 0.7:
        draw.text(
            (AVATAR_SIZE / 2, AVATAR_SIZE / 2),
            _initials(person),
            fill=(255, 255, 255),
            font=_font(),
            anchor="mm",
        )
    else:
        _draw_blocks(draw, rng, _colour((hue + 0.5) % 1.0, lightness=0.75))
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=80, method=2)  # method 2: 3x faster, ~same size
    return buffer.getvalue()


def _draw_blocks(draw: ImageDraw.ImageDraw, rng: random.Random, colour: tuple[int, ...]) -> None:
    """A 5x5 grid mirrored left to right, like the identicons code hosts give new members."""
    cells, margin = 5, 50
    size = (AVATAR_SIZE - 2 * margin) // cells
    for row in range(cells):
        for column in range(3):
            if rng.random() < 0.5:
                continue
            for col in {column, cells - 1 - column}:
                left, top = margin + col * size, margin + row * size
                draw.rectangle((left, top, left + size - 1, top + size - 1), fill=colour)


def _colour(hue: float, *, lightness: float) -> tuple[int, ...]:
    # Fixed lightness and saturation keep white initials readable on every hue.
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, 0.55)
    return (round(red * 255), round(green * 255), round(blue * 255))


def _initials(person: _Person) -> str:
    # Pillow's built-in font covers ASCII only, so "Łukasz Øvergaard" is drawn as "LO".
    words = [_ascii_slug(word) for word in person.display_name.split()]
    letters = [word[0] for word in words if word and word[0].isalpha()]
    return "".join(letters[:1] + letters[1:][-1:]).upper() or "?"


@cache
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=170)
