"""The shapes reporting's HTTP API takes and answers, one module per sub-domain."""
