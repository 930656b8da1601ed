package image

import "fmt"

// ServerJSON is the part of server.json (the MCP registry entry) the image
// depends on.
type ServerJSON struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Packages []struct {
		RegistryType    string `json:"registryType"`
		Identifier      string `json:"identifier"`
		RegistryBaseURL string `json:"registryBaseUrl"`
		Version         string `json:"version"`
		FileSHA256      string `json:"fileSha256"`
	} `json:"packages"`
}

// ReadServerJSON reads server.json.
func ReadServerJSON(path string) (ServerJSON, error) {
	var s ServerJSON
	if err := readJSON(path, &s); err != nil {
		return s, err
	}
	if s.Name == "" || s.Version == "" {
		return s, fmt.Errorf("%s: no name or version", path)
	}
	return s, nil
}

// CheckServerJSON checks server.json's oci package names this image as a
// release publishes it: Repository, tagged with server.json's version.
func CheckServerJSON(s ServerJSON, r *Result) {
	var ids []string
	for _, p := range s.Packages {
		if p.RegistryType != "oci" {
			continue
		}
		ids = append(ids, p.Identifier)
		// What the registry's ValidateOCI refuses on publish (it needs the
		// network for the rest: the image's ownership label).
		if p.RegistryBaseURL != "" || p.Version != "" || p.FileSHA256 != "" {
			r.fail("server.json: the oci package must not have registryBaseUrl, version or fileSha256 (the version is the identifier's tag)")
		}
	}
	want := Repository + ":" + s.Version
	switch {
	case len(ids) != 1:
		r.fail("server.json: %d oci packages, want one, identifier %q", len(ids), want)
	case ids[0] != want:
		r.fail("server.json: oci identifier %q, want %q (the repository releases push to, tagged with server.json's version)", ids[0], want)
	default:
		r.ok("server.json: oci package %s; the image's %s label must be %q", ids[0], LabelServerName, s.Name)
	}
}
