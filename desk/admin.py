"""Nothing here is registered, deliberately.

What a person asked the office on the phone is read on the direct services' pages, which ask
`desk.selectors` who may see it; the administrator, who works in Django's admin, sees none of
it, and the outreach events are the counselors' and heads' to record.
"""
