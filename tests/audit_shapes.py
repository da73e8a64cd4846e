"""Reading the shape of one-event-per-action audit events in tests."""

from typing import Any

from audit.models import AuditEvent


def effects_of(event: AuditEvent) -> list[dict[str, Any]]:
    """Every effect of the event, those of nested actions included, in the order they happened."""
    found: list[dict[str, Any]] = []

    def walk(effects: list[dict[str, Any]]) -> None:
        for effect in effects:
            found.append(effect)
            walk(effect["details"].get("effects", []))

    walk(event.details.get("effects", []))
    return found


def kinds_of(event: AuditEvent) -> list[str]:
    """The event's own action, then those of its effects."""
    return [event.action, *(effect["action"] for effect in effects_of(event))]


def the_effect(action: str, **filters: Any) -> tuple[AuditEvent, dict[str, Any]]:
    """The latest event (of `filters`) that has an effect `action`, and that effect's latest."""
    for event in AuditEvent.objects.filter(**filters).order_by("-pk"):
        matching = [effect for effect in effects_of(event) if effect["action"] == action]
        if matching:
            return event, matching[-1]
    raise AssertionError(f"no event has an effect {action}")


def actions_in(**filters: Any) -> list[str]:
    """Every action recorded, as an event or as an effect, among the events of `filters`."""
    return [
        kind
        for event in AuditEvent.objects.filter(**filters).order_by("pk")
        for kind in kinds_of(event)
    ]
