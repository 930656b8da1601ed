// Package toolgen derives files from the tool specs of package tools: the
// registry, found by reading the package's source (so that it can be
// regenerated even when the package does not build), and the helpers the
// tools/list snapshots and the bundle manifest's tool list are written with.
// It imports only the standard library; `go generate ./...` runs it through
// internal/genregistry and internal/gendocs.
package toolgen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// RegistryFile is the generated registry's file name in the tools package.
const RegistryFile = "zz_generated_registry.go"

// A kind is one sort of declaration the registry collects: package-level
// values of a generic type (Spec[In, Out]), listed by a generated function.
// Prompts (PromptSpec[Args]) are the second kind; another sort of value
// would be one more kind, not one more hand-kept list.
type kind struct {
	typeName   string // the generic type, e.g. "Spec"
	typeParams string // its type parameters, for messages: "[In, Out]"
	funcName   string // the generated function, e.g. "specs"
	elemType   string // the element type of its result, e.g. "Tool"
	doc        string // the function's doc comment, without "// "
}

func kinds() []kind {
	return []kind{{
		typeName: "Spec", typeParams: "[In, Out]", funcName: "specs", elemType: "Tool",
		doc: "specs returns every Spec value declared in this package, in source order\n" +
			"(files by name, then as declared). All orders them by toolset.",
	}, {
		typeName: "PromptSpec", typeParams: "[Args]", funcName: "promptSpecs", elemType: "Prompt",
		doc: "promptSpecs returns every PromptSpec value declared in this package, in\n" +
			"source order (files by name, then as declared).",
	}}
}

// Decl is one registered value: a package-level variable and its file.
type Decl struct {
	Name string
	File string // base name
}

// Scan finds, in the non-test Go files of dir (the generated registry
// excluded), every package-level variable whose value is a Spec: a
// Spec[...]{...} literal, a variable declared with type Spec[...], or a call
// of a function of this package that returns a Spec[...]. A Spec literal
// anywhere else (not in such a variable or function) is an error, since it
// would never be registered. The result is keyed by kind type name ("Spec").
func Scan(dir string) (pkg string, found map[string][]Decl, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return "", nil, err
	}
	slices.Sort(files)
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, path := range files {
		base := filepath.Base(path)
		if strings.HasSuffix(base, "_test.go") || base == RegistryFile {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return "", nil, err
		}
		if pkg == "" {
			pkg = f.Name.Name
		} else if f.Name.Name != pkg {
			return "", nil, fmt.Errorf("%s: package %s, want %s", path, f.Name.Name, pkg)
		}
		parsed = append(parsed, f)
	}
	if len(parsed) == 0 {
		return "", nil, fmt.Errorf("%s: no Go files", dir)
	}

	found = map[string][]Decl{}
	for _, k := range kinds() {
		// Functions of the package that return a value of the kind.
		makers := map[string]bool{}
		for _, f := range parsed {
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Type.Results != nil &&
					len(fn.Type.Results.List) == 1 && isKindType(fn.Type.Results.List[0].Type, k.typeName) {
					makers[fn.Name.Name] = true
				}
			}
		}
		allowed := map[*ast.CompositeLit]bool{} // literals that are registered or returned by a maker
		for _, f := range parsed {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if makers[d.Name.Name] && d.Recv == nil {
						ast.Inspect(d, func(n ast.Node) bool {
							if cl, ok := n.(*ast.CompositeLit); ok {
								allowed[cl] = true
							}
							return true
						})
					}
				case *ast.GenDecl:
					if d.Tok != token.VAR {
						continue
					}
					for _, s := range d.Specs {
						vs := s.(*ast.ValueSpec)
						for i, name := range vs.Names {
							var value ast.Expr
							if i < len(vs.Values) {
								value = vs.Values[i]
							}
							if !isKindType(vs.Type, k.typeName) && !isKindValue(value, k.typeName, makers) {
								continue
							}
							if name.Name == "_" {
								return "", nil, fmt.Errorf("%s: a %s assigned to _ is never served; give it a name", fset.Position(name.Pos()), k.typeName)
							}
							if cl, ok := value.(*ast.CompositeLit); ok {
								allowed[cl] = true
							}
							file := filepath.Base(fset.Position(name.Pos()).Filename)
							found[k.typeName] = append(found[k.typeName], Decl{Name: name.Name, File: file})
						}
					}
				}
			}
		}
		// A literal of the kind anywhere else would silently not be served.
		for _, f := range parsed {
			var stray error
			ast.Inspect(f, func(n ast.Node) bool {
				if cl, ok := n.(*ast.CompositeLit); ok && stray == nil && isKindType(cl.Type, k.typeName) && !allowed[cl] {
					stray = fmt.Errorf("%s: a %s literal outside a package-level variable is not registered; "+
						"declare it as `var Name = %s%s{...}`", fset.Position(cl.Pos()), k.typeName, k.typeName, k.typeParams)
				}
				return stray == nil
			})
			if stray != nil {
				return "", nil, stray
			}
		}
	}
	return pkg, found, nil
}

// isKindType reports whether e is typeName[...] (an instantiation of the
// package's generic type).
func isKindType(e ast.Expr, typeName string) bool {
	switch t := e.(type) {
	case *ast.IndexExpr:
		return isIdent(t.X, typeName)
	case *ast.IndexListExpr:
		return isIdent(t.X, typeName)
	}
	return false
}

// isKindValue reports whether e is a typeName[...]{...} literal or a call of
// one of makers.
func isKindValue(e ast.Expr, typeName string, makers map[string]bool) bool {
	switch v := e.(type) {
	case *ast.CompositeLit:
		return isKindType(v.Type, typeName)
	case *ast.CallExpr:
		fun := v.Fun
		switch f := fun.(type) { // a generic maker called with explicit type arguments
		case *ast.IndexExpr:
			fun = f.X
		case *ast.IndexListExpr:
			fun = f.X
		}
		id, ok := fun.(*ast.Ident)
		return ok && makers[id.Name]
	}
	return false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// Registry returns the gofmt'ed source of the registry file for the package
// in dir: one function per kind listing its values in source order.
func Registry(dir string) ([]byte, error) {
	pkg, found, err := Scan(dir)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("// Code generated by go run ../internal/genregistry; DO NOT EDIT.\n")
	b.WriteString("// It lists the package-level values that internal/toolgen.Scan finds in this package.\n\n")
	fmt.Fprintf(&b, "package %s\n", pkg)
	for _, k := range kinds() {
		b.WriteString("\n")
		for _, line := range strings.Split(k.doc, "\n") {
			b.WriteString("// " + line + "\n")
		}
		fmt.Fprintf(&b, "func %s() []%s {\n\treturn []%s{\n", k.funcName, k.elemType, k.elemType)
		for _, d := range found[k.typeName] {
			fmt.Fprintf(&b, "\t\t%s,\n", d.Name)
		}
		b.WriteString("\t}\n}\n")
	}
	return format.Source(b.Bytes())
}

// RegistryIsCurrent reports whether dir's registry file is what Registry
// generates; when it is not, the error says what to run.
func RegistryIsCurrent(dir string) error {
	want, err := Registry(dir)
	if err != nil {
		return err
	}
	got, err := os.ReadFile(filepath.Join(dir, RegistryFile))
	if err != nil || !bytes.Equal(got, want) {
		return fmt.Errorf("%s is stale or missing (run go generate ./... to update)", filepath.Join(filepath.Base(dir), RegistryFile))
	}
	return nil
}
