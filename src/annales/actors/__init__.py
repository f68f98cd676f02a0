"""Actors: the knowledge base (kb), the linker (link) and the importers.

Other stages use:
    link(doc, parsed=None, kb=None) -> list[ActorMention]      # RoleMention for role phrases
    resolve_role(mention, date, kb=None) -> Actor                # re-resolve a role phrase at an event's date
    counterpart(actor, country, date, kb=None) -> Actor | None   # "son homologue (nord-coréen)"
    country_actor(iso3, text=None, kb=None) -> Actor             # "les deux pays", "leurs dirigeants"
    default_kb() -> KnowledgeBase; KnowledgeBase.load(extra_dirs)
    import_file(path, dest_dir=None, kb=None) -> (n, path); show(name, kb=None) -> str
"""
from .importers import import_file, show
from .kb import Entity, KnowledgeBase, Role, default_kb
from .link import RoleMention, counterpart, country_actor, link, resolve_role

__all__ = ["Entity", "KnowledgeBase", "Role", "RoleMention", "counterpart", "country_actor", "default_kb",
           "import_file", "link", "resolve_role", "show"]
