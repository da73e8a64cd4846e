"""Choosing a village: a long list, read as a person looks for it, under its district."""

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator


class VillagesByDistrict(ModelChoiceIterator):
    """The villages in groups named after their districts (the queryset is ordered so)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for district, villages in groupby(self.queryset, key=lambda village: village.district):
            yield (district.name, [self.choice(village) for village in villages])


class VillageChoiceField(forms.ModelChoiceField):
    iterator = VillagesByDistrict
