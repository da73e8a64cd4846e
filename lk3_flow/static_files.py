"""What `collectstatic` gathers for production."""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    """Django's static files app, leaving out what viewflow ships but no page of ours loads.

    Its `node_modules` folders are the sources its bundles were built from, and one of their
    style sheets names font files that were never shipped, which stops the manifest storage's
    `collectstatic`. `js/contrib` holds the Plotly Dash bundles (22 MB) of `viewflow.contrib`
    pages this site does not have; compressing them would triple the time of every deploy.
    """

    ignore_patterns = [
        *DjangoStaticFilesConfig.ignore_patterns,
        "node_modules",
        "viewflow/js/contrib/*",
    ]
