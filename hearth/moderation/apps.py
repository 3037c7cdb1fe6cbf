from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "hearth.moderation"
    label = "moderation"
    verbose_name = "Moderation and policies"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from hearth.moderation import rules, screening
        from hearth.moderation.models import BlockedPhrase, ServerRule
        from hearth.posts.screening import POST_SCREENERS

        for screener in screening.SCREENERS:
            if screener not in POST_SCREENERS:
                POST_SCREENERS.append(screener)
        for model, receiver in (
            (ServerRule, rules.on_rule_changed),
            (BlockedPhrase, rules.on_phrase_changed),
        ):
            uid = f"hearth.moderation.{model.__name__}"
            post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.saved")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.deleted")
