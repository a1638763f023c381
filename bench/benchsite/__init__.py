"""A Django site used only by the benchmark: the project plus one bare INSERT view to compare against."""
