#!/bin/sh
# Claude Code, stdio, through npm: npx fetches the lofty-mcp package once (the
# launcher and the binary for this computer) and starts it. Needs Node.js.
# Replace your-lofty-api-key with your Lofty personal API key (or use
# --env LOFTY_ACCESS_TOKEN=... for an OAuth access token; never both).
# The server name comes before --env: --env takes several values and would
# swallow a name written after it. On native Windows (not WSL), write
# `-- cmd /c npx -y lofty-mcp`: Claude Code needs cmd to start npx there.
claude mcp add lofty --scope user --env LOFTY_API_KEY=your-lofty-api-key -- npx -y lofty-mcp
