"""Who manages partner access: administrators issue and revoke keys and webhooks."""

import rules

from hromada.accounts.rules import is_administrator

rules.add_perm("integrations.manage_partners", is_administrator)
