#!/bin/sh
# Claude Code, Streamable HTTP: connects to a running `lofty-mcp http` that was
# started with LOFTY_MCP_AUTH_TOKEN (or --auth-token). Your shell fills in
# $LOFTY_MCP_AUTH_TOKEN when you run this line: set it to the server's token first.
claude mcp add --transport http --scope user lofty http://127.0.0.1:8080/mcp --header "Authorization: Bearer $LOFTY_MCP_AUTH_TOKEN"
