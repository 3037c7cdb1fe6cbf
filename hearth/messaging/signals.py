"""Signals for the apps above messaging (realtime): sent once the change is committed."""

from django.dispatch import Signal

#: A direct post was filed in a conversation: conversation_id, post_id, and account_ids, the
#: participants whose side of it changed (those who may see the post).
conversation_updated = Signal()
