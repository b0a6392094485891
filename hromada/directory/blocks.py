"""Blocks that other capabilities add to an addressee's page (appeal forms, queues, surveys).

An app registers a function in its AppConfig.ready(); the function returns a Block, or None
when it has nothing to show for that addressee.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Block:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


BlockProvider = Callable[[HttpRequest, Any], Block | None]
_providers: list[BlockProvider] = []


def register_block(provider: BlockProvider) -> BlockProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def addressee_blocks(request: HttpRequest, addressee) -> list[Block]:
    blocks = [block for provider in _providers if (block := provider(request, addressee))]
    return sorted(blocks, key=lambda block: block.order)
