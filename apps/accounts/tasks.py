"""Celery tasks of accounts (queue ``background``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="apps.accounts.tasks.learn_company_website",
    acks_late=True,
    time_limit=300,
    soft_time_limit=270,  # below time_limit, or Celery refuses to send the task (the default is 840)
)
def learn_company_website(user_pk: str, company_pk: int) -> str:
    """Learn a company from its website (onboarding, PUT /company). NOT IMPLEMENTED YET.

    What it does today: records on the company row (``additional_info["website_learning"]``)
    that learning was requested, by whom and when, with status ``pending`` — nothing else. It does
    not fetch the site, so the company keeps no name, emoji or description from it.

    Pending (arrives with the documents and LLM work): fetch the page, extract name, description
    and emoji with ``prompts/accounts/extract_company_infos_from_webpage.mpt``, store them on the
    company and as the user's ``company_description``, and crawl the site into documents.

    Idempotent: a second run only rewrites the same request record. Returns quietly when the user
    or the company is gone.
    """
    from apps.accounts.profile import record_company_learning_request

    return record_company_learning_request(user_pk, company_pk)
