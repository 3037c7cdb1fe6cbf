"""Create the demo admin that `make run` promises, once, and print its login that one time."""

import secrets
from typing import Any

from django.core.management.base import BaseCommand

from hearth.accounts.models import User
from hearth.accounts.services import user_create

DEMO_ADMIN = "demo_admin"


class Command(BaseCommand):
    help = "Create a demo admin account (first run only) and print its login."

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists already; log in with it.")
            return
        password = secrets.token_urlsafe(12)
        user_create(
            username=DEMO_ADMIN,
            email=f"{DEMO_ADMIN}@example.org",
            password=password,
            is_admin=True,
        )
        self.stdout.write(
            self.style.SUCCESS(
                "\n  Demo admin created. Log in with:\n"
                f"    username: {DEMO_ADMIN}\n    password: {password}\n"
                "  This password is shown only now. Change it in Settings → Password.\n"
            )
        )
