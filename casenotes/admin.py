"""Nothing here is registered, deliberately.

Notes and contacts are part of a case file: they are read and added only on the case's pages,
which ask who may see the case and who may read a confidential note. The administrator, who
works in Django's admin, sees no case file at all.
"""
