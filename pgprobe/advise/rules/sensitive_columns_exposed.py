"""An exposed table without RLS whose column names say they hold secrets or PII."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule
from .rls_disabled_in_public import open_api_tables

# Column names (lower case, "-" read as "_") that usually hold credentials or personal data.
SENSITIVE_NAMES = frozenset({
    "password", "passwd", "pwd", "passphrase", "secret", "secret_key", "private_key", "api_key",
    "apikey", "auth_key", "token", "jwt", "access_token", "refresh_token", "oauth_token",
    "session_token", "bearer_token", "auth_code", "session_id", "session_key", "session_secret",
    "recovery_code", "backup_code", "verification_code", "otp", "two_factor", "2fa_secret",
    "2fa_code", "ssn", "social_security", "social_security_number", "driver_license",
    "drivers_license", "license_number", "passport_number", "passport_id", "national_id",
    "tax_id", "credit_card", "card_number", "cvv", "cvc", "cvn", "bank_account", "account_number",
    "routing_number", "iban", "swift_code", "bic", "health_record", "medical_record",
    "patient_id", "insurance_number", "health_insurance", "medical_insurance", "treatment",
    "mac_address", "macaddr", "imei", "device_uuid", "pgp_key", "gpg_key", "ssh_key",
    "certificate", "license_key", "activation_key", "facial_recognition",
})


def sensitive(column: str) -> bool:
    return column.lower().replace("-", "_") in SENSITIVE_NAMES


class SensitiveColumnsExposed(Rule):
    name, level, category = "sensitive_columns_exposed", "ERROR", "security"
    title = "Sensitive columns exposed"
    splinter = "0023_sensitive_columns_exposed"
    what = ("An exposed table without RLS, selectable by the API roles, with a column named "
            "like a credential or personal identifier (`password`, `api_key`, `ssn`, `iban`...).")
    why = "Those values are one `GET /rest/v1/<table>?select=password` away for anyone with the anon key."
    fix = "Enable RLS with policies, revoke the column, or move the secrets out of the exposed schema."
    example = ("create table public.accounts (id bigint primary key, email text, password text);\n"
               "grant select on public.accounts to anon;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel, roles in open_api_tables(ctx):
            columns = sorted(c.name for c in rel.columns if sensitive(c.name))
            if columns:
                yield self.finding(rel.schema, rel.name,
                                   f"Table {rel.qualified_name} is exposed without RLS and has "
                                   f"sensitive columns: {', '.join(columns)}.",
                                   columns=columns, roles=roles)
