"""What demo members write: sentence pools and the functions that put posts together.

Each member gets a few interests (TOPICS keys, which double as their hashtags) and mostly posts
about those, so a profile reads like one person and a tag timeline like one conversation. All of
it is invented here; links go to example.org (RFC 2606), so nothing real is advertised.
"""

import random
from collections.abc import Sequence

# A topic's hashtag is its key. Sentences may use {place} and {day}.
TOPICS: dict[str, tuple[str, ...]] = {
    "gardening": (
        "The tomatoes finally came up after a week of sulking.",
        "Planted garlic along the back fence today. See you in July, little cloves.",
        "Slugs ate every single lettuce seedling overnight. Every one.",
        "Allotment update: beans are climbing, courgettes are plotting world domination.",
        "Repotted the monstera and now it is bigger than the sofa.",
        "First ripe strawberry of the year went straight from the plant into my mouth.",
    ),
    "cycling": (
        "Rode to work in the rain and honestly it was the best part of the day.",
        "New chain, new cables, and the old bike feels like a new one.",
        "Forty kilometres along the river this morning. Legs are complaining, brain is happy.",
        "A painted line is not a bike lane. That is all.",
        "Fixed my first puncture at the roadside without swearing. Growth.",
        "{day} ride: headwind both ways somehow.",
    ),
    "photography": (
        "Golden hour over the harbour, and for once I had the camera with me.",
        "Developed my first roll of black and white film. Half of it is blurry and I love it.",
        "Spent an hour waiting for a heron to move. It did not move.",
        "Trying the 50mm only for a month. No zooming, just walking closer.",
        "Fog this morning made the whole street look like a film set.",
    ),
    "localnews": (
        "The library in {place} is extending its opening hours. Good news for once.",
        "Roadworks on the main street again. Third time this year.",
        "Market hall reopens on {day} after the renovation.",
        "Council meeting tonight about the new bus routes. Bring snacks, it will be long.",
        "The bakery on the corner is closing after forty years. End of an era.",
        "Free repair café at the community centre on {day}: bring your broken toasters.",
    ),
    "books": (
        "Finished a novel at 2am and now I need someone to talk about that ending with.",
        "My to-read pile has become a to-read wall.",
        "Reading a history of maps and every chapter is a rabbit hole.",
        "Library haul: three novels, a cookbook and a book about moss.",
        "Halfway through a 900-page fantasy series and I regret nothing.",
        "Re-read a book I loved at sixteen. It holds up, mostly.",
    ),
    "cooking": (
        "Made dal for the first time from my aunt's notes. Tastes like being twelve again.",
        "The sourdough starter is alive and smells faintly of apples.",
        "Burnt the onions, rescued the soup. Nobody needs to know.",
        "Batch-cooked for the week and now the freezer is full of little victories.",
        "Homemade dumplings: ugly, delicious, gone in ten minutes.",
        "Tried a new curry recipe and the whole flat smells amazing.",
    ),
    "birdwatching": (
        "A kingfisher by the canal this morning! Blue flash, gone in a second.",
        "The blackbird outside my window starts singing at 4:40 sharp.",
        "Counted eleven species in the park during lunch. Not bad for the city.",
        "There is a pair of swifts nesting under the roof and I am unreasonably proud.",
    ),
    "boardgames": (
        "Game night: I lost every round and had the best time.",
        "We finished the campaign after six months. Emotional.",
        "Bought a new co-op game and we already lost to it twice.",
        "Teaching my parents a trading game was a mistake. They are ruthless.",
    ),
    "running": (
        "Five kilometres without stopping for the first time!",
        "Morning run in the frost. Everything sparkled.",
        "Signed up for a half marathon in the spring. What have I done.",
        "Rest day, which means I think about running all day instead.",
    ),
    "coffee": (
        "Third coffee of the day and it is not even noon.",
        "Dialled in the grinder and the espresso finally tastes like chocolate.",
        "Found a tiny café near the station with the best flat white in {place}.",
        "Switched to decaf after 3pm. Sleep is a revelation.",
    ),
    "music": (
        "Found a box of old jazz records at the flea market for almost nothing.",
        "Practised the same four bars on guitar for an hour. Progress is slow but real.",
        "Small gig in a back room last night and the band was incredible.",
        "Playlist for rainy afternoons is finally finished.",
    ),
    "hiking": (
        "Up the ridge before sunrise. Worth every step.",
        "Eighteen kilometres, two sandwiches, one very friendly dog.",
        "Trail was muddier than promised. Boots are now a different colour.",
        "Found a waterfall twenty minutes from the car park that nobody seems to know about.",
    ),
    "knitting": (
        "Finished the left sleeve. The right one is a problem for future me.",
        "Frogged three evenings of work because of one missed stitch. Deep breaths.",
        "Wool shop had a sale and now I have a stash problem.",
    ),
    "astronomy": (
        "Clear skies at last: Jupiter and four moons through the little telescope.",
        "Saw the space station pass over {place} tonight. Waved.",
        "Meteor shower peaks on {day}. Setting an alarm for 3am.",
    ),
    "opensource": (
        "My first pull request got merged and I am grinning at my screen.",
        "Spent the evening writing documentation. Future me will be grateful.",
        "Triaged twenty issues and closed twelve. Satisfying.",
        "Reminder: maintainers are people. Say thank you now and then.",
    ),
}

