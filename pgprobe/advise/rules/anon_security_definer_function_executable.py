"""A security definer function in the API that anyone with the anon key may call."""

from __future__ import annotations

from ._definer import SecurityDefinerExecutableBy


class AnonSecurityDefinerFunctionExecutable(SecurityDefinerExecutableBy):
    role = "anon"
    name, level, category = "anon_security_definer_function_executable", "WARN", "security"
    title = "anon can execute a SECURITY DEFINER function"
    splinter = "0028_anon_security_definer_function_executable"
    what = ("A `security definer` function in an exposed schema on which `anon` has "
            "EXECUTE (functions are executable by PUBLIC unless revoked).")
    why = ("It runs with its owner's rights (usually bypassing RLS) and anyone with the anon key can call it "
           "as `POST /rest/v1/rpc/<name>`.")
    fix = ("`revoke execute on function ... from public, anon;`, make it "
           "`security invoker`, or move it out of the exposed schema.")
    example = ("create function public.delete_all() returns void language sql "
               "security definer as 'select';")
