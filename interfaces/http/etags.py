"""ETags from task versions, and the If-Match header that guards writes."""

import re

from domain.errors import InvalidValue

# A quoted version, as sent; a bare one is accepted too, for hand-typed curls.
_ENTITY_TAG = re.compile(r'\s*(W/)?(?:"([0-9]{1,18})"|([0-9]{1,18}))\s*')


def etag(version: int) -> str:
    return f'"{version}"'


def expected_versions(if_match: str | None) -> frozenset[int] | None:
    """The versions an If-Match header accepts; None when it accepts any."""
    if if_match is None or if_match.strip() == "*":
        return None
    versions = set()
    for tag in if_match.split(","):
        matched = _ENTITY_TAG.fullmatch(tag)
        if matched is None:
            raise InvalidValue(
                "If-Match", 'must be an ETag of a task response, such as "3"'
            )
        # Weak tags never match under If-Match's strong comparison.
        if matched.group(1) is None:
            versions.add(int(matched.group(2) or matched.group(3)))
    return frozenset(versions)
