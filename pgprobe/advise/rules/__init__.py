"""Every advisor rule, one small class per module: Splinter's lints in Splinter's order, then
pgprobe's PostgREST-aware rules.

>>> len([r for r in RULES if r.splinter]), RULES[0].name
(28, 'unindexed_foreign_keys')
"""

from __future__ import annotations

from ._base import Rule
from .ambiguous_embed import AmbiguousEmbed
from .anon_security_definer_function_executable import AnonSecurityDefinerFunctionExecutable
from .auth_rls_initplan import AuthRlsInitplan
from .auth_users_exposed import AuthUsersExposed
from .authenticated_security_definer_function_executable import (
    AuthenticatedSecurityDefinerFunctionExecutable,
)
from .duplicate_index import DuplicateIndex
from .extension_in_public import ExtensionInPublic
from .extension_versions_outdated import ExtensionVersionsOutdated
from .fk_invisible_to_postgrest import FkInvisibleToPostgrest
from .fkey_to_auth_unique import FkeyToAuthUnique
from .foreign_table_in_api import ForeignTableInApi
from .function_search_path_mutable import FunctionSearchPathMutable
from .insecure_queue_exposed_in_api import InsecureQueueExposedInApi
from .materialized_view_in_api import MaterializedViewInApi
from .multiple_permissive_policies import MultiplePermissivePolicies
from .no_primary_key import NoPrimaryKey
from .pg_graphql_anon_table_exposed import PgGraphqlAnonTableExposed
from .pg_graphql_authenticated_table_exposed import PgGraphqlAuthenticatedTableExposed
from .policy_exists_rls_disabled import PolicyExistsRlsDisabled
from .policy_function_not_executable import PolicyFunctionNotExecutable
from .public_bucket_allows_listing import PublicBucketAllowsListing
from .rls_disabled_in_public import RlsDisabledInPublic
from .rls_enabled_no_policy import RlsEnabledNoPolicy
from .rls_hides_all_rows import RlsHidesAllRows
from .rls_policy_always_true import RlsPolicyAlwaysTrue
from .rls_references_user_metadata import RlsReferencesUserMetadata
from .security_definer_view import SecurityDefinerView
from .sensitive_columns_exposed import SensitiveColumnsExposed
from .table_bloat import TableBloat
from .unindexed_foreign_keys import UnindexedForeignKeys
from .unsupported_reg_types import UnsupportedRegTypes
from .unused_index import UnusedIndex
from .view_bypasses_rls import ViewBypassesRls

RULES: tuple[Rule, ...] = (
    UnindexedForeignKeys(),
    AuthUsersExposed(),
    AuthRlsInitplan(),
    NoPrimaryKey(),
    UnusedIndex(),
    MultiplePermissivePolicies(),
    PolicyExistsRlsDisabled(),
    RlsEnabledNoPolicy(),
    DuplicateIndex(),
    SecurityDefinerView(),
    FunctionSearchPathMutable(),
    RlsDisabledInPublic(),
    ExtensionInPublic(),
    RlsReferencesUserMetadata(),
    MaterializedViewInApi(),
    ForeignTableInApi(),
    UnsupportedRegTypes(),
    InsecureQueueExposedInApi(),
    TableBloat(),
    FkeyToAuthUnique(),
    ExtensionVersionsOutdated(),
    SensitiveColumnsExposed(),
    RlsPolicyAlwaysTrue(),
    PublicBucketAllowsListing(),
    PgGraphqlAnonTableExposed(),
    PgGraphqlAuthenticatedTableExposed(),
    AnonSecurityDefinerFunctionExecutable(),
    AuthenticatedSecurityDefinerFunctionExecutable(),
    AmbiguousEmbed(),
    FkInvisibleToPostgrest(),
    PolicyFunctionNotExecutable(),
    RlsHidesAllRows(),
    ViewBypassesRls(),
)

__all__ = ["RULES", "Rule"]
