"""Reference data from the `vietnam-provinces` package, turned into plain model objects for set-up."""
