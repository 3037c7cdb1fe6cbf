"""The default server rules: the ten "Server rules" of the shipped community guidelines
(hearth/moderation/content/guidelines.md), the bold lead as the rule, the rest as its hint."""


from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

DEFAULT_RULES = [
    (
        "Treat people with respect.",
        "Disagree with ideas, not with people's right to exist. No harassment: don't insult, "
        "threaten, "
        "intimidate or pile on anyone, don't keep contacting someone who has asked you to stop "
        "or has blocked you, and don't encourage others to do it for you.",
    ),
    (
        "No hate.",
        "Don't attack or demean people for their race, ethnicity, nationality, caste, religion, "
        "gender, gender identity, sexual orientation, disability, age or serious illness.",
    ),
    (
        "No violent extremism or terrorist content.",
        "Don't promote, praise, recruit for or support terrorist or violent extremist groups or "
        "their attacks, or share their propaganda.",
    ),
    (
        "No threats or glorification of violence.",
        "Don't threaten anyone, wish harm on them, or celebrate violence against real people. "
        "Don't encourage self-harm or suicide.",
    ),
    (
        "No illegal content.",
        "Nothing illegal, including sexual content involving minors in any form, the sale of "
        "illegal goods, or material that infringes someone's copyright.",
    ),
    (
        "No non-consensual imagery.",
        "Never share intimate or sexual images of anyone without their consent, including "
        "leaked or digitally manipulated ones.",
    ),
    (
        "Respect privacy.",
        "Don't publish other people's private information (address, phone number, private "
        "messages, workplace) without their permission.",
    ),
    (
        "No spam or manipulation.",
        "No advertising nobody asked for, repeated or automated content, misleading links, scams "
        "or phishing; no fake popularity with several accounts or bought followers.",
    ),
    (
        "Be who you say you are.",
        "Parody and pseudonyms are welcome, but don't impersonate real people or organisations "
        "in a way meant to deceive.",
    ),
    (
        "Mark sensitive content.",
        "Put a content warning on nudity, graphic violence and other material people may not "
        "want to see unprepared.",
    ),
]


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rule = apps.get_model("moderation", "ServerRule")
    if rule.objects.exists():
        return
    rule.objects.bulk_create(
        rule(text=text, hint=hint, position=number)
        for number, (text, hint) in enumerate(DEFAULT_RULES, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0005_server_rules_blocked_phrases")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
