"""
{% cachedcontent "name" [vary_on ...] %} ... {% endcachedcontent %}

Renders the enclosed template once per process and curriculum version, like
Django's {% cache %} (under the same kind of key), but invalidated by any content
change instead of a timeout. Use it only around markup that depends on content
alone: never on the user, the CSRF token or a CSP nonce.
"""

from django import template
from django.core.cache.utils import make_template_fragment_key
from django.utils.safestring import mark_safe

from curriculum.cache import cached

register = template.Library()


class CachedContentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on: list):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context) -> str:
        key = make_template_fragment_key(
            self.name, [v.resolve(context) for v in self.vary_on]
        )
        html = cached(
            context.get("request"), key, lambda: str(self.nodelist.render(context))
        )
        # The fragment was rendered by the template engine, escaping included.
        return mark_safe(html)  # noqa: S308


@register.tag
def cachedcontent(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a fragment name.")
    name = bits[1].strip("\"'")
    nodelist = parser.parse(("endcachedcontent",))
    parser.delete_first_token()
    return CachedContentNode(
        nodelist, name, [parser.compile_filter(b) for b in bits[2:]]
    )
