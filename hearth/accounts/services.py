"""Writes to users and accounts. The only place that creates or changes them."""

from django.db import transaction

from hearth.accounts.models import Account, User


@transaction.atomic
def account_create_for_user(*, user: User) -> Account:
    """Give a freshly signed-up user their public identity."""
    return Account.objects.create(user=user, username=user.username)


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str,
    is_admin: bool = False,
    email_verified: bool = True,
) -> User:
    """Create a ready-to-use member (operators, seed data, tests): validated, with an Account.

    Raises django.core.exceptions.ValidationError on a bad or taken username, email or password.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = User(username=username, email=email, is_staff=is_admin, is_superuser=is_admin)
    user.full_clean(exclude=["password"])
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken."})
    if email and EmailAddress.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "That email address is already in use."})
    validate_password(password, user)
    user.set_password(password)
    user.save()
    if email:
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    account_create_for_user(user=user)
    return user
