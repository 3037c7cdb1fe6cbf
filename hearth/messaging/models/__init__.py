from hearth.messaging.models.conversation import Conversation, ConversationPost
from hearth.messaging.models.member import ConversationMember

__all__ = ["Conversation", "ConversationMember", "ConversationPost"]
