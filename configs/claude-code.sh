#!/bin/sh
# Claude Code, stdio: lofty-mcp runs as a child process of Claude Code.
# Replace your-lofty-api-key with your Lofty personal API key (or use
# --env LOFTY_ACCESS_TOKEN=... for an OAuth access token; never both).
# The server name comes before --env: --env takes several values and would
# swallow a name written after it.
claude mcp add lofty --scope user --env LOFTY_API_KEY=your-lofty-api-key -- lofty-mcp
