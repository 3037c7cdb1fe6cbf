"""Create the four policy pages, so admins find them in the admin from the first start. They have
no versions: until one is saved, each shows the text shipped with Hearth."""

from django.db import migrations

SLUGS = ["about", "privacy", "terms", "guidelines"]


def create_pages(apps, schema_editor):
    PolicyPage = apps.get_model("moderation", "PolicyPage")
    for slug in SLUGS:
        PolicyPage.objects.get_or_create(slug=slug)


def delete_unedited_pages(apps, schema_editor):
    PolicyPage = apps.get_model("moderation", "PolicyPage")
    PolicyPage.objects.filter(slug__in=SLUGS, versions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(create_pages, delete_unedited_pages)]
