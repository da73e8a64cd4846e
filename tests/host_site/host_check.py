"""Run inside the host site: LK3 Flow's pages work from the installed package alone."""

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

import lk3_flow  # noqa: E402
from permissions.services import grant_role  # noqa: E402

print("lk3_flow imported from", lk3_flow.__file__)
user = get_user_model().objects.create_user("petugas", password="host-site-password-1")
grant_role(user, "intake_officer")
client = Client()
assert client.get("/layanan/cases/").status_code == 302, "pages need a login"
client.force_login(user)
listing = client.get("/layanan/cases/")
assert listing.status_code == 200, listing.status_code
intake = client.get("/layanan/case/intake/")
assert intake.status_code == 200, intake.status_code
print("intake page:", "NIK" in intake.content.decode())
print("HOST OK")
