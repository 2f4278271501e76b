"""The registry of a column's codes (`core.kinds.KindRegistry`)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from core.kinds import KindRegistry


class Colour(models.TextChoices):
    RED = "red", "Red"
    BLUE = "blue", "Blue"


def test_kinds_keep_the_order_they_were_registered_in():
    registry = KindRegistry("colour")
    registry.register(Colour)
    registry.register([("green", "Green")])
    assert registry.choices() == [("red", "Red"), ("blue", "Blue"), ("green", "Green")]
    assert list(registry) == registry.choices()
    assert len(registry) == 3
    assert "green" in registry and "grey" not in registry


def test_a_label_is_the_registered_one_or_else_the_code():
    registry = KindRegistry("colour")
    registry.register(Colour)
    assert registry.label("blue") == "Blue"
    assert registry.label("grey") == "grey"


def test_registering_the_same_kinds_again_is_harmless():
    registry = KindRegistry("colour")
    registry.register(Colour)
    registry.register(Colour)
    assert registry.choices() == [("red", "Red"), ("blue", "Blue")]


def test_a_code_taken_with_another_label_is_refused():
    registry = KindRegistry("colour")
    registry.register(Colour)
    with pytest.raises(ImproperlyConfigured, match="'red'"):
        registry.register([("red", "Crimson")])
    assert registry.label("red") == "Red"


def test_unregistering_removes_the_kind():
    registry = KindRegistry("colour")
    registry.register(Colour)
    registry.unregister([Colour.RED, "grey"])
    assert registry.choices() == [("blue", "Blue")]
