"""What `collectstatic` gathers for production."""

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.staticfiles import finders

# `node_modules` folders are the sources viewflow's bundles were built from, and one of their
# style sheets names font files that were never shipped, which stops the manifest storage's
# `collectstatic`. `js/contrib` holds the Plotly Dash bundles (22 MB) of `viewflow.contrib`
# pages this site does not have; compressing them would triple the time of every deploy.
UNUSED = ["node_modules", "viewflow/js/contrib/*"]


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    """The apps' static files, less what viewflow ships but no page of ours loads."""

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, Any]]:
        return super().list([*(ignore_patterns or []), *UNUSED])
