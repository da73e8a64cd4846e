"""Attachments are deliberately absent from the admin: they are case files, and the admin's
users (the Pengelola) never see a case file. They are read on the case page only."""
