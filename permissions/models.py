"""Roles are Django groups and object permissions are guardian rows; this app adds no tables."""
