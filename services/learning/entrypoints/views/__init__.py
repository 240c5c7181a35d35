"""The shapes learning's HTTP API takes and answers, one module per sub-domain."""
