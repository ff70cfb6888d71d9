"""``{% load permissions %}{% if user|can:"people.change" %}``: what a page offers, from the one table."""

from django import template

from wangge.accounts import permissions

register = template.Library()


@register.filter
def can(user, action: str) -> bool:
    return permissions.can(user, action)
