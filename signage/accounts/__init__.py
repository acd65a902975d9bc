"""Staff accounts: users and their roles, API tokens, the sign-in limiter, the audit log."""
