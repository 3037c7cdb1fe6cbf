pytest_plugins = ["hearth.testing.fixtures", "hearth.testing.browser"]
