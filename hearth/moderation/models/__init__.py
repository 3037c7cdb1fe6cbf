from hearth.moderation.models.policy import PolicyPage, PolicySlug, PolicyVersion

__all__ = ["PolicyPage", "PolicySlug", "PolicyVersion"]
