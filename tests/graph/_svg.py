"""Read a Graphviz SVG back: each node / edge group by its id, with title, texts, colours."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

NS = {"svg": "http://www.w3.org/2000/svg"}


@dataclass
class Group:
    id: str
    kind: str
    title: str
    texts: list[str] = field(default_factory=list)
    strokes: set[str] = field(default_factory=set)
    fills: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        return " ".join(self.texts)


def groups(svg: str) -> dict[str, Group]:
    root = ET.fromstring(svg)
    out: dict[str, Group] = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        kind = g.get("class", "")
        if kind not in ("node", "edge", "cluster"):
            continue
        title = g.find("svg:title", NS)
        grp = Group(g.get("id", ""), kind, title.text if title is not None and title.text else "")
        for el in g.iter():
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "text" and el.text:
                grp.texts.append(el.text)
            if el.get("stroke"):
                grp.strokes.add(el.get("stroke", "").lower())
            if el.get("fill"):
                grp.fills.add(el.get("fill", "").lower())
        out[grp.id] = grp
    return out
