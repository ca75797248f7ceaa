"""Pages for functions (signature, SECURITY DEFINER, search_path, who can execute), enums
and domains (values, checks, the columns that use them)."""

from __future__ import annotations

from ..catalog._model import Domain, EnumType, Function
from ._access import can_execute, executors
from ._context import Context
from ._inline import code, link, text
from ._page import Block, Bullets, Code, Heading, Page, Paragraph, Table
from ._paths import README


def _search_path(fn: Function) -> str | None:
    return next((c.split("=", 1)[1] for c in fn.config if c.startswith("search_path=")), None)


def _security(fn: Function) -> str:
    if not fn.security_definer:
        return "SECURITY INVOKER (runs with the caller's privileges)"
    if _search_path(fn) is None:
        return ("**SECURITY DEFINER without a fixed search_path**: runs as its owner and "
                "resolves names through the caller's search_path")
    return "SECURITY DEFINER (runs with its owner's privileges)"


def function_page_for(ctx: Context, path: str, fn: Function) -> Page:
    search_path = _search_path(fn)
    returns = fn.result or (("SETOF " if fn.returns_set else "") + fn.return_type)
    facts = [
        ("signature", code(fn.signature)),
        ("arguments", code(fn.arguments) if fn.arguments else "none"),
        ("returns", code(returns)),
        ("kind", fn.kind),
        ("language", code(fn.language)),
        ("volatility", fn.volatility),
        ("security", _security(fn)),
        ("search_path", code(search_path) if search_path else "not set"),
        ("owner", code(fn.owner) if fn.owner else ""),
        ("EXECUTE granted to", ", ".join(code(r) for r in executors(fn))),
    ]
    blocks: list[Block] = [
        Heading(1, f"{fn.kind} {fn.qualified_name}"),
        Paragraph(f"{link('Schema overview', README, path)} › {code(fn.schema)} › "
                  f"{code(fn.name)}"),
        Paragraph(text(fn.comment) if fn.comment else "_No comment._"),
        Table(("", ""), tuple((k, v) for k, v in facts)),
    ]
    if fn.schema in ctx.exposed and fn.kind == "function" and ctx.roles:
        rows = tuple((code(r), "yes" if can_execute(ctx.snapshot, fn, r) else "no")
                     for r in ctx.roles)
        blocks += [Heading(2, "PostgREST"),
                   Paragraph(f"Callable as {code(f'POST /rpc/{fn.name}')} by the roles that "
                             "may execute it."), Table(("role", "can call"), rows)]
    if fn.config:
        blocks += [Heading(2, "Settings"), Bullets(tuple(code(c) for c in fn.config))]
    if fn.definition:
        lang = "sql" if fn.language in ("sql", "plpgsql") else ""
        blocks += [Heading(2, "Definition"), Code(fn.definition.strip("\n"), lang)]
    return Page(path, f"function {fn.signature}", "function", fn.signature, tuple(blocks))


def _users(ctx: Context, qualified: str, here: str) -> list[Block]:
    rows = []
    for rel, col in ctx.type_users.get(qualified, ()):
        page = ctx.relation_page(rel.qualified_name)
        name = link(code(rel.qualified_name), page, here) if page else code(rel.qualified_name)
        rows.append((name, code(col.name), code(col.type)))
    if not rows:
        return [Heading(2, "Used by"), Paragraph("No column of a documented table uses it.")]
    return [Heading(2, "Used by"), Table(("relation", "column", "type"), tuple(rows))]


def enum_page_for(ctx: Context, path: str, enum: EnumType) -> Page:
    blocks: list[Block] = [
        Heading(1, f"enum {enum.qualified_name}"),
        Paragraph(f"{link('Schema overview', README, path)} › {code(enum.schema)} › "
                  f"{code(enum.name)}"),
        Paragraph(text(enum.comment) if enum.comment else "_No comment._"),
        Heading(2, "Values"),
        Table(("#", "value"), tuple((str(i), code(v)) for i, v in enumerate(enum.labels, 1))),
        *_users(ctx, enum.qualified_name, path),
    ]
    return Page(path, f"enum {enum.qualified_name}", "enum", enum.qualified_name, tuple(blocks))


def domain_page_for(ctx: Context, path: str, dom: Domain) -> Page:
    facts = [("base type", code(dom.base_type)), ("nullable", "yes" if dom.nullable else "no"),
             ("default", code(dom.default) if dom.default else "")]
    blocks: list[Block] = [
        Heading(1, f"domain {dom.qualified_name}"),
        Paragraph(f"{link('Schema overview', README, path)} › {code(dom.schema)} › "
                  f"{code(dom.name)}"),
        Table(("", ""), tuple(facts)),
    ]
    if dom.checks:
        blocks += [Heading(2, "Checks"), Bullets(tuple(code(c) for c in dom.checks))]
    blocks += _users(ctx, dom.qualified_name, path)
    return Page(path, f"domain {dom.qualified_name}", "domain", dom.qualified_name,
                tuple(blocks))

