pytest_plugins = [
    "hearth.testing.fixtures",
    "hearth.testing.browser",
    "hearth.testing.live",
    "hearth.testing.s3",
]
