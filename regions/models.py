"""Indonesia's administrative regions as the Ministry of Home Affairs (Kemendagri) codes them.

A code names its parents: 36 is Banten, 36.02 the regency of Lebak, 36.02.14 its district of
Rangkasbitung, 36.02.14.2001 the village of Pasirtanjung. A village's last part starts with 1
for a kelurahan (an urban ward, headed by a civil servant) and with 2 for a desa (a village with
its own elected head), and letters address them differently.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Regency(models.Model):
    """A kabupaten or kota: the area of one Dinas Sosial and of the LK3 reporting to it."""

    code = models.CharField(_("Kemendagri code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("regency")
        verbose_name_plural = _("regencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A kecamatan."""

    code = models.CharField(_("Kemendagri code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="districts", verbose_name=_("regency")
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name", "code"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A desa or kelurahan."""

    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="villages", verbose_name=_("district")
    )
    urban = models.BooleanField(_("kelurahan"), default=False)

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["name", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def designation(self) -> str:
        """How an address names it: "Kel. Cijoro Lebak", "Desa Pasirtanjung"."""
        return f"{'Kel.' if self.urban else 'Desa'} {self.name}"
