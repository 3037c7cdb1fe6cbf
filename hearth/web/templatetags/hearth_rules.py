"""`{% server_rules as rules %}`: the server rules, for pages whose view Hearth doesn't own
(allauth's sign-up). Cached in hearth.moderation.rules, so it usually costs no query."""

from django import template

from hearth.moderation.rules import Rule, server_rule_list

register = template.Library()


@register.simple_tag
def server_rules() -> list[Rule]:
    return server_rule_list()
