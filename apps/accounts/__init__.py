"""Accounts: users (md_user), tokens, login providers, onboarding."""
