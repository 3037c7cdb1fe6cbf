from hearth.graph.models.block import Block
from hearth.graph.models.follow import Follow
from hearth.graph.models.follow_request import FollowRequest
from hearth.graph.models.mute import Mute

__all__ = ["Block", "Follow", "FollowRequest", "Mute"]
