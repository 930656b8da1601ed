package mcpserver

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// buildPrompt is a prompt as prompts/list shows it, and its handler, which
// writes the prompt's text for the tools of served; and its arguments by
// name, for completion.
func buildPrompt(p tools.Prompt, served tools.Served) (server.ServerPrompt, map[string]tools.PromptArgument, error) {
	if err := p.Check(); err != nil {
		return server.ServerPrompt{}, nil, err
	}
	info := p.PromptInfo()
	opts := []mcp.PromptOption{mcp.WithPromptTitle(info.Title), mcp.WithPromptDescription(info.Description)}
	byName := map[string]tools.PromptArgument{}
	for _, a := range info.Arguments {
		argOpts := []mcp.ArgumentOption{mcp.ArgumentDescription(a.Description)}
		if a.Required {
			argOpts = append(argOpts, mcp.RequiredArgument())
		}
		opts = append(opts, mcp.WithArgument(a.Name, argOpts...))
		byName[a.Name] = a
	}
	handler := func(_ context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		text, err := p.Render(req.Params.Arguments, served)
		if err != nil {
			return nil, err
		}
		return &mcp.GetPromptResult{
			Description: info.Description,
			Messages:    []mcp.PromptMessage{mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text))},
		}, nil
	}
	return server.ServerPrompt{Prompt: mcp.NewPrompt(info.Name, opts...), Handler: handler}, byName, nil
}