EVERYDAY = (
    "Good morning, everyone. The kettle is on.",
    "The neighbour's cat has decided my balcony is now her balcony.",
    "Took the long way home just to walk past the river.",
    "Cleaned the whole flat and then sat on the floor because everything was too clean.",
    "It is {day} and I have achieved nothing, gloriously.",
    "Power cut for two hours. Read by candlelight like it was 1850.",
    "Rain all day in {place}. Perfect excuse to stay in.",
    "Small joys: a warm bakery, a friendly bus driver, a sunny bench.",
    "Forgot my umbrella, obviously, because it rained, obviously.",
    "New week, new to-do list, same old procrastination.",
    "My plant survived the holidays. I am counting this as a win.",
    "The first really warm evening of the year. Everyone in {place} is outside.",
    "Visited my grandmother and came home with enough food for a week.",
    "Learning a new language on the tram every morning. Slowly, slowly.",
)

QUESTIONS = (
    "What are you all reading at the moment?",
    "Any recommendations for a quiet café in {place}?",
    "What is the one kitchen tool you could not live without?",
    "How do you keep houseplants alive when you travel?",
    "Best podcast for a long train ride? Go.",
    "Does anyone know a good repair shop for old cameras?",
    "What small habit made your week better?",
    "Tea or coffee, and why is it tea?",
    "Which hobby did you pick up this year and keep?",
)

LINKS = (
    "Wrote up my notes from the weekend: https://example.org/blog/{slug}",
    "This is a lovely read about {topic}: https://example.org/articles/{slug}",
    "Photos from {day} are up: https://example.org/photos/{slug}",
    "Useful guide, bookmarking it for later https://example.org/guides/{slug}",
    "Our little community newsletter is out: https://example.org/news/{slug}",
)

WITH_MENTION = (
    "Had a great chat with @{friend} about {topic} today.",
    "@{friend} was right about that recipe. Never doubting you again.",
    "Thanks @{friend} for the recommendation, it was perfect.",
    "Anyone else going to the meetup on {day}? @{friend} and I will be there.",
)

REPLIES = (
    "Oh, this is lovely!",
    "Same here, honestly.",
    "Congratulations! That is brilliant news.",
    "Ha, I know exactly what you mean.",
    "Ooh, tell me more?",
    "That looks wonderful.",
    "I had no idea, thanks for sharing.",
    "Good luck! You've got this.",
    "This made my day.",
    "Agreed, completely.",
    "Where was this? It looks amazing.",
    "I tried that last year, worth it.",
    "Saving this for later.",
    "Not sure I agree, but I see your point.",
    "Now I want to try it too.",
    "Thank you! It took a while.",
    "Haha, yes. Every single time.",
    "Let me know how it goes!",
)

CONTENT_WARNINGS = (
    "food",
    "long post",
    "mild rant",
    "spoilers",
    "politics",
    "eye contact",
    "health",
)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SLUG_WORDS = (
    "spring",
    "notes",
    "weekend",
    "river",
    "market",
    "walk",
    "kitchen",
    "garden",
    "ideas",
    "small",
    "things",
    "city",
)


def post_text(
    rng: random.Random,
    *,
    interests: Sequence[str],
    place: str,
    friends: Sequence[str],
) -> str:
    """A post's text: an everyday line, a question, a link or a topic line, often tagged."""
    fill = {
        "place": place,
        "day": rng.choice(DAYS),
        "topic": rng.choice(interests),
        "slug": "-".join(rng.sample(SLUG_WORDS, 2)),
        "friend": rng.choice(friends) if friends else "",
    }
    kind = rng.random()
    if kind < 0.12 and friends:
        body = rng.choice(WITH_MENTION)
    elif kind < 0.27:
        body = rng.choice(EVERYDAY)
    elif kind < 0.37:
        body = rng.choice(QUESTIONS)
    elif kind < 0.45:
        body = rng.choice(LINKS)
    else:
        body = rng.choice(TOPICS[fill["topic"]])
    text = body.format(**fill)
    if rng.random() < 0.65:
        tags = [fill["topic"], *rng.sample(list(interests), 1)]
        text += "\n\n" + " ".join(f"#{tag}" for tag in dict.fromkeys(tags[: rng.randint(1, 2)]))
    return text


def reply_text(rng: random.Random, *, to: str) -> str:
    return f"@{to} {rng.choice(REPLIES)}"


def interests_for(rng: random.Random) -> list[str]:
    return rng.sample(list(TOPICS), rng.randint(2, 3))
