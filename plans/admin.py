"""Nothing here is registered, deliberately.

A case plan is part of the case file: it is read and changed only on the case's pages and its
process steps, which ask who may see the case. The administrator sees no case file at all.
"""
