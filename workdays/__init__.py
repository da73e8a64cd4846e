"""The office's working days, and how many of them each step of a case may take.

This app sits low: it knows the stages of a case (`lk3_flow.choices`) and nothing else of the
case domain, so that the case services can ask it for a due date.
"""
