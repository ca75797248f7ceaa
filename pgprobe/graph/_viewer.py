"""The ERD's notebook viewer: Graphviz's SVG in a small self-contained HTML page fragment.

Fit to the cell's width by default (CSS alone, so it also holds where scripts are stripped);
``−`` / ``+`` / ``fit`` buttons and ctrl+wheel zoom; drag or scroll to pan; a click on a
table shows its card (embedded, hidden until then) and, inside pgprobe's schema explorer,
picks that table. No external script or CDN: every behaviour is a short inline event
handler, which JupyterLab (trusted output), ipywidgets' ``HTML`` and static HTML exports
all run (a ``<script>`` element would not run inside an ipywidgets ``HTML`` value).

>>> svg = '<svg width="100pt" height="50pt" viewBox="0 0 100 50"><g class="node"><title>public.t</title></g></svg>'
>>> page = viewer_html(svg, cards={"public.t": "<b>t</b>"})
>>> 'data-table="public.t"' in page and "pgprobe-erd-zoom-in" in page and "<script" not in page
True
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from .._html import MATH_IGNORE

__all__ = ["viewer_html", "SCROLL_CLASS"]

SCROLL_CLASS = "pgp-scroll"
"""Marks an element meant to scroll sideways (the browser test allows overflow inside it)."""

_CSS = """<style>
.pgprobe-erdview{max-width:100%;font:12px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,sans-serif}
.pgprobe-erdview .pgprobe-erd-bar{display:flex;flex-wrap:wrap;gap:4px;align-items:center;margin:2px 0 4px}
.pgprobe-erdview .pgprobe-erd-bar button{min-width:2.2em;padding:1px 6px;border:1px solid #b0b7c3;
 border-radius:3px;background:#f6f8fa;cursor:pointer;font:inherit}
.pgprobe-erdview .pgprobe-erd-bar button:hover{background:#e8edf3}
.pgprobe-erdview .pgprobe-erd-hint{color:#6a737d;margin-left:6px}
.pgprobe-erdview .pgprobe-erd-pane{overflow:auto;max-height:80vh;max-width:100%;cursor:grab;
 user-select:none;-webkit-user-select:none;border:1px solid #eef0f3}
.pgprobe-erdview .pgprobe-erd-pane svg{display:block;height:auto}
.pgprobe-erdview g.node{cursor:pointer}
.pgprobe-erdview g.node.pgprobe-erd-selected{filter:drop-shadow(0 0 4px #1f77b4)}
.pgprobe-erdview .pgprobe-erd-card{position:relative;margin-top:6px;border-top:2px solid #1f77b4;padding-top:4px}
.pgprobe-erdview .pgprobe-erd-card[hidden],.pgprobe-erdview .pgprobe-erd-nocard[hidden]{display:none}
.pgprobe-erdview .pgprobe-erd-close{position:absolute;right:0;top:4px;cursor:pointer;border:0;
 background:none;font-size:16px}
.pgprobe-erdview .pgprobe-erd-nocard{margin-top:6px;color:#6a737d}
</style>"""

# Each handler is self-contained (no shared global function): the same markup works in
# every place that keeps inline handlers. Single quotes only: they sit in "..." attributes.
_ZOOM = (
    "var v=this.closest('.pgprobe-erdview'),p=v.querySelector('.pgprobe-erd-pane'),"
    "s=p.querySelector('svg');if(!s)return;var f={factor},z=f?Math.min(Math.max((+v.dataset.zoom||1)*f,0.2),8):1;"
    "var w=s.getBoundingClientRect().width||1,cx=(p.scrollLeft+p.clientWidth/2)/w,"
    "cy=(p.scrollTop+p.clientHeight/2)/(s.getBoundingClientRect().height||1);"
    "if(!v.dataset.fit)v.dataset.fit=w/(+v.dataset.zoom||1);"
    "if(z===1){{s.style.width='';s.style.maxWidth='';delete v.dataset.fit;}}"
    "else{{s.style.maxWidth='none';s.style.width=(v.dataset.fit*z)+'px';}}"
    "v.dataset.zoom=z;var r=s.getBoundingClientRect();"
    "p.scrollLeft=cx*r.width-p.clientWidth/2;p.scrollTop=cy*r.height-p.clientHeight/2;"
)
_WHEEL = (
    "if(!(event.ctrlKey||event.metaKey))return;event.preventDefault();"
    "this.closest('.pgprobe-erdview').querySelector(event.deltaY<0?'.pgprobe-erd-zoom-in':"
    "'.pgprobe-erd-zoom-out').click();"
)
_DOWN = (
    "if(event.button!==0)return;this.dataset.drag=[event.clientX,event.clientY,"
    "this.scrollLeft,this.scrollTop].join(',');this.dataset.moved='';"
)
_MOVE = (
    "var d=this.dataset.drag;if(!d)return;d=d.split(',').map(Number);"
    "var dx=event.clientX-d[0],dy=event.clientY-d[1];"
    "if(Math.abs(dx)+Math.abs(dy)>4)this.dataset.moved='1';"
    "if(this.dataset.moved){this.scrollLeft=d[2]-dx;this.scrollTop=d[3]-dy;}"
)
_UP = "this.dataset.drag='';"
_CLICK = (
    "if(this.dataset.moved){this.dataset.moved='';return;}"
    "var g=event.target.closest&&event.target.closest('g.node');if(!g)return;"
    "var t=g.querySelector('title'),n=t?t.textContent:'';if(!n)return;"
    "var v=this.closest('.pgprobe-erdview');"
    "v.querySelectorAll('g.node').forEach(function(e){e.classList.toggle('pgprobe-erd-selected',e===g);});"
    "var x=v.closest('.pgprobe-explorer'),i=x&&x.querySelector('.pgprobe-erd-pick input');"
    "if(i){i.value=n;i.dispatchEvent(new Event('input',{bubbles:true}));"
    "i.dispatchEvent(new Event('change',{bubbles:true}));return;}"
    "var c=null;v.querySelectorAll('.pgprobe-erd-card').forEach(function(e){"
    "var on=e.dataset.table===n;e.hidden=!on;if(on)c=e;});"
    "var m=v.querySelector('.pgprobe-erd-nocard');if(m){m.hidden=!!c;"
    "m.textContent=c?'':n+': '+m.dataset.msg;}"
    "(c||m).scrollIntoView({block:'nearest'});"
)
_CLOSE = "this.parentNode.hidden=true;"

_SVG_SIZE = re.compile(r'<svg\b([^>]*?)\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"', re.S)


def _attr(js: str) -> str:
    return html.escape(js, quote=True)


def _fit_svg(svg: str) -> str:
    """The ``<svg>`` element without the XML prologue, sized by CSS: the cell's width at most,
    never larger than Graphviz's natural size."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    match = _SVG_SIZE.search(svg)
    if match is None:
        return svg
    width = match.group(2)
    return (svg[: match.start()] + f'<svg{match.group(1)} style="width:100%;max-width:{width}pt"'
            + svg[match.end():])


def viewer_html(
    svg: str,
    *,
    cards: Mapping[str, str] | None = None,
    missing_card: str = "no card embedded for this relation",
    hint: str = "drag to pan · ctrl+wheel or −/+ to zoom · click a table for its card",
) -> str:
    """``svg`` (Graphviz's output) in a zoom/pan viewer; ``cards`` maps a node's name (its
    SVG ``<title>``, e.g. ``public.tickets``) to HTML shown when the node is clicked."""
    buttons = "".join(
        f'<button type="button" class="pgprobe-erd-{cls}" title="{title}" '
        f'onclick="{_attr(_ZOOM.format(factor=factor))}">{label}</button>'
        for cls, title, label, factor in (("zoom-out", "zoom out", "−", "0.8"),
                                          ("zoom-in", "zoom in", "+", "1.25"),
                                          ("fit", "fit to the cell's width", "fit", "0")))
    bar = f'<div class="pgprobe-erd-bar">{buttons}<span class="pgprobe-erd-hint">{html.escape(hint)}</span></div>'
    pane = (
        f'<div class="pgprobe-erd-pane {SCROLL_CLASS}" onclick="{_attr(_CLICK)}" '
        f'onwheel="{_attr(_WHEEL)}" onpointerdown="{_attr(_DOWN)}" onpointermove="{_attr(_MOVE)}" '
        f'onpointerup="{_attr(_UP)}" onpointerleave="{_attr(_UP)}">{_fit_svg(svg)}</div>'
    )
    close = f'<button type="button" class="pgprobe-erd-close" title="close" onclick="{_attr(_CLOSE)}">×</button>'
    card_html = "".join(
        f'<div class="pgprobe-erd-card" data-table="{html.escape(name, quote=True)}" hidden>{close}{body}</div>'
        for name, body in (cards or {}).items()
    )
    nocard = f'<div class="pgprobe-erd-nocard" data-msg="{html.escape(missing_card, quote=True)}" hidden></div>'
    return f'{_CSS}<div class="pgprobe-erdview {MATH_IGNORE}" data-zoom="1">{bar}{pane}{card_html}{nocard}</div>'
