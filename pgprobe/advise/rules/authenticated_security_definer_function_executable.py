"""A security definer function in the API that every signed-in user may call."""

from __future__ import annotations

from ._definer import SecurityDefinerExecutableBy


class AuthenticatedSecurityDefinerFunctionExecutable(SecurityDefinerExecutableBy):
    role = "authenticated"
    name, level, category = "authenticated_security_definer_function_executable", "WARN", "security"
    title = "authenticated can execute a SECURITY DEFINER function"
    splinter = "0029_authenticated_security_definer_function_executable"
    what = ("A `security definer` function in an exposed schema on which `authenticated` has "
            "EXECUTE (functions are executable by PUBLIC unless revoked).")
    why = ("It runs with its owner's rights (usually bypassing RLS) and every signed-in user can call it "
           "as `POST /rest/v1/rpc/<name>`.")
    fix = ("`revoke execute on function ... from public, authenticated;`, make it "
           "`security invoker`, or move it out of the exposed schema.")
    example = ("create function public.delete_all() returns void language sql "
               "security definer as 'select';")
